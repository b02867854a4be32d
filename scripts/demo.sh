#!/usr/bin/env bash
# The local default, start to finish: installs the dependencies, builds, starts a private
# PostgreSQL and ingest-server, streams events from three generators for 30 s while a fourth
# writes seed-style CSV files that file-bridge uploads, then shows what arrived. The server and
# PostgreSQL keep running afterwards.
#
#   scripts/demo.sh          run the demo
#   scripts/demo.sh stop     stop the demo's server and PostgreSQL
#
# Environment: INGEST_BUILD_DIR (default build), INGEST_PG_PORT (default 55432),
# INGEST_LISTEN (default 127.0.0.1:50051), INGEST_ADMIN_LISTEN (default 127.0.0.1:50052),
# INGEST_METRICS_LISTEN (default 127.0.0.1:9464), DEMO_SECONDS (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${INGEST_BUILD_DIR:-build}"
LISTEN="${INGEST_LISTEN:-127.0.0.1:50051}"
ADMIN_LISTEN="${INGEST_ADMIN_LISTEN:-127.0.0.1:50052}"
METRICS_LISTEN="${INGEST_METRICS_LISTEN:-127.0.0.1:9464}"
DEMO_SECONDS="${DEMO_SECONDS:-30}"
LOCAL_DIR=".local"
LOGS="$LOCAL_DIR/logs"
PID_FILE="$LOCAL_DIR/server.pid"
READY_FILE="$LOCAL_DIR/server.ready"
SERVER="$BUILD_DIR/server/ingest-server"
GENERATOR="$BUILD_DIR/generator-client/event-generator"
BRIDGE="$BUILD_DIR/file-bridge/file-bridge"
DATA="$LOCAL_DIR/demo-data"
ADMIN="$BUILD_DIR/admin-cli/ingest-admin"

section() { printf '\n== %s ==\n' "$*"; }
die() {
  echo "demo: $*" >&2
  exit 1
}

# run_logged LOG CMD...: runs CMD with its output in LOG; on failure shows the tail and stops.
run_logged() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "--- last lines of $log ---" >&2
    tail -n 40 "$log" >&2
    die "'$*' failed (full output: $log)"
  fi
}

# shellcheck source=scripts/process.sh
source scripts/process.sh

server_pid() { pid_from_file "$PID_FILE" ingest-server; }

stop_server() {
  local pid
  if ! pid="$(server_pid)"; then
    rm -f "$PID_FILE"
    return 0
  fi
  echo "stopping ingest-server (pid $pid): it commits what it holds, then exits"
  kill -TERM "$pid"
  if ! exits_within "$pid" 60; then
    echo "ingest-server still running after 60 s; killing it (acked events are safe in its log)"
    kill -KILL "$pid"
  fi
  rm -f "$PID_FILE" "$READY_FILE"
}

if [[ "${1:-}" == stop ]]; then
  section "Stopping the demo"
  server_pid >/dev/null || echo "no demo ingest-server is running"
  stop_server
  scripts/pg.sh stop
  exit 0
