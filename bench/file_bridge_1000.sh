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
bench_seed_files "$work/input" "$FILES" "$ROWS" "$work/all_valid.csv"

bench_start_server "$dsn"

echo "file-bridge --once over $FILES files"
start=$(bench_now)
bench_upload_folder "$work/input" "$work/bridge.json"
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
