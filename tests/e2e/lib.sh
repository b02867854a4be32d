# Shared helpers of the end-to-end tests: a fresh database per test, the real ingest-server on
# ports 0, SQL and assertions with clear messages. Sourced by each test script.
#
# Environment (set by tests/e2e/CMakeLists.txt and scripts/test.sh):
#   INGEST_SERVER, INGEST_GENERATOR, INGEST_ADMIN  paths of the binaries
#   INGEST_SERVER_FAILPOINTS, INGEST_BRIDGE_FAILPOINTS  the test builds of ingest-server and
#                     file-bridge, whose failpoints INGEST_FAILPOINTS arms (release builds have none)
#   INGEST_SOURCE_DIR                               the checkout (proto/, tests/e2e/)
#   INGEST_TEST_DSN   libpq key=value conninfo of a role with CREATEDB (pg.sh's ingest_owner); each
#                     test's database belongs to it; unset: the test skips
#   INGEST_TEST_SERVING_DSN  the same for the serving role (pg.sh's ingest), which owns nothing
#   PGPASSFILE        the passwords of those roles
#   INGEST_PG_SCRIPT  scripts/pg.sh, for tests that stop and start PostgreSQL
set -euo pipefail

E2E_NAME="${E2E_NAME:-$(basename "$0" .sh)}"
E2E_SKIP=77

e2e_log() { echo "[$E2E_NAME] $*"; }
e2e_fail() {
  echo "[$E2E_NAME] FAIL: $*" >&2
  exit 1
}
e2e_skip() {
  echo "[$E2E_NAME] SKIP: $*"
  exit "$E2E_SKIP"
}

if [[ -z "${INGEST_TEST_DSN:-}" ]]; then
  e2e_skip "INGEST_TEST_DSN is unset; scripts/test.sh starts a PostgreSQL cluster and sets it"
fi
[[ "$INGEST_TEST_DSN" != postgres://* && "$INGEST_TEST_DSN" != postgresql://* ]] ||
  e2e_fail "INGEST_TEST_DSN must be key=value conninfo (host=... dbname=...), not a URI"
for var in INGEST_SERVER INGEST_GENERATOR INGEST_ADMIN; do
  [[ -x "${!var:-}" ]] || e2e_fail "$var='${!var:-}' is not an executable; run through ctest"
done
command -v psql >/dev/null || e2e_fail "psql not found; run scripts/setup-deps.sh"

# Debian's python3 has the grpc and protobuf modules; a python3 earlier in PATH may not.
if [[ -x /usr/bin/python3 ]]; then E2E_PYTHON=/usr/bin/python3; else E2E_PYTHON=python3; fi

E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/e2e-$E2E_NAME.XXXXXX")"
E2E_DB=""
E2E_DSN=""
E2E_SERVER_PID=""
E2E_INGEST_ADDR=""
E2E_ADMIN_ADDR=""
E2E_CLEANUPS=()

# Runs at exit: the test's own cleanups (newest first), then the server, then the database.
e2e_cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#E2E_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${E2E_CLEANUPS[$i]}"; done
  if [[ -n "$E2E_SERVER_PID" ]]; then e2e_stop_server; fi
  if [[ -n "$E2E_DB" ]]; then
    psql -X -q -d "$INGEST_TEST_DSN" -c "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" \
      >/dev/null 2>&1 || echo "[$E2E_NAME] warning: could not drop database $E2E_DB" >&2
  fi
  if [[ $rc -eq 0 || $rc -eq $E2E_SKIP ]]; then
    rm -rf "$E2E_TMP"
  else
    echo "[$E2E_NAME] files of the failed run (server log, generator output): $E2E_TMP" >&2
  fi
  exit $rc
}
trap e2e_cleanup EXIT
e2e_on_exit() { E2E_CLEANUPS+=("$1"); }

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s; fails after SECONDS.
e2e_wait_until() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || e2e_fail "waited ${limit}s for $what"
    sleep 0.2
  done
}

