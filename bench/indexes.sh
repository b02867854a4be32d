#!/usr/bin/env bash
# indexes: do the seed's four indexes on user_events (user_id, event_type, event_timestamp,
# product_id) earn their place? What each costs the writes, and what each saves the queries it is
# for. A study to report, not a test.
#
#   bench/indexes.sh [EVENTS (1000000)]
#
# Writes: EVENTS events (event-generator's file mode, seed 7) loaded the way the server writes
# (bench_raw_sink: COPY into a staging table, then the upsert, 50,000 rows a transaction) into
# user_events with none of the four (only the primary key and the unique event_id the upsert
# needs), with each one alone, and with all four; the cost of an index is the load's time with it
# over the time with none. Queries: on the table with all four and ANALYZEd, the seed's queries
# and the event_summary view, each run with its index and with that index dropped (in a
# transaction rolled back afterwards), by EXPLAIN (ANALYZE, BUFFERS): the median execution time
# of 5 runs, the rows it returns, the plan's top scan and the shared buffers it touched.
# Lines "write +INDEX: S s = R x none" and "query NAME: A ms with INDEX, B ms without = R x"; rows
# in bench/results/indexes.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-1000000}"
INDEXES=(user_id event_type event_timestamp product_id)
date="$(date -u +%FT%TZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
CSV=bench/results/indexes.csv
HEADER="date,commit,events,kind,name,index_name,with_value,without_value,ratio,plan_with,plan_without,buffers_with,buffers_without,rows"

bench_csv_events "$EVENTS" 7 "$BENCH_WORK/events.csv"
echo "indexes: $EVENTS events; writes through one psql session as the server writes, then the queries"

# fresh INDEX...: a new database with the schema (DSN), the four indexes dropped but INDEX....
fresh() {
  DSN="$(bench_db idx schema)"
  local i k keep
  for i in "${INDEXES[@]}"; do
    keep=0
    for k in "$@"; do [[ "$k" == "$i" ]] && keep=1; done
    ((keep)) || psql -X -q -d "$DSN" -c "DROP INDEX user_events_${i}_idx" >/dev/null
  done
}

fresh
none="$(bench_raw_sink "$DSN" "$BENCH_WORK/events.csv" 50000)"
bench_drop_db "$DSN"
echo "write with none of the four: $none s"
for i in "${INDEXES[@]}"; do
  fresh "$i"
  secs="$(bench_raw_sink "$DSN" "$BENCH_WORK/events.csv" 50000)"
  bench_drop_db "$DSN"
  echo "write +${i}: $secs s = $(bench_div "$secs" "$none" 2) x none"
  bench_csv_append "$CSV" "$HEADER" "$date,$commit,$EVENTS,write,+$i,user_events_${i}_idx,$secs,$none,$(bench_div "$secs" "$none" 2),,,,,"
done
fresh "${INDEXES[@]}"
all="$(bench_raw_sink "$DSN" "$BENCH_WORK/events.csv" 50000)"
echo "write with all four: $all s = $(bench_div "$all" "$none" 2) x none"
bench_csv_append "$CSV" "$HEADER" "$date,$commit,$EVENTS,write,all four,,$all,$none,$(bench_div "$all" "$none" 2),,,,,"
psql -X -q -d "$DSN" -c "VACUUM ANALYZE user_events" >/dev/null

# A hundredth of the events by time (the 50th to the 51st percentile), for the range query.
IFS='|' read -r from to <<<"$(psql -X -tA -F '|' -d "$DSN" -c "SELECT percentile_disc(0.50) WITHIN GROUP (ORDER BY event_timestamp),
  percentile_disc(0.51) WITHIN GROUP (ORDER BY event_timestamp) FROM user_events")"
declare -A QUERY=(
  [by_user]="SELECT * FROM user_events WHERE user_id = 'user_0042'"
  [by_type]="SELECT count(*), sum(total_price) FROM user_events WHERE event_type = 'purchase'"
  [by_time]="SELECT * FROM user_events WHERE event_timestamp >= '$from' AND event_timestamp < '$to'"
  [by_product]="SELECT count(*), sum(quantity) FROM user_events WHERE product_id = 'prod_007'"
  [event_summary]="SELECT * FROM event_summary"
)
declare -A FOR=([by_user]=user_id [by_type]=event_type [by_time]=event_timestamp [by_product]=product_id
  [event_summary]=event_type)

# explain SQL [DROP]: "MS PLAN BUFFERS" of SQL, the median of 5 runs, optionally with an index
# dropped inside the transaction (rolled back).
explain() {
  local sql="$1" drop="${2:-}" runs=()
  for _ in 1 2 3 4 5; do
    runs+=("$(psql -X -q -tA -d "$DSN" -c "BEGIN" ${drop:+-c "DROP INDEX $drop"} \
      -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) $sql" -c "ROLLBACK" | "$PY" -c '
import json, sys
text = "".join(l for l in sys.stdin if l.strip() not in ("BEGIN", "DROP INDEX", "ROLLBACK"))
p = json.loads(text)[0]
node = p["Plan"]
while node.get("Plans") and "Scan" not in node["Node Type"]:
    node = node["Plans"][0]
buffers = p["Plan"].get("Shared Hit Blocks", 0) + p["Plan"].get("Shared Read Blocks", 0)
print("%.3f %s %d %d" % (p["Execution Time"], node["Node Type"].replace(" ", "_"), buffers, p["Plan"]["Actual Rows"]))')")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

for name in by_user by_type by_time by_product event_summary; do
  index="user_events_${FOR[$name]}_idx"
  read -r with_ms with_plan with_buf rows <<<"$(explain "${QUERY[$name]}")"
  read -r without_ms without_plan without_buf _ <<<"$(explain "${QUERY[$name]}" "$index")"
  ratio="$(bench_div "$without_ms" "$with_ms" 1)"
  echo "query $name ($rows rows): $with_ms ms ($with_plan, $with_buf buffers) with $index, $without_ms ms ($without_plan, $without_buf buffers) without = ${ratio} x faster with it"
  bench_csv_append "$CSV" "$HEADER" \
    "$date,$commit,$EVENTS,query,$name,$index,$with_ms,$without_ms,$ratio,$with_plan,$without_plan,$with_buf,$without_buf,$rows"
done
bench_drop_db "$DSN"
