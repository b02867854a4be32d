# Shared by the bench/ scripts: the local cluster, a fresh database per measurement, the server on
# free ports, and timing. Sourced, never run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${INGEST_BUILD_DIR:-build}"
PY=/usr/bin/python3
eval "$(scripts/pg.sh env)"
# Each measurement makes its own database, so the role that may create them (and owns what is in
# them, so the server migrates at start): ingest_owner.
BENCH_DSN="$INGEST_OWNER_DSN"
scripts/pg.sh status >/dev/null 2>&1 || scripts/pg.sh start >/dev/null
for bin in server/ingest-server generator-client/event-generator admin-cli/ingest-admin; do
  [[ -x "$BUILD/$bin" ]] || { echo "bench: $BUILD/$bin is missing; run scripts/build.sh" >&2; exit 2; }
done

BENCH_WORK="$(mktemp -d /tmp/bench.XXXXXX)"
BENCH_DBS=()
BENCH_SERVER_PID=""
bench_cleanup() {
  bench_stop_server
  # bench_db runs in $(...), a subshell: the databases it made are listed in a file.
  [[ -f "$BENCH_WORK/databases" ]] && mapfile -t -O "${#BENCH_DBS[@]}" BENCH_DBS <"$BENCH_WORK/databases"
  for db in $(printf '%s\n' "${BENCH_DBS[@]}" | sort -u); do
    psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
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
  psql -X -q -d "$BENCH_DSN" -c "CREATE DATABASE $db" >/dev/null
  echo "$db" >>"$BENCH_WORK/databases"
  if [[ "${2:-}" == schema ]]; then
    for f in sql/[0-9][0-9][0-9]_*.sql; do psql -X -q -v ON_ERROR_STOP=1 -d "$BENCH_DSN dbname=$db" -f "$f" >/dev/null; done
  fi
  echo "$BENCH_DSN dbname=$db"
}