# A fresh database for this test; sets E2E_DB and E2E_DSN (INGEST_TEST_DSN with that dbname).
e2e_create_db() {
  local tag
  tag="$(echo "$E2E_NAME" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_\n' '_')"
  E2E_DB="e2e_${tag}_$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')"
  psql -X -q -v ON_ERROR_STOP=1 -d "$INGEST_TEST_DSN" -c "CREATE DATABASE $E2E_DB" >/dev/null ||
    e2e_fail "could not create database $E2E_DB with INGEST_TEST_DSN ($INGEST_TEST_DSN)"
  E2E_DSN="$INGEST_TEST_DSN dbname=$E2E_DB"
  e2e_log "database $E2E_DB"
}

# e2e_sql QUERY: the result as unaligned text without headers.
e2e_sql() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$E2E_DSN" -c "$1"; }

e2e_server_alive() { [[ -n "$E2E_SERVER_PID" ]] && kill -0 "$E2E_SERVER_PID" 2>/dev/null; }

e2e_server_log_tail() {
  echo "--- last lines of $E2E_TMP/server.log ---" >&2
  tail -n 30 "$E2E_TMP/server.log" >&2 || true
}

# e2e_start_server [OPTION...]: ingest-server on ports 0 (or E2E_LISTEN / E2E_ADMIN_LISTEN, for
# restarts on the same address) with a 1 s trigger (or E2E_TRIGGER), waits until it is ready;
# sets E2E_INGEST_ADDR, E2E_ADMIN_ADDR and E2E_METRICS_ADDR (/metrics on a free port).
# E2E_SERVER_BIN runs another build of it (see e2e_start_server_failing).
e2e_start_server() {
  local ready="$E2E_TMP/server.ready"
  rm -f "$ready"
  "${E2E_SERVER_BIN:-$INGEST_SERVER}" --listen "${E2E_LISTEN:-127.0.0.1:0}" --admin-listen "${E2E_ADMIN_LISTEN:-127.0.0.1:0}" \
    --db "$E2E_DSN" \
    --trigger "${E2E_TRIGGER:-1s}" --checkpoint-dir "$E2E_TMP/checkpoints" --ready-file "$ready" \
    --metrics-listen 127.0.0.1:0 --log-level info "$@" >>"$E2E_TMP/server.log" 2>&1 &
  E2E_SERVER_PID=$!
  local deadline=$((SECONDS + 60))
  until [[ -s "$ready" ]]; do
    if ! e2e_server_alive; then
      e2e_server_log_tail
      E2E_SERVER_PID=""
      e2e_fail "ingest-server exited before it was ready (log above)"
    fi
    ((SECONDS < deadline)) || { e2e_server_log_tail; e2e_fail "ingest-server not ready after 60s"; }
    sleep 0.1
  done
  E2E_INGEST_ADDR="$(sed -n 's/^ingest=//p' "$ready")"
  E2E_ADMIN_ADDR="$(sed -n 's/^admin=//p' "$ready")"
  E2E_METRICS_ADDR="$(sed -n 's/^metrics=//p' "$ready")"
  [[ -n "$E2E_INGEST_ADDR" && -n "$E2E_ADMIN_ADDR" ]] ||
    e2e_fail "ready file $ready lacks ingest=/admin= lines: $(tr '\n' ' ' <"$ready")"
  e2e_log "ingest-server pid $E2E_SERVER_PID, ingest $E2E_INGEST_ADDR, admin $E2E_ADMIN_ADDR"
}

# e2e_start_server_failing SPEC [OPTION...]: e2e_start_server with the test build of ingest-server
# and INGEST_FAILPOINTS=SPEC armed (see common/failpoint.h).
e2e_start_server_failing() {
  local spec="$1"
  shift
  [[ -x "${INGEST_SERVER_FAILPOINTS:-}" ]] ||
    e2e_fail "INGEST_SERVER_FAILPOINTS='${INGEST_SERVER_FAILPOINTS:-}' is not an executable; run through ctest"
  E2E_SERVER_BIN="$INGEST_SERVER_FAILPOINTS" INGEST_FAILPOINTS="$spec" e2e_start_server "$@"
}

