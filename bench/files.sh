#!/usr/bin/env bash
# files: the file path — a folder of seed-style CSV files through file-bridge --once into
# ingest-server (default settings) until every row is committed — in rows committed per second, as
# a ratio to raw_sink (one psql session loading the same valid rows into user_events the way the
# server writes a micro-batch, 50,000 rows a transaction) measured in the same run, right after.
#
#   bench/files.sh [FILES (1000)] [ROWS per file (1000)] [SERVER OPTION...]
#
# The files are those of bench/file_bridge_1000.sh (bench_seed_files): one row in 200 has a bad
# price and is rejected (bad_number), so rejects are counted too. The time runs from the bridge's
# start until a flush after it finished returns. Checks that user_events + rejected_events =
# FILES × ROWS (exit 1 if not). Rates: rows in user_events / seconds, for both.
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). Appends a line to bench/results/files.csv. Last line:
# "files: F rows/s = X × raw_sink (R rows/s)".
source "$(dirname "$0")/lib.sh"
FILES="${1:-1000}"
ROWS="${2:-1000}"
shift $(($# < 2 ? $# : 2))
total=$((FILES * ROWS))

echo "writing $FILES files of $ROWS rows"
bench_seed_files "$BENCH_WORK/input" "$FILES" "$ROWS" "$BENCH_WORK/all_valid.csv"
dsn="$(bench_db files)"
bench_start_server "$dsn" "$@"
echo "file-bridge --once over $FILES files"
start=$(bench_now)
bench_upload_folder "$BENCH_WORK/input" "$BENCH_WORK/bridge.json"
files_s="$(bench_secs "$start")"
bench_stop_server
cat "$BENCH_WORK/bridge.json"
rows="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
rejects="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM rejected_events")"
valid="$(wc -l <"$BENCH_WORK/all_valid.csv")"
echo "rows $total: user_events $rows + rejected_events $rejects = $((rows + rejects))"
[[ $((rows + rejects)) -eq $total && $rows -eq $valid ]] ||
  { echo "bench: $rows rows + $rejects rejects of $total ($valid valid)" >&2; exit 1; }
files_rate="$(bench_div "$rows" "$files_s" 0)"
echo "file path: $rows rows committed in $files_s s = $files_rate rows/s"

raw_dsn="$(bench_db raw schema)"
raw_s="$(bench_raw_sink "$raw_dsn" "$BENCH_WORK/all_valid.csv" 50000)"
raw_rows="$(psql -X -tA -d "$raw_dsn" -c "SELECT count(*) FROM user_events")"
[[ $raw_rows -eq $valid ]] || { echo "bench: raw_sink stored $raw_rows rows of $valid" >&2; exit 1; }
raw_rate="$(bench_div "$raw_rows" "$raw_s" 0)"
echo "raw_sink: $raw_rows rows in $raw_s s = $raw_rate rows/s"
ratio="$(bench_div "$files_rate" "$raw_rate" 2)"
mkdir -p bench/results
csv=bench/results/files.csv
[[ -s $csv ]] || echo "date,files,rows,server_options,user_events,rejected_events,files_s,files_rows_per_s,raw_s,raw_rows_per_s,ratio" >"$csv"
echo "$(date -u +%FT%TZ),$FILES,$total,\"$*\",$rows,$rejects,$files_s,$files_rate,$raw_s,$raw_rate,$ratio" >>"$csv"
echo "files: $files_rate rows/s = $ratio × raw_sink ($raw_rate rows/s)"
