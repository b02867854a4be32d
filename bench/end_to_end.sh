#!/usr/bin/env bash
# end_to_end: generators -> ingest-server (default settings) -> committed rows, counted in the
# database, as events/s and as a ratio to raw_sink (one psql session loading the same number of
# events of the same kind into the same schema) measured in the same run, right after.
#
#   bench/end_to_end.sh [EVENTS (1000000)] [PRODUCERS (8)] [SERVER OPTION...]
#
# Each producer streams batches of 5000 events as fast as acks allow (--interval 0). The time runs
# from the generators' start until a flush returned after they finished (everything committed).
# Last line: "end_to_end: E events/s = X × raw_sink (R rows/s)". Appends to
# bench/results/end_to_end.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-1000000}"
PRODUCERS="${2:-8}"
shift $(($# < 2 ? $# : 2))
per_producer=$((EVENTS / PRODUCERS / 5000))
total=$((per_producer * 5000 * PRODUCERS))

dsn="$(bench_db e2e)"
bench_start_server "$dsn" "$@"
echo "streaming $total events: $PRODUCERS producers x $per_producer batches of 5000"
start=$(bench_now)
"$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" --producers "$PRODUCERS" --events 5000 \
  --batches "$per_producer" --interval 0 --json --log-level warn >"$BENCH_WORK/gen.json"
"$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" flush --timeout 600s >/dev/null
e2e_secs="$(bench_secs "$start")"
bench_stop_server
rows="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
[[ "$rows" == "$total" ]] || { echo "bench: $rows rows committed, expected $total" >&2; exit 1; }
e2e_rate="$(bench_div "$rows" "$e2e_secs" 0)"
echo "server: $rows events committed in $e2e_secs s = $e2e_rate events/s"

bench_raw_baseline "$total" 50000
raw_secs="$RAW_SECS" raw_rate="$RAW_RATE"
echo "raw_sink: $total rows in $raw_secs s = $raw_rate rows/s"
ratio="$(bench_div "$e2e_rate" "$raw_rate" 2)"
mkdir -p bench/results
[[ -s bench/results/end_to_end.csv ]] ||
  echo "date,events,producers,server_options,server_s,server_events_per_s,raw_s,raw_rows_per_s,ratio" >bench/results/end_to_end.csv
echo "$(date -u +%FT%TZ),$total,$PRODUCERS,\"$*\",$e2e_secs,$e2e_rate,$raw_secs,$raw_rate,$ratio" >>bench/results/end_to_end.csv
echo "end_to_end: $e2e_rate events/s = $ratio × raw_sink ($raw_rate rows/s)"