# SIGTERM, then up to 60 s for a clean drain (SIGKILL after that); its exit code goes to
# E2E_SERVER_EXIT.
E2E_SERVER_EXIT=""
e2e_stop_server() {
  [[ -n "$E2E_SERVER_PID" ]] || return 0
  kill -TERM "$E2E_SERVER_PID" 2>/dev/null || true
  e2e_wait_server_exit
}

# e2e_wait_server_exit: waits for the server, already sent SIGTERM, to exit (killing it after 60 s);
# sets E2E_SERVER_EXIT.
e2e_wait_server_exit() {
  local pid="$E2E_SERVER_PID" rc=0 i
  [[ -n "$pid" ]] || return 0
  E2E_SERVER_PID=""
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[$E2E_NAME] ingest-server did not stop within 60s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" || rc=$?
  E2E_SERVER_EXIT=$rc
}

# e2e_start_refused TEXT ARG...: ingest-server ARG... exits 2 at start, printing TEXT (a fixed
# string) in its output; the database it is given is never reached.
e2e_start_refused() {
  local why="$1" rc=0
  shift
  timeout -k 5 30 "$INGEST_SERVER" --db "host=127.0.0.1 port=1 dbname=none" --checkpoint-dir "$E2E_TMP/refused" \
    --metrics-listen "" "$@" >"$E2E_TMP/refused.out" 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || { cat "$E2E_TMP/refused.out" >&2; e2e_fail "ingest-server $* exited $rc, expected 2"; }
  grep -qF -- "$why" "$E2E_TMP/refused.out" ||
    { cat "$E2E_TMP/refused.out" >&2; e2e_fail "ingest-server $*: no '$why' in its output"; }
  e2e_log "ok: refused at start ($*): $(head -1 "$E2E_TMP/refused.out")"
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
e2e_free_port() {
  "$E2E_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# e2e_assert_acked_stored_once [CONTEXT]: the fault tests' oracle over every $E2E_TMP/acked*.log
# (the generators' --acked-log): each acked event_id is a row of user_events, and no event_id is
# stored twice. Prints the counts, prefixed by CONTEXT (e.g. "kills 7, restarts 9").
e2e_assert_acked_stored_once() {
  local context="${1:-}" acked rows distinct lost
  LC_ALL=C sort -u "$E2E_TMP"/acked*.log >"$E2E_TMP/acked.sorted"
  acked="$(wc -l <"$E2E_TMP/acked.sorted")"
  rows="$(e2e_sql 'SELECT count(*) FROM user_events')"
  distinct="$(e2e_sql 'SELECT count(DISTINCT event_id) FROM user_events')"
  e2e_sql "SELECT event_id FROM user_events" | LC_ALL=C sort >"$E2E_TMP/table.sorted"
  lost="$(LC_ALL=C comm -23 "$E2E_TMP/acked.sorted" "$E2E_TMP/table.sorted" | wc -l)"
  e2e_log "${context:+$context, }events acked $acked, rows $rows, lost $lost, duplicated $((rows - distinct))"
  ((acked > 0)) || e2e_fail "nothing was acked"
  e2e_assert_eq 0 "$lost" "acked event ids missing from user_events"
  e2e_assert_eq 0 "$((rows - distinct))" "event ids stored twice"
}

# ingest-admin against this test's server.
e2e_admin() { "$INGEST_ADMIN" --target "$E2E_ADMIN_ADDR" "$@"; }

# e2e_assert_eq EXPECTED ACTUAL WHAT
e2e_assert_eq() {
  if [[ "$1" != "$2" ]]; then
    e2e_fail "$3: expected '$1', got '$2'"
  fi
  e2e_log "ok: $3 = $2"
}

# e2e_assert_files_equal EXPECTED_FILE ACTUAL_FILE WHAT: compares two sorted lists of lines.
e2e_assert_files_equal() {
  local missing extra
  missing="$(LC_ALL=C comm -23 "$1" "$2" | head -n 5)"
  extra="$(LC_ALL=C comm -13 "$1" "$2" | head -n 5)"
  if [[ -n "$missing$extra" ]]; then
    e2e_fail "$3: $(LC_ALL=C comm -23 "$1" "$2" | wc -l) missing (first: ${missing//$'\n'/ }), $(LC_ALL=C comm -13 "$1" "$2" | wc -l) unexpected (first: ${extra//$'\n'/ })"
  fi
  e2e_log "ok: $3 ($(wc -l <"$1") lines)"
}

# e2e_json FILE EXPRESSION: evaluates a Python expression over the JSON document `d` in FILE.
e2e_json() {
  "$E2E_PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# Python stubs of proto/ingest/v1 in DIR, from protoc and Debian's grpc_python_plugin (the
# python3-grpc-tools of Debian predates proto3 `optional`).
e2e_python_stubs() {
  local dir="$1" plugin
  plugin="$(command -v grpc_python_plugin || true)"
  [[ -n "$plugin" ]] || e2e_fail "grpc_python_plugin not found (package protobuf-compiler-grpc); run scripts/setup-deps.sh"
  "$E2E_PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null ||
    e2e_fail "$E2E_PYTHON lacks the grpc or protobuf module (packages python3-grpcio, python3-protobuf)"
  mkdir -p "$dir"
  protoc -I"$INGEST_SOURCE_DIR/proto" --python_out="$dir" --grpc_out="$dir" \
    --plugin=protoc-gen-grpc="$plugin" "$INGEST_SOURCE_DIR"/proto/ingest/v1/*.proto ||
    e2e_fail "protoc could not generate the Python stubs from $INGEST_SOURCE_DIR/proto"
  e2e_log "ok: Python stubs generated from proto/"
}

# A TCP relay of the test's own between its server and PostgreSQL (tcp_proxy.py): stopping the
# relay cuts that server off while other tests sharing the cluster go on. e2e_relay_init picks
# E2E_RELAY_PORT and writes $E2E_TMP/pgpass, which also names that port; run the server with
# E2E_DSN="$E2E_DSN port=$E2E_RELAY_PORT" PGPASSFILE="$E2E_TMP/pgpass".
E2E_RELAY_PID=""
e2e_relay_init() {
  E2E_RELAY_PG_PORT="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$INGEST_TEST_DSN")"
  [[ -n "$E2E_RELAY_PG_PORT" ]] || e2e_fail "INGEST_TEST_DSN names no port=: $INGEST_TEST_DSN"
  E2E_RELAY_PORT="$(e2e_free_port)"
  [[ -r "${PGPASSFILE:-}" ]] || e2e_fail "PGPASSFILE is unset or unreadable"
  sed "s/^\([^:]*\):$E2E_RELAY_PG_PORT:/\1:$E2E_RELAY_PORT:/" "$PGPASSFILE" >"$E2E_TMP/pgpass"
  cat "$PGPASSFILE" >>"$E2E_TMP/pgpass"
  chmod 600 "$E2E_TMP/pgpass"
  e2e_on_exit 'e2e_relay_stop'
}
e2e_relay_start() {
  local i
  "$E2E_PYTHON" "$INGEST_SOURCE_DIR/tests/e2e/tcp_proxy.py" "$E2E_RELAY_PORT" "$E2E_RELAY_PG_PORT" &
  E2E_RELAY_PID=$!
  for ((i = 0; i < 50; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$E2E_RELAY_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  e2e_fail "the TCP relay did not start on port $E2E_RELAY_PORT"
}
e2e_relay_stop() {
  [[ -n "$E2E_RELAY_PID" ]] || return 0
  kill "$E2E_RELAY_PID" 2>/dev/null || true
  wait "$E2E_RELAY_PID" 2>/dev/null || true  # it dies of SIGTERM: not a failure of the test
  E2E_RELAY_PID=""
}
