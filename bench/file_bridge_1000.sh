#!/usr/bin/env bash
# A folder of many seed-style CSV files through file-bridge --once: how long until every row is
# accounted for (in user_events or rejected_events, after a flush), compared with a baseline
# measured in the same run on the same machine: one plain COPY of all the rows into a table
# of the same columns (no validation, no log, no upsert).
#
#   bench/file_bridge_1000.sh [FILES (1000)] [ROWS per file (1000)]
#
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). 1 row in 200 is invalid on purpose (a bad price), so rejects are counted too.
# Appends a line to bench/results/file_bridge.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-1000}"
ROWS="${2:-1000}"
BUILD="${INGEST_BUILD_DIR:-build}"
PY=/usr/bin/python3
eval "$(scripts/pg.sh env)"
scripts/pg.sh status >/dev/null || scripts/pg.sh start >/dev/null

work="$(mktemp -d /tmp/bench-files.XXXXXX)"
db="bench_files_$$"
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ingest_port="$(free_port)"
admin_port="$(free_port)"
psql -X -q -d "$INGEST_DB_DSN" -c "CREATE DATABASE $db"
server_pid=""
cleanup() {
  [[ -z "$server_pid" ]] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  psql -X -q -d "$INGEST_DB_DSN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
dsn="$INGEST_DB_DSN dbname=$db"

echo "writing $FILES files of $ROWS rows"
"$PY" - "$work/input" "$FILES" "$ROWS" <<'PYEOF'
import os, sys
out, files, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out)
types = ["view", "add_to_cart", "remove_from_cart", "purchase", "wishlist", "click"]
with open(os.path.join(out, "..", "all_valid.csv"), "w") as everything:
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

"$BUILD/server/ingest-server" --db "$dsn" --listen "127.0.0.1:$ingest_port" --admin-listen "127.0.0.1:$admin_port" \
  --checkpoint-dir "$work/ckpt" --ready-file "$work/ready" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 100; i++)); do [[ -s "$work/ready" ]] && break; sleep 0.1; done
[[ -s "$work/ready" ]] || { cat "$work/server.log"; echo "server did not start" >&2; exit 1; }

echo "file-bridge --once over $FILES files"
start=$(date +%s.%N)
"$BUILD/file-bridge/file-bridge" --once --json --target "127.0.0.1:$ingest_port" --watch "$work/input" \
  --archive "$work/archive" --failed "$work/failed" --settle 0 --max-files-per-trigger 3 >"$work/bridge.json"
"$BUILD/admin-cli/ingest-admin" --target "127.0.0.1:$admin_port" flush --timeout 120s >/dev/null
bridge_s=$("$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")
cat "$work/bridge.json"
rows_table=$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")
rejects_table=$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM rejected_events")
total=$((FILES * ROWS))
accounted=$((rows_table + rejects_table))

echo "baseline: one COPY of the valid rows into a plain table"
psql -X -q -d "$dsn" -c "CREATE TABLE bench_copy (event_id VARCHAR(50), user_id VARCHAR(50), event_type VARCHAR(20),
  product_id VARCHAR(50), product_name VARCHAR(255), product_category VARCHAR(100), product_price DECIMAL(10,2),
  quantity INTEGER, event_timestamp TIMESTAMPTZ, session_id VARCHAR(50), device_type VARCHAR(20))"
start=$(date +%s.%N)
psql -X -q -d "$dsn" -c "\\copy bench_copy FROM '$work/all_valid.csv' WITH (FORMAT csv)"
copy_s=$("$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")

ratio=$("$PY" -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$bridge_s" "$copy_s")
rate=$("$PY" -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$total" "$bridge_s")
echo "rows $total: user_events $rows_table + rejected_events $rejects_table = $accounted"
echo "file-bridge ${bridge_s}s ($rate rows/s); plain COPY ${copy_s}s; ratio $ratio"
[[ $accounted -eq $total ]] || { echo "MISMATCH: $accounted of $total rows accounted for" >&2; exit 1; }
csv=bench/results/file_bridge.csv
[[ -s $csv ]] || echo "date,files,rows,user_events,rejected_events,bridge_s,rows_per_s,copy_baseline_s,ratio" >"$csv"
echo "$(date -u +%FT%TZ),$FILES,$total,$rows_table,$rejects_table,$bridge_s,$rate,$copy_s,$ratio" >>"$csv"
