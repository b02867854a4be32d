#!/usr/bin/env bash
# A private PostgreSQL cluster for the local default and the tests.
#
#   scripts/pg.sh start | stop | stop-immediate | restart | status | env | psql [ARGS] |
#                 psql-owner [ARGS] | destroy
#
# Settings (environment):
#   INGEST_PG_PORT  TCP port on 127.0.0.1 (default 55432)
#   INGEST_PG_ROOT  where the cluster lives (default /var/tmp/ingest-pg-$INGEST_PG_PORT); a
#                   shared temp dir, because PostgreSQL refuses to run as root and the postgres
#                   user must be able to enter every parent folder of its data dir.
#
# Layout of $INGEST_PG_ROOT: data/ (the cluster), socket/ (unix socket), postgresql.log,
# pgpass (the passwords of both roles, for libpq's PGPASSFILE).
# Two roles, each with a random password (docs/security.md, "Database roles"):
#   ingest_owner  LOGIN CREATEDB: owns database `ecommerce_events` and its schema; runs
#                 `ingest-server migrate --db "$INGEST_OWNER_DSN" --grant-to ingest`; the tests use
#                 it to create their own databases
#   ingest        LOGIN only: the role ingest-server serves as; CONNECT and TEMPORARY on the
#                 database; its rights on the tables come from `migrate --grant-to ingest`
# A cluster made when `ingest` owned everything is converted on `start`: its objects go to
# ingest_owner, and `ingest` loses CREATEDB. Every command is idempotent.
# `env` prints INGEST_DB_DSN (role ingest), INGEST_OWNER_DSN, INGEST_SERVING_ROLE, PGPASSFILE,
# INGEST_PG_PORT and INGEST_PG_ROOT; `psql` connects as ingest, `psql-owner` as ingest_owner.
# `status` exits 0 when running, 3 when stopped, 4 when there is no cluster.
set -euo pipefail
shopt -s inherit_errexit  # a failure inside $(...) fails the caller too

PORT="${INGEST_PG_PORT:-55432}"
ROOT="${INGEST_PG_ROOT:-/var/tmp/ingest-pg-$PORT}"
DATA="$ROOT/data"
SOCK="$ROOT/socket"
LOG="$ROOT/postgresql.log"
PGPASS="$ROOT/pgpass"
MARKER="$ROOT/.ingest-pg-cluster"
DB_NAME="ecommerce_events"
DB_ROLE="ingest"           # serves: reads and writes rows, never changes the schema
OWNER_ROLE="ingest_owner"  # owns the database and the schema, migrates

