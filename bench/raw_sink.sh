#!/usr/bin/env bash
# raw_sink: the limit of the database path — what one psql session achieves loading events into
# user_events (its four indexes on) the way the server writes a micro-batch: COPY into a staging
# table, then INSERT ... SELECT DISTINCT ON (event_id) ... ON CONFLICT (event_id) DO UPDATE, one
# transaction per chunk. The events come from event-generator's file mode, like those it streams.
#
#   bench/raw_sink.sh [EVENTS (1000000)] [ROWS per transaction (50000)]
#
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). Last line: "raw_sink: N rows in S s = R rows/s". Appends to bench/results/raw_sink.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-1000000}"
CHUNK="${2:-50000}"

bench_csv_events "$EVENTS" 7 "$BENCH_WORK/events.csv"
dsn="$(bench_db raw schema)"
secs="$(bench_raw_sink "$dsn" "$BENCH_WORK/events.csv" "$CHUNK")"
rows="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
rate="$(bench_div "$rows" "$secs" 0)"
mkdir -p bench/results
[[ -s bench/results/raw_sink.csv ]] || echo "date,events,rows_per_transaction,seconds,rows_per_s" >bench/results/raw_sink.csv
echo "$(date -u +%FT%TZ),$EVENTS,$CHUNK,$secs,$rate" >>bench/results/raw_sink.csv
echo "raw_sink: $rows rows in $secs s = $rate rows/s"
