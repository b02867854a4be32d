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
source "$(dirname "$0")/lib.sh"
FILES="${1:-1000}"
ROWS="${2:-1000}"
work="$BENCH_WORK"
dsn="$(bench_db files)"

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

bench_start_server "$dsn"

echo "file-bridge --once over $FILES files"
start=$(bench_now)
"$BUILD/file-bridge/file-bridge" --once --json --target "$BENCH_INGEST" --watch "$work/input" \
  --archive "$work/archive" --failed "$work/failed" --settle 0 --max-files-per-trigger 3 >"$work/bridge.json"
"$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" flush --timeout 120s >/dev/null
bridge_s=$(bench_secs "$start")
cat "$work/bridge.json"
rows_table=$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")
rejects_table=$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM rejected_events")
total=$((FILES * ROWS))
accounted=$((rows_table + rejects_table))

echo "baseline: one COPY of the valid rows into a plain table"
psql -X -q -d "$dsn" -c "CREATE TABLE bench_copy (event_id VARCHAR(50), user_id VARCHAR(50), event_type VARCHAR(20),
  product_id VARCHAR(50), product_name VARCHAR(255), product_category VARCHAR(100), product_price DECIMAL(10,2),
  quantity INTEGER, event_timestamp TIMESTAMPTZ, session_id VARCHAR(50), device_type VARCHAR(20))"
start=$(bench_now)
psql -X -q -d "$dsn" -c "\\copy bench_copy FROM '$work/all_valid.csv' WITH (FORMAT csv)"
copy_s=$(bench_secs "$start")

ratio=$(bench_div "$bridge_s" "$copy_s" 1)
rate=$(bench_div "$total" "$bridge_s" 0)
echo "rows $total: user_events $rows_table + rejected_events $rejects_table = $accounted"
echo "file-bridge ${bridge_s}s ($rate rows/s); plain COPY ${copy_s}s; ratio $ratio"
[[ $accounted -eq $total ]] || { echo "MISMATCH: $accounted of $total rows accounted for" >&2; exit 1; }
csv=bench/results/file_bridge.csv
[[ -s $csv ]] || echo "date,files,rows,user_events,rejected_events,bridge_s,rows_per_s,copy_baseline_s,ratio" >"$csv"
echo "$(date -u +%FT%TZ),$FILES,$total,$rows_table,$rejects_table,$bridge_s,$rate,$copy_s,$ratio" >>"$csv"
