# Shared by the bench/ scripts: the local cluster, a fresh database per measurement, the server on
# free ports, and timing. Sourced, never run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${INGEST_BUILD_DIR:-build}"
PY=/usr/bin/python3
eval "$(scripts/pg.sh env)"
scripts/pg.sh status >/dev/null 2>&1 || scripts/pg.sh start >/dev/null
for bin in server/ingest-server generator-client/event-generator admin-cli/ingest-admin; do
  [[ -x "$BUILD/$bin" ]] || { echo "bench: $BUILD/$bin is missing; run scripts/build.sh" >&2; exit 2; }
done

BENCH_WORK="$(mktemp -d /tmp/bench.XXXXXX)"
BENCH_DBS=()
BENCH_SERVER_PID=""
bench_cleanup() {
  bench_stop_server
  for db in "${BENCH_DBS[@]}"; do
    psql -X -q -d "$INGEST_DB_DSN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
  done
  rm -rf "$BENCH_WORK"
}
trap bench_cleanup EXIT

bench_now() { date +%s.%N; }
# bench_secs START: seconds since START, two decimals.
bench_secs() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(bench_now)"; }
bench_div() { "$PY" -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.{sys.argv[3]}f}')" "$@"; }

# bench_db NAME [schema]: a fresh database; with "schema", the migrations of sql/ applied as the
# server would. Prints its conninfo.
bench_db() {
  local db="bench_${1}_$$"
  psql -X -q -d "$INGEST_DB_DSN" -c "CREATE DATABASE $db" >/dev/null
  BENCH_DBS+=("$db")
  if [[ "${2:-}" == schema ]]; then
    for f in sql/[0-9][0-9][0-9]_*.sql; do psql -X -q -v ON_ERROR_STOP=1 -d "$INGEST_DB_DSN dbname=$db" -f "$f" >/dev/null; done
  fi
  echo "$INGEST_DB_DSN dbname=$db"
}

bench_free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# bench_start_server DSN [OPTION...]: ingest-server with default settings on free ports; sets
# BENCH_INGEST and BENCH_ADMIN.
bench_start_server() {
  local dsn="$1"
  shift
  BENCH_INGEST="127.0.0.1:$(bench_free_port)"
  BENCH_ADMIN="127.0.0.1:$(bench_free_port)"
  rm -rf "$BENCH_WORK/ckpt" "$BENCH_WORK/ready"
  "$BUILD/server/ingest-server" --db "$dsn" --listen "$BENCH_INGEST" --admin-listen "$BENCH_ADMIN" \
    --metrics-listen "" --checkpoint-dir "$BENCH_WORK/ckpt" --ready-file "$BENCH_WORK/ready" --log-level warn "$@" \
    >>"$BENCH_WORK/server.log" 2>&1 &
  BENCH_SERVER_PID=$!
  for ((i = 0; i < 300; i++)); do [[ -s "$BENCH_WORK/ready" ]] && return 0; sleep 0.1; done
  cat "$BENCH_WORK/server.log" >&2
  echo "bench: ingest-server did not start" >&2
  exit 1
}

bench_stop_server() {
  [[ -n "$BENCH_SERVER_PID" ]] || return 0
  kill "$BENCH_SERVER_PID" 2>/dev/null || true
  wait "$BENCH_SERVER_PID" 2>/dev/null || true
  BENCH_SERVER_PID=""
}

# bench_raw_sink DSN CSV ROWS_PER_TRANSACTION: what one psql session achieves loading the rows of
# CSV (user_events columns, no header) into user_events as the server does — COPY into a staging
# table, then INSERT ... SELECT DISTINCT ON (event_id) ... ON CONFLICT DO UPDATE, one transaction
# per chunk. Prints the seconds it took.
bench_raw_sink() {
  local dsn="$1" csv="$2" chunk="$3" parts="$BENCH_WORK/raw-parts" start
  rm -rf "$parts" && mkdir -p "$parts"
  split -l "$chunk" -d -a 5 "$csv" "$parts/part-"
  {
    echo "SET TIME ZONE 'UTC';"
    echo "CREATE TEMP TABLE stage (event_id TEXT, user_id TEXT, event_type TEXT, product_id TEXT,
      product_name TEXT, product_category TEXT, product_price NUMERIC, quantity INTEGER,
      event_timestamp TIMESTAMPTZ, session_id TEXT, device_type TEXT) ON COMMIT DELETE ROWS;"
    for part in "$parts"/part-*; do
      echo "BEGIN;"
      echo "\\copy stage FROM '$part' WITH (FORMAT csv)"
      echo "INSERT INTO user_events (event_id, user_id, event_type, product_id, product_name, product_category,
        product_price, quantity, total_price, event_timestamp, event_date, session_id, device_type, source, batch_id)
        SELECT DISTINCT ON (event_id) event_id, user_id, lower(event_type), product_id, NULLIF(product_name, ''),
          NULLIF(product_category, ''), product_price, coalesce(quantity, 1), product_price * coalesce(quantity, 1),
          event_timestamp, (event_timestamp AT TIME ZONE 'UTC')::date, NULLIF(session_id, ''),
          NULLIF(lower(device_type), ''), 'file', 0
        FROM stage ORDER BY event_id
        ON CONFLICT (event_id) DO UPDATE SET user_id = EXCLUDED.user_id, event_type = EXCLUDED.event_type,
          product_id = EXCLUDED.product_id, product_name = EXCLUDED.product_name,
          product_category = EXCLUDED.product_category, product_price = EXCLUDED.product_price,
          quantity = EXCLUDED.quantity, total_price = EXCLUDED.total_price,
          event_timestamp = EXCLUDED.event_timestamp, event_date = EXCLUDED.event_date,
          session_id = EXCLUDED.session_id, device_type = EXCLUDED.device_type, source = EXCLUDED.source,
          batch_id = EXCLUDED.batch_id, updated_at = now();"
      echo "COMMIT;"
    done
  } >"$BENCH_WORK/raw_sink.sql"
  start=$(bench_now)
  psql -X -q -v ON_ERROR_STOP=1 -d "$dsn" -f "$BENCH_WORK/raw_sink.sql" >/dev/null
  bench_secs "$start"
}

# bench_csv_events EVENTS SEED OUT: EVENTS events from event-generator's file mode (the same
# kind of events it streams), as one CSV file of user_events columns without header.
bench_csv_events() {
  local events="$1" seed="$2" out="$3" dir="$BENCH_WORK/csv-$$"
  mkdir -p "$dir"
  "$BUILD/generator-client/event-generator" --csv-out "$dir" --catalog-out "" --events 5000 \
    --batches $((events / 5000)) --interval 0 --seed "$seed" --log-level warn >/dev/null
  for f in "$dir"/events_batch_*.csv; do tail -n +2 "$f"; done >"$out"
  rm -rf "$dir"
}
