#!/usr/bin/env bash
# The entrypoint of ingest-postgres:local (deploy/postgres/Dockerfile): what docker-compose.yml
# relies on of the official postgres image's entrypoint.
#   - `postgres [OPTIONS]` (or options alone) runs the server as user postgres; anything else is
#     run as it is (e.g. `bash`).
#   - On an empty PGDATA (/var/lib/postgresql/data), once: initdb with superuser POSTGRES_USER
#     (default postgres) and password POSTGRES_PASSWORD (required unless
#     POSTGRES_HOST_AUTH_METHOD=trust) and POSTGRES_INITDB_ARGS; the database POSTGRES_DB
#     (default: POSTGRES_USER) is created; then /docker-entrypoint-initdb.d/ in name order: *.sh
#     run when executable, sourced otherwise, *.sql through psql, anything else ignored — all
#     against a server that listens on its unix socket only, so that nothing connects over TCP
#     before initialisation is complete.
#   - The server listens on every address; TCP connections from elsewhere than the container
#     itself authenticate with POSTGRES_HOST_AUTH_METHOD (default scram-sha-256); inside the
#     container (socket, 127.0.0.1) initdb's trust applies, as in the official image.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
POSTGRES_INITDB_ARGS="${POSTGRES_INITDB_ARGS:-}"
INITDB_D=/docker-entrypoint-initdb.d
ME="$(basename "$0")"

say() { echo "$ME: $*"; }
fail() { echo "$ME: $*" >&2; exit 1; }

# As root: the folders belong to postgres (a fresh volume or a bind mount may not).
prepare_dirs() {
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3775 /var/run/postgresql
  find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
}

# psql as the superuser over the socket, stopping at the first error.
psql_super() {
  PGHOST= PGHOSTADDR= psql -X -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password "$@"
}

init_cluster() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    fail "the database is not initialised and POSTGRES_PASSWORD is empty: set it (or POSTGRES_HOST_AUTH_METHOD=trust, which lets anyone on the network in)"
  fi
  say "initialising $PGDATA (superuser $POSTGRES_USER)"
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of options, split on purpose
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    $POSTGRES_INITDB_ARGS >/dev/null
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
}

create_database() {
  [ "$POSTGRES_DB" = postgres ] && return 0
  local exists
  exists="$(psql_super --dbname postgres -tA --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")"
  [ -n "$exists" ] || psql_super --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db"' >/dev/null
}

run_init_files() {
  local f
  for f in "$INITDB_D"/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          say "running $f"
          "$f"
        else
          say "sourcing $f"
          set +u
          # shellcheck disable=SC1090
          . "$f"
          set -u
        fi ;;
      *.sql) say "running $f"; psql_super --dbname "$POSTGRES_DB" -f "$f" ;;
      *) say "ignoring $f" ;;
    esac
  done
}

first_start() {
  init_cluster
  # The init files see the superuser's password, as the official image's do.
  export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
  create_database
  run_init_files
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  unset PGPASSWORD
  say "initialisation complete"
}

main() {
  case "${1:-}" in
    -*) set -- postgres "$@" ;;
    "") set -- postgres ;;
  esac
  [ "$1" = postgres ] || exec "$@"
  if [ "$(id -u)" = 0 ]; then
    prepare_dirs
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
  fi
  if [ -s "$PGDATA/PG_VERSION" ]; then
    say "$PGDATA holds a database; no initialisation"
  else
    ls "$INITDB_D" >/dev/null || fail "cannot read $INITDB_D"
    first_start
  fi
  exec "$@"
}

main "$@"