die() { echo "pg.sh: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "INGEST_PG_PORT must be a number, got '$PORT'"
[[ "$ROOT" == /* ]] || die "INGEST_PG_ROOT must be an absolute path, got '$ROOT'"

# The highest installed server version, found where Debian puts it (PATH holds only wrappers).
find_pg_bin() {
  local dir best="" best_ver=0 ver
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
    ver="$(basename "$(dirname "$dir")")"
    ver="${ver%%.*}"
    [[ "$ver" =~ ^[0-9]+$ ]] || continue
    if ((ver > best_ver)); then best_ver=$ver; best="$dir"; fi
  done
  [[ -n "$best" ]] || die "no PostgreSQL server under /usr/lib/postgresql/*/bin; run scripts/setup-deps.sh"
  echo "$best"
}

# As root, the cluster belongs to the postgres OS user; otherwise to the invoking user.
if [[ "$(id -u)" -eq 0 ]]; then
  OWNER="postgres"
  getent passwd postgres >/dev/null || die "OS user 'postgres' missing; run scripts/setup-deps.sh"
else
  OWNER="$(id -un)"
fi

as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

PG_BIN=""
pg_bin() { [[ -n "$PG_BIN" ]] || PG_BIN="$(find_pg_bin)"; echo "$PG_BIN"; }

is_running() { [[ -f "$DATA/PG_VERSION" ]] && as_owner "$(pg_bin)/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

# psql as the cluster owner over the unix socket (peer auth), for administration.
admin_psql() {
  as_owner "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -d postgres "$@"
}

owned_dir() {
  mkdir -p "$1"
  if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$1"; fi
  chmod "$2" "$1"
}

init_cluster() {
  local locale="C"
  local locales
  locales="$(locale -a 2>/dev/null || true)"
  if grep -qiE '^c\.utf-?8$' <<<"$locales"; then locale="C.UTF-8"; fi
  owned_dir "$DATA" 700
  owned_dir "$SOCK" 755
  touch "$LOG"
  if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$LOG"; fi
  if ! as_owner "$(pg_bin)/initdb" -D "$DATA" -E UTF8 --locale="$locale" -U "$OWNER" \
      --auth-local=peer --auth-host=scram-sha-256 >"$ROOT/initdb.log" 2>&1; then
    cat "$ROOT/initdb.log" >&2
    die "initdb failed in $DATA (log above)"
  fi
  as_owner tee "$DATA/pg_hba.conf" >/dev/null <<EOF
# Written by scripts/pg.sh: the cluster's owner over the unix socket, everyone else by password.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       $OWNER    peer
host    all       all       127.0.0.1/32   scram-sha-256
EOF
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- scripts/pg.sh ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
password_encryption = scram-sha-256
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 64MB
max_connections = 100
EOF
  touch "$MARKER"
}

random_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# write_pgpass SERVING_PASSWORD OWNER_PASSWORD
write_pgpass() {
  local tmp host
  tmp="$(mktemp "$ROOT/pgpass.XXXXXX")"
  chmod 600 "$tmp"
  for host in 127.0.0.1 localhost; do
    printf '%s:%s:*:%s:%s\n' "$host" "$PORT" "$DB_ROLE" "$1" "$host" "$PORT" "$OWNER_ROLE" "$2" >>"$tmp"
  done
  mv -f "$tmp" "$PGPASS"
}

# The password pgpass holds for a role ("" when none).
password_of() {
  [[ -f "$PGPASS" ]] || return 0
  awk -F: -v role="$1" '$4 == role { print $5; exit }' "$PGPASS"
}

# ensure_role ROLE ATTRIBUTES: creates the role or sets its attributes; prints its password, a new
# one when pgpass has none for it or the role is new.
ensure_role() {
  local role="$1" attributes="$2" password have
  password="$(password_of "$role")"
  have="$(admin_psql -tA -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")"
  if [[ -z "$password" || "$have" != "1" ]]; then
    password="$(random_password)"
    # On stdin, not in psql's command line, where other local users could read it.
    if [[ "$have" == "1" ]]; then
      admin_psql -f - <<<"ALTER ROLE $role WITH $attributes PASSWORD '$password'"
    else
      admin_psql -f - <<<"CREATE ROLE $role WITH $attributes PASSWORD '$password'"
    fi
  else
    admin_psql -c "ALTER ROLE $role WITH $attributes"
  fi
  echo "$password"
}

# psql as the cluster owner in the ingest database.
admin_psql_db() {
  as_owner "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -d "$DB_NAME" "$@"
}

# Both roles, the database owned by ingest_owner, pgpass. Safe to repeat.
ensure_database() {
  local serving_password owner_password have_db old_owned
  owner_password="$(ensure_role "$OWNER_ROLE" "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE")"
  serving_password="$(ensure_role "$DB_ROLE" "LOGIN NOCREATEDB NOSUPERUSER NOCREATEROLE")"
  if [[ "$serving_password" != "$(password_of "$DB_ROLE")" || "$owner_password" != "$(password_of "$OWNER_ROLE")" ]]; then
    write_pgpass "$serving_password" "$owner_password"
  fi
  have_db="$(admin_psql -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  if [[ "$have_db" != "1" ]]; then
    admin_psql -c "CREATE DATABASE $DB_NAME OWNER $OWNER_ROLE ENCODING 'UTF8' TEMPLATE template0"
  fi
  # A cluster of the one-role days: its tables, views and sequences belonged to ingest.
  old_owned="$(admin_psql_db -tA -c "SELECT count(*) FROM pg_class WHERE relowner = '$DB_ROLE'::regrole")"
  if [[ "$old_owned" != "0" ]]; then
    admin_psql_db -c "REASSIGN OWNED BY $DB_ROLE TO $OWNER_ROLE"
    echo "pg.sh: $OWNER_ROLE now owns what $DB_ROLE owned in $DB_NAME; give $DB_ROLE its rights with:" \
      "ingest-server migrate --db \"\$INGEST_OWNER_DSN\" --grant-to $DB_ROLE" >&2
  fi
  admin_psql -c "ALTER DATABASE $DB_NAME OWNER TO $OWNER_ROLE"
  admin_psql -c "GRANT CONNECT, TEMPORARY ON DATABASE $DB_NAME TO $DB_ROLE"
  admin_psql_db -c "ALTER SCHEMA public OWNER TO $OWNER_ROLE" \
    -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" -c "GRANT USAGE ON SCHEMA public TO $DB_ROLE"
}

cmd_start() {
  mkdir -p "$ROOT"
  chmod 755 "$ROOT"
  exec 9>"$ROOT/.lock"
  flock -w 120 9 || die "another pg.sh holds $ROOT/.lock"
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    [[ -z "$(ls -A "$DATA" 2>/dev/null)" ]] || die "$DATA exists but holds no cluster; run: $0 destroy"
    init_cluster
    echo "pg.sh: created a PostgreSQL $(basename "$(dirname "$(pg_bin)")") cluster in $ROOT"
  fi
  if is_running; then
    ensure_database
    echo "pg.sh: PostgreSQL already running on 127.0.0.1:$PORT (cluster $ROOT)"
    return 0
  fi
  # 9>&-: the postmaster must not inherit (and so hold) the lock.
  if ! as_owner "$(pg_bin)/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 120 >/dev/null 2>&1 9>&-; then
    tail -n 20 "$LOG" >&2 || true
    die "PostgreSQL did not start on 127.0.0.1:$PORT (log: $LOG, tail above)"
  fi
  ensure_database
  echo "pg.sh: PostgreSQL running on 127.0.0.1:$PORT; cluster $ROOT (data/, log postgresql.log, pgpass)"
}

stop_with_mode() {
  local mode="$1"
  if ! is_running; then
    echo "pg.sh: PostgreSQL on port $PORT is not running"
    return 0
  fi
  as_owner "$(pg_bin)/pg_ctl" stop -D "$DATA" -m "$mode" -w -t 120 >/dev/null \
    || die "pg_ctl stop -m $mode failed (log: $LOG)"
  echo "pg.sh: PostgreSQL on port $PORT stopped ($mode)"
}

cmd_status() {
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    echo "pg.sh: no cluster in $ROOT"
    return 4
  fi
  if is_running; then
    echo "pg.sh: PostgreSQL running on 127.0.0.1:$PORT (cluster $ROOT)"
    return 0
  fi
  echo "pg.sh: PostgreSQL stopped (cluster $ROOT)"
  return 3
}

cmd_env() {
  cat <<EOF
export PGPASSFILE='$PGPASS'
export INGEST_DB_DSN='host=127.0.0.1 port=$PORT dbname=$DB_NAME user=$DB_ROLE'
export INGEST_OWNER_DSN='host=127.0.0.1 port=$PORT dbname=$DB_NAME user=$OWNER_ROLE'
export INGEST_SERVING_ROLE='$DB_ROLE'
export INGEST_PG_PORT='$PORT'
export INGEST_PG_ROOT='$ROOT'
EOF
}

# cmd_psql ROLE [ARGS]
cmd_psql() {
  local role="$1"
  shift
  [[ -f "$PGPASS" ]] || die "no $PGPASS yet; run: $0 start"
  PGPASSFILE="$PGPASS" exec "$(pg_bin)/psql" \
    -d "host=127.0.0.1 port=$PORT dbname=$DB_NAME user=$role" "$@"
}

cmd_destroy() {
  if [[ ! -e "$ROOT" ]]; then
    echo "pg.sh: nothing to destroy in $ROOT"
    return 0
  fi
  [[ -f "$MARKER" || ! -e "$DATA" ]] || die "$ROOT was not made by pg.sh; not removing it"
  if is_running; then
    as_owner "$(pg_bin)/pg_ctl" stop -D "$DATA" -m immediate -w -t 60 >/dev/null || true
  fi
  rm -rf "$ROOT"
  echo "pg.sh: removed the cluster in $ROOT"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) stop_with_mode fast ;;
  stop-immediate) stop_with_mode immediate ;;
  restart) stop_with_mode fast; cmd_start ;;
  status) cmd_status ;;
  env) cmd_env ;;
  psql) shift; cmd_psql "$DB_ROLE" "$@" ;;
  psql-owner) shift; cmd_psql "$OWNER_ROLE" "$@" ;;
  destroy) cmd_destroy ;;
  -h | --help | help)
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "usage: $0 start|stop|stop-immediate|restart|status|env|psql [ARGS]|psql-owner [ARGS]|destroy (see --help)" >&2
    exit 2
    ;;
esac
