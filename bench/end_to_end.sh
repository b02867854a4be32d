#!/usr/bin/env bash
# end_to_end: generators -> ingest-server (default settings) -> committed rows, counted in the
# database, as events/s and as a ratio to raw_sink (one psql session loading the same number of
# events of the same kind into the same schema) measured in the same run, right after.
#
#   bench/end_to_end.sh [EVENTS (1000000)] [PRODUCERS (8)] [SERVER OPTION...]
#
# Each producer streams batches of 5000 events as fast as acks allow (--interval 0). The time runs
# from the generators' start until a flush returned after they finished (everything committed):
# bench_e2e_stream of bench/lib.sh, which bench/security_cost.sh shares.
# Last line: "end_to_end: E events/s = X × raw_sink (R rows/s)". Appends to
# bench/results/end_to_end.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-1000000}"
PRODUCERS="${2:-8}"
shift $(($# < 2 ? $# : 2))
per_producer=$((EVENTS / PRODUCERS / 5000))
total=$((per_producer * 5000 * PRODUCERS))

dsn="$(bench_db e2e)"
echo "streaming $total events: $PRODUCERS producers x $per_producer batches of 5000"
bench_e2e_stream "$dsn" "$PRODUCERS" "$per_producer" "$@"
rows="$E2E_ROWS" e2e_secs="$E2E_SECS" e2e_rate="$E2E_RATE"
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