bench_free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# bench_start_server DSN [OPTION...]: ingest-server with default settings on free ports; sets
# BENCH_INGEST and BENCH_ADMIN. INGEST_BENCH_PRELOAD, when set, is the server's LD_PRELOAD (e.g.
# another allocator: /usr/lib/x86_64-linux-gnu/libjemalloc.so.2); INGEST_BENCH_SERVER_BIN another
# binary (e.g. the test build ingest-server-failpoints).
bench_start_server() {
  local dsn="$1"
  shift
  BENCH_INGEST="127.0.0.1:$(bench_free_port)"
  BENCH_ADMIN="127.0.0.1:$(bench_free_port)"
  rm -rf "$BENCH_WORK/ckpt" "$BENCH_WORK/ready"
  env ${INGEST_BENCH_PRELOAD:+LD_PRELOAD="$INGEST_BENCH_PRELOAD"} "${INGEST_BENCH_SERVER_BIN:-$BUILD/server/ingest-server}" --db "$dsn" --listen "$BENCH_INGEST" --admin-listen "$BENCH_ADMIN" \
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

# bench_raw_baseline EVENTS ROWS_PER_TRANSACTION: the raw_sink baseline of a run — EVENTS events
# of event-generator's file mode (seed 7) loaded by bench_raw_sink into a fresh database with the
# schema. Sets RAW_SECS and RAW_RATE (rows/s); call it directly, not in $(...).
bench_raw_baseline() {
  local dsn
  bench_csv_events "$1" 7 "$BENCH_WORK/events.csv"
  dsn="$(bench_db raw schema)"
  RAW_SECS="$(bench_raw_sink "$dsn" "$BENCH_WORK/events.csv" "$2")"
  RAW_RATE="$(bench_div "$1" "$RAW_SECS" 0)"
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

# ---- Helpers of end_to_end.sh and security_cost.sh ----------------------------------------

# Options every event-generator and ingest-admin call of bench_e2e_stream adds (--tls-ca,
# --tls-cert, --tls-key, --token-file); none by default.
BENCH_CLIENT_OPTS=()

# bench_e2e_stream DSN PRODUCERS BATCHES [SERVER OPTION...]: end_to_end's measurement. The server
# (default settings and SERVER OPTIONs) on DSN; PRODUCERS producers each stream BATCHES batches of
# 5000 events as fast as acks allow (--interval 0); then ingest-admin flush; the server stopped
# and the rows of user_events counted (exit 1 unless every event was committed). The time runs
# from the generators' start until the flush returned. Sets E2E_ROWS, E2E_SECS and E2E_RATE
# (events/s). Call it directly, not in $(...).
bench_e2e_stream() {
  local dsn="$1" producers="$2" batches="$3" start
  shift 3
  bench_start_server "$dsn" "$@"
  start=$(bench_now)
  "$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" "${BENCH_CLIENT_OPTS[@]}" \
    --producers "$producers" --events 5000 --batches "$batches" --interval 0 --json --log-level warn >"$BENCH_WORK/gen.json"
  "$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" "${BENCH_CLIENT_OPTS[@]}" flush --timeout 600s >/dev/null
  E2E_SECS="$(bench_secs "$start")"
  bench_stop_server
  E2E_ROWS="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
  [[ "$E2E_ROWS" == $((producers * batches * 5000)) ]] ||
    { echo "bench: $E2E_ROWS rows committed, expected $((producers * batches * 5000))" >&2; exit 1; }
  E2E_RATE="$(bench_div "$E2E_ROWS" "$E2E_SECS" 0)"
}

# bench_drop_db DSN: drops the database of DSN (made by bench_db) now rather than at exit, so a long
# bench does not keep every run's rows; PostgreSQL's checkpoint for it lands between measurements.
# WITH (FORCE) refuses a session without a role for a role that is not superuser: an autovacuum
# worker (after a large load) or a session still starting (as one of a server just killed can
# be): "must be a member of the role whose process is being terminated". A plain DROP makes
# autovacuum give way and waits a few seconds for sessions to end; so each try is both.
bench_drop_db() {
  local i
  for ((i = 1; i < 10; i++)); do
    psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS ${1##*dbname=}" >/dev/null 2>&1 && return 0
    psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS ${1##*dbname=} WITH (FORCE)" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS ${1##*dbname=} WITH (FORCE)" >/dev/null
}

# ---- Helpers of refused.sh, files.sh and scale.sh -------------------------------------------

# bench_json FILE KEY: the value of KEY in FILE, one JSON object (a client's --json summary).
bench_json() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# bench_proc_kib PID FIELD: a field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak so far);
# 0 when the process is gone.
bench_proc_kib() {
  local v
  v="$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true)"
  echo "${v:-0}"
}

# bench_sample_rss PID OUT: in the background, appends "SECONDS KiB" (VmRSS) to OUT every 0.2 s
# while PID lives, for an hour at most. Sets BENCH_SAMPLER_PID; bench_stop_sampler ends it.
BENCH_SAMPLER_PID=""
bench_sample_rss() {
  local pid="$1" out="$2"
  (
    for ((i = 0; i < 18000; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      echo "$((i / 5)).$((i % 5 * 2)) $(bench_proc_kib "$pid" VmRSS)" >>"$out"
      sleep 0.2
    done
  ) &
  BENCH_SAMPLER_PID=$!
}
bench_stop_sampler() {
  [[ -n "$BENCH_SAMPLER_PID" ]] || return 0
  kill "$BENCH_SAMPLER_PID" 2>/dev/null || true
  wait "$BENCH_SAMPLER_PID" 2>/dev/null || true
  BENCH_SAMPLER_PID=""
}


# bench_mib KIB: KiB as MiB, one decimal.
bench_mib() { bench_div "$1" 1024 1; }

# bench_seed_files DIR FILES ROWS VALID_CSV: FILES seed-style user_events files of ROWS rows each
# in DIR (events_batch_NNNN_20261123.csv, with a header), event ids f<file>-<row>. One row in 200
# has a price with 3 decimals (rejected as bad_number). The valid rows, without header, also go
# to VALID_CSV (user_events columns, as bench_raw_sink takes them).
bench_seed_files() {
  "$PY" - "$1" "$2" "$3" "$4" <<'PYEOF'
import os, sys
out, files, rows, valid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.makedirs(out)
types = ["view", "add_to_cart", "remove_from_cart", "purchase", "wishlist", "click"]
with open(valid, "w") as everything:
    for f in range(files):
        lines = ["event_id,user_id,event_type,product_id,product_name,product_category,product_price,quantity,"
                 "event_timestamp,session_id,device_type"]
        for r in range(rows):
            n = f * rows + r
            price = "12.345" if n % 200 == 7 else f"{n % 500}.{n % 100:02d}"
            line = (f"f{f}-{r},user_{n % 1000:04d},{types[n % 6]},prod_{n % 25:02d},Product {n % 25},"
                    f"Category {n % 5},{price},{1 + n % 3},2026-11-20 10:{n % 60:02d}:{n % 60:02d},"
                    f"sess_{n // 7},{['mobile', 'desktop', 'tablet'][n % 3]}")
            lines.append(line)
            if n % 200 != 7:
                everything.write(line + "\n")
        with open(os.path.join(out, f"events_batch_{f + 1:04d}_20261123.csv"), "w") as fh:
            fh.write("\n".join(lines) + "\n")
PYEOF
}

# bench_upload_folder DIR JSON: file-bridge --once over the files of DIR into the bench server
# (3 files a trigger, no settle time; archive/ and failed/ beside DIR), its JSON summary into
# JSON, then ingest-admin flush: returns once every row is committed. Exits 1 if either fails.
bench_upload_folder() {
  local dir="$1" json="$2"
  [[ -x "$BUILD/file-bridge/file-bridge" ]] || { echo "bench: $BUILD/file-bridge/file-bridge is missing" >&2; exit 2; }
  "$BUILD/file-bridge/file-bridge" --once --json --target "$BENCH_INGEST" --watch "$dir" \
    --archive "$dir/../archive" --failed "$dir/../failed" --settle 0 --max-files-per-trigger 3 --log-level warn >"$json" ||
    { cat "$json" >&2; echo "bench: file-bridge failed" >&2; exit 1; }
  "$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" flush --timeout 600s >/dev/null ||
    { echo "bench: ingest-admin flush failed" >&2; exit 1; }
}

# ---- Helpers of latency.sh and drain.sh ------------------------------------------------------

# bench_csv_append FILE HEADER ROW: appends ROW to FILE (under bench/results/), writing HEADER
# first when FILE is new or empty.
bench_csv_append() {
  mkdir -p "$(dirname "$1")"
  [[ -s "$1" ]] || echo "$2" >"$1"
  echo "$3" >>"$1"
}

# bench_status_json OUT: the server's `ingest-admin status --json` into OUT; "{}" when the admin
# port does not answer.
bench_status_json() {
  "$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" status --json >"$1" 2>/dev/null || echo '{}' >"$1"
}

# A PostgreSQL outage for one server only: the server reaches the local cluster through a TCP relay
# on loopback (tests/e2e/tcp_proxy.py), and stopping the relay is the outage. bench_relay_init
# picks the relay's port (BENCH_RELAY_PORT) and exports PGPASSFILE as a copy of the cluster's that
# also holds the password for that port; give the server "$DSN port=$BENCH_RELAY_PORT".
# bench_relay_up starts the relay, bench_relay_down stops it (cutting every connection through it).
BENCH_RELAY_PID=""
bench_relay_init() {
  BENCH_RELAY_PORT="$(bench_free_port)"
  sed "s/^\([^:]*\):$INGEST_PG_PORT:/\1:$BENCH_RELAY_PORT:/" "$PGPASSFILE" >"$BENCH_WORK/pgpass"
  cat "$PGPASSFILE" >>"$BENCH_WORK/pgpass"
  chmod 600 "$BENCH_WORK/pgpass"
  export PGPASSFILE="$BENCH_WORK/pgpass"
}
bench_relay_up() {
  local i
  "$PY" tests/e2e/tcp_proxy.py "$BENCH_RELAY_PORT" "$INGEST_PG_PORT" &
  BENCH_RELAY_PID=$!
  for ((i = 0; i < 50; i++)); do
    "$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' \
      "$BENCH_RELAY_PORT" 2>/dev/null && return 0
    sleep 0.1
  done
}
bench_relay_down() {
  [[ -n "$BENCH_RELAY_PID" ]] || return 0
  kill "$BENCH_RELAY_PID" 2>/dev/null || true
  wait "$BENCH_RELAY_PID" 2>/dev/null || true
  BENCH_RELAY_PID=""
}