elif [[ $# -gt 0 ]]; then
  echo "usage: scripts/demo.sh [stop]" >&2
  exit 2
fi

mkdir -p "$LOGS" "$LOCAL_DIR/checkpoints"

section "1. Dependencies (Debian packages)"
run_logged "$LOGS/setup-deps.log" bash scripts/setup-deps.sh
tail -n 1 "$LOGS/setup-deps.log"

section "2. Build ($BUILD_DIR/, output in $LOGS/build.log)"
SECONDS=0
run_logged "$LOGS/build.log" env INGEST_BUILD_DIR="$BUILD_DIR" bash scripts/build.sh \
  --target ingest-server event-generator ingest-admin file-bridge
echo "built ingest-server, event-generator, file-bridge and ingest-admin in ${SECONDS}s"

section "3. PostgreSQL (a private cluster, port ${INGEST_PG_PORT:-55432})"
scripts/pg.sh start
eval "$(scripts/pg.sh env)"
export PGPASSFILE
# The schema belongs to ingest_owner; the server serves as ingest, which may not change it.
"$SERVER" migrate --db "$INGEST_OWNER_DSN" --grant-to "$INGEST_SERVING_ROLE"

section "4. ingest-server"
stop_server
rm -f "$READY_FILE"
echo "--- demo started $(date -u +%FT%TZ) ---" >>"$LOGS/server.log"
setsid nohup "$SERVER" --listen "$LISTEN" --admin-listen "$ADMIN_LISTEN" --metrics-listen "$METRICS_LISTEN" \
  --db "$INGEST_DB_DSN" \
  --checkpoint-dir "$LOCAL_DIR/checkpoints" --ready-file "$READY_FILE" \
  >>"$LOGS/server.log" 2>&1 </dev/null &
echo $! >"$PID_FILE"
pid="$(cat "$PID_FILE")"
deadline=$((SECONDS + 60))
admin_addr=""
while true; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "--- last lines of $LOGS/server.log ---" >&2
    tail -n 30 "$LOGS/server.log" >&2
    rm -f "$PID_FILE"
    die "ingest-server exited during start-up (log above; is $LISTEN, $ADMIN_LISTEN or $METRICS_LISTEN in use?)"
  fi
  if [[ -s "$READY_FILE" && -z "$admin_addr" ]]; then
    admin_addr="$(sed -n 's/^admin=//p' "$READY_FILE")"
    ingest_addr="$(sed -n 's/^ingest=//p' "$READY_FILE")"
  fi
  if [[ -n "$admin_addr" ]] && "$ADMIN" --target "$admin_addr" health >/dev/null 2>&1; then
    break
  fi
  if ((SECONDS >= deadline)); then
    tail -n 30 "$LOGS/server.log" >&2
    die "ingest-server not ready within 60 s (log above; it keeps running as pid $pid)"
  fi
  sleep 0.2
done
echo "ingest-server is up: pid $pid, ingest $ingest_addr, admin $admin_addr, log $LOGS/server.log"

section "5. Three event-generators stream for ${DEMO_SECONDS}s (200 events every 0.5 s each)"
gen_pids=()
for i in 1 2 3; do
  "$GENERATOR" --target "$ingest_addr" --continuous --duration "${DEMO_SECONDS}s" --events 200 \
    --interval 0.5 --window 32 --invalid-ratio 0.01 >"$LOGS/generator-$i.log" 2>&1 &
  gen_pids+=($!)
done
echo "running... (their output: $LOGS/generator-{1,2,3}.log)"
echo "meanwhile the seed-style file generator writes CSV files into $DATA/input:"
rm -rf "$DATA"
files_rc=0
"$GENERATOR" --csv-out "$DATA/input" --catalog-out "$DATA/catalog/products.csv" --events 500 --batches 4 \
  --interval 2s --invalid-ratio 0.02 >"$LOGS/generator-files.log" 2>&1 || files_rc=$?
tail -n 8 "$LOGS/generator-files.log"
ls -l "$DATA/input"
failed=0
for i in 1 2 3; do
  rc=0
  wait "${gen_pids[$((i - 1))]}" || rc=$?
  echo
  echo "-- generator $i (exit $rc) --"
  tail -n 15 "$LOGS/generator-$i.log"
  [[ $rc -eq 0 ]] || failed=1
done
[[ $failed -eq 0 ]] || echo "demo: a generator failed; see its log above" >&2

section "6. file-bridge --once: upload the CSV files, archive them ($DATA/archive)"
bridge_rc=0
"$BRIDGE" --once --target "$ingest_addr" --watch "$DATA/input" --archive "$DATA/archive" --failed "$DATA/failed" \
  --settle 500ms 2>"$LOGS/file-bridge.log" || bridge_rc=$?
tail -n 4 "$LOGS/file-bridge.log"
[[ $files_rc -eq 0 && $bridge_rc -eq 0 ]] || { echo "demo: the file path failed; see $LOGS/generator-files.log and $LOGS/file-bridge.log" >&2; failed=1; }

section "7. ingest-admin flush (commit what the window holds)"
"$ADMIN" --target "$admin_addr" flush

section "8. ingest-admin status"
"$ADMIN" --target "$admin_addr" status

section "9. ingest-admin batches --limit 10 (streams and files)"
"$ADMIN" --target "$admin_addr" batches --limit 10

section "10. psql: events and rejects per source, files, event_summary"
scripts/pg.sh psql -X -P pager=off -c "SELECT source, count(*) AS events FROM user_events GROUP BY source ORDER BY source;" \
  -c "SELECT source, code, count(*) AS rejected FROM rejected_events GROUP BY source, code ORDER BY source, code;" \
  -c "SELECT file_name, accepted, rejected, batch_id FROM ingested_files ORDER BY ingested_at DESC LIMIT 5;" \
  -c "SELECT * FROM event_summary ORDER BY event_type;"

section "11. Prometheus /metrics (a few of them)"
curl -sS --max-time 10 "http://$METRICS_LISTEN/metrics" |
  grep -E '^ingest_(events_(received|rejected)_total|batches_committed_total|visibility_delay_seconds_count|sink_state|intake_state)' ||
  { echo "demo: cannot read http://$METRICS_LISTEN/metrics" >&2; failed=1; }

section "The server is still running"
echo "pid $pid, log $LOGS/server.log, admin $admin_addr, ingest $ingest_addr, metrics http://$METRICS_LISTEN/metrics"
echo "try: $ADMIN --target $admin_addr status"
echo "     scripts/pg.sh psql -c 'SELECT count(*) FROM user_events;'"
echo "stop it with: scripts/demo.sh stop"
exit $failed
