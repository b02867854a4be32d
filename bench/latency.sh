#!/usr/bin/env bash
# latency: at a steady rate, how long does a producer wait for its ack, and how long until an
# event is visible (committed) in PostgreSQL? Once with --trigger 10s (the default) and once with
# --trigger 1s, each against a fresh database and server.
#
#   bench/latency.sh [RATE events/s (auto: half the measured maximum)] [SECONDS per trigger (60)]
#                    [PRODUCERS (8)] [EVENTS per batch (500)]
#
# The maximum, measured first in the same run: PRODUCERS producers stream about 500,000 events
# (whole batches of 5000 each: 480,000 for 8) with --interval 0 (as bench/end_to_end.sh does)
# into a server with default settings; max = events / (start until a flush after them returned,
# every event committed). The generator's own acked rate is printed too, but it only says how
# fast the server's log takes events (acks are sent once durable, before the commit), several
# times what PostgreSQL keeps up with: half of it would grow a backlog without end. So "the
# maximum" is the committed one.
#
# Then, per trigger, PRODUCERS producers send RATE events/s in all (--rate, batches of EVENTS)
# for SECONDS, then stop; the server then seals and commits the last window by its trigger (no
# flush, which would commit it early and flatter the figures). event-generator paces its producers
# in step (each one's batch k is due at start + k × EVENTS × PRODUCERS / RATE), so the load comes
# as bursts of PRODUCERS batches at once, not evenly spread: ack latencies include that queueing.
# - Ack latency: the generator's summary, per batch, from its send to its ack (p50, p99). The
#   summary gives p99.9 (ack_latency_p999_ms).
# - Visibility delay, per event: committed_at of its micro-batch (ingest_batches, the server's
#   clock_timestamp() in the batch's transaction, right before COMMIT) minus the event's
#   event_timestamp, which event-generator sets to the time it builds the batch, right before
#   sending it. Both clocks are this machine's. It is the send → committed time, so it includes
#   the trip to the server (an upper bound of arrival → commit, by the ack's order of magnitude:
#   milliseconds). Exact per event, unlike the server's ingest_visibility_delay_seconds histogram
#   (buckets 10 s / 15 s). Not used: user_events.created_at, which is the transaction's start
#   (now()), seconds before its commit; ingest_batches.window_start, a per-batch bound only.
#   Every event of the run counts, the first seconds included.
#
# Targets (the performance issue): ack p99 <= 25 ms at half the maximum rate; visibility p99 <=
# trigger + 1 s at both triggers.
# Last line: "latency: R events/s (Q × max M), P producers: ack p99 A ms = a × 25 ms target
# (p50 …, p99.9 …; the worse of the two runs); visibility p99 V10 s = v × trigger 10s (target
# ≤ 1.10), V1 s = w × trigger 1s (target ≤ 2.00)", each figure with its baseline: the ack target
# and the trigger.
# Appends one row per trigger to bench/results/latency.csv, and the visibility quantiles
# (1 %, 2 %, …, 99 %, 99.9 %, max) of each trigger to bench/results/latency_dist.csv.
source "$(dirname "$0")/lib.sh"
RATE="${1:-auto}"
SECONDS_PER_RUN="${2:-60}"
PRODUCERS="${3:-8}"
EVENTS_PER_BATCH="${4:-500}"
ACK_TARGET_MS=25
GEN="$BUILD/generator-client/event-generator"
ADMIN="$BUILD/admin-cli/ingest-admin"
date="$(date -u +%FT%TZ)"

max_rate=""
if [[ "$RATE" == auto ]]; then
  burst_batches=$((500000 / PRODUCERS / 5000))
  burst=$((burst_batches * 5000 * PRODUCERS))
  dsn="$(bench_db latmax)"
  bench_start_server "$dsn"
  start=$(bench_now)
  "$GEN" --target "$BENCH_INGEST" --producers "$PRODUCERS" --events 5000 --batches "$burst_batches" \
    --interval 0 --json --log-level warn >"$BENCH_WORK/max.json"
  "$ADMIN" --target "$BENCH_ADMIN" flush --timeout 600s >/dev/null
  max_secs="$(bench_secs "$start")"
  bench_stop_server
  max_rate="$(bench_div "$burst" "$max_secs" 0)"
  echo "maximum: $burst events committed in $max_secs s = $max_rate events/s" \
    "(acked by the log at $(bench_json "$BENCH_WORK/max.json" events_per_s) events/s)"
  RATE="$(bench_div "$max_rate" 2 0)"
fi

# latency_run TRIGGER: one run at RATE; appends its rows to the CSVs and sets
# LAT_ACK_P50, LAT_ACK_P99, LAT_ACK_P999, LAT_VIS_P99.
latency_run() {
  local trigger="$1" trigger_s dsn gen_json stats qs
  mapfile -t qs < <(LC_ALL=C seq 0.01 0.01 0.99; echo 0.999)
  trigger_s="${trigger%s}"
  dsn="$(bench_db "lat${trigger_s}")"
  bench_start_server "$dsn" --trigger "$trigger"
  echo "trigger $trigger: $PRODUCERS producers, $RATE events/s in batches of $EVENTS_PER_BATCH for ${SECONDS_PER_RUN}s"
  gen_json="$BENCH_WORK/gen-$trigger_s.json"
  "$GEN" --target "$BENCH_INGEST" --producers "$PRODUCERS" --rate "$RATE" --events "$EVENTS_PER_BATCH" \
    --continuous --duration "${SECONDS_PER_RUN}s" --json --log-level warn >"$gen_json"
  echo "  generator: $(cat "$gen_json")"
  # The last window seals by its trigger and commits; wait for that (bounded), then flush in case.
  for ((i = 0; i < 2 * trigger_s + 120; i++)); do
    bench_status_json "$BENCH_WORK/status.json"
    [[ "$("$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(int(d["open_window"]["events"]) +
      int(d["pending_batches"]))' "$BENCH_WORK/status.json" 2>/dev/null)" == 0 ]] && break
    sleep 1
  done
  "$ADMIN" --target "$BENCH_ADMIN" flush --timeout 600s >/dev/null
  bench_stop_server
  # One line: events, batches, mean events and write ms per batch, visibility p50/p99/max (s),
  # then the quantiles for latency_dist.csv.
  stats="$(psql -X -qtA -F, -d "$dsn" <<SQL
WITH d AS (
  SELECT extract(epoch FROM b.committed_at - e.event_timestamp)::float8 AS s
  FROM user_events e JOIN ingest_batches b ON b.batch_id = e.batch_id),
p AS (SELECT count(*) AS n, percentile_disc(ARRAY[$(IFS=,; echo "${qs[*]}")]) WITHIN GROUP (ORDER BY s) AS v,
        max(s) AS mx FROM d)
SELECT p.n, (SELECT count(*) FROM ingest_batches), (SELECT round(avg(events)) FROM ingest_batches),
  (SELECT round(avg(write_ms)) FROM ingest_batches), round(p.v[50]::numeric, 3), round(p.v[99]::numeric, 3),
  round(p.mx::numeric, 3), array_to_string(p.v, ' ')
FROM p;
SQL
)"
  IFS=, read -r events batches mean_events mean_write vis_p50 vis_p99 vis_max quantiles <<<"$stats"
  LAT_ACK_P50="$(bench_json "$gen_json" ack_latency_p50_ms)"
  LAT_ACK_P99="$(bench_json "$gen_json" ack_latency_p99_ms)"
  LAT_ACK_P999="$(bench_json "$gen_json" ack_latency_p999_ms)"
  LAT_VIS_P99="$vis_p99"
  local acked_rate vis_ratio ack_ratio
  acked_rate="$(bench_json "$gen_json" events_per_s)"
  vis_ratio="$(bench_div "$vis_p99" "$trigger_s" 2)"
  ack_ratio="$(bench_div "$LAT_ACK_P99" "$ACK_TARGET_MS" 2)"
  echo "  $events events in $batches micro-batches (mean $mean_events events, write $mean_write ms);" \
    "ack p50 $LAT_ACK_P50 ms, p99 $LAT_ACK_P99 ms, p99.9 $LAT_ACK_P999 ms; visibility p50 $vis_p50 s, p99 $vis_p99 s, max $vis_max s"
  bench_csv_append bench/results/latency.csv \
    "date,trigger_s,producers,events_per_batch,max_events_per_s,rate,seconds,events,acked_events_per_s,batches,mean_batch_events,mean_write_ms,ack_p50_ms,ack_p99_ms,ack_p999_ms,vis_p50_s,vis_p99_s,vis_max_s,vis_p99_per_trigger,ack_p99_per_target" \
    "$date,$trigger_s,$PRODUCERS,$EVENTS_PER_BATCH,${max_rate:-},$RATE,$SECONDS_PER_RUN,$events,$acked_rate,$batches,$mean_events,$mean_write,$LAT_ACK_P50,$LAT_ACK_P99,$LAT_ACK_P999,$vis_p50,$vis_p99,$vis_max,$vis_ratio,$ack_ratio"
  local v i=0
  [[ -s bench/results/latency_dist.csv ]] || echo "date,trigger_s,quantile,visibility_s" >bench/results/latency_dist.csv
  for v in $quantiles; do
    echo "$date,$trigger_s,${qs[$i]},$v" >>bench/results/latency_dist.csv
    i=$((i + 1))
  done
  echo "$date,$trigger_s,1,$vis_max" >>bench/results/latency_dist.csv
}

latency_run 10s
ack10_p50="$LAT_ACK_P50" ack10_p99="$LAT_ACK_P99" ack10_p999="$LAT_ACK_P999" vis10="$LAT_VIS_P99"
latency_run 1s
ack1_p50="$LAT_ACK_P50" ack1_p99="$LAT_ACK_P99" ack1_p999="$LAT_ACK_P999" vis1="$LAT_VIS_P99"

# The ack is the same path at both triggers (durable: the fsynced log); the worse p99 counts.
ack_p99="$("$PY" -c 'import sys; print(max(sys.argv[1:], key=float))' "$ack10_p99" "$ack1_p99")"
ack_p50="$("$PY" -c 'import sys; print(max(sys.argv[1:], key=float))' "$ack10_p50" "$ack1_p50")"
ack_p999="$("$PY" -c 'import sys; print(max(sys.argv[1:], key=float))' "$ack10_p999" "$ack1_p999")"
share=""
[[ -z "$max_rate" ]] || share=" ($(bench_div "$RATE" "$max_rate" 2) × max $max_rate)"
echo "latency: $RATE events/s$share, $PRODUCERS producers: ack p99 $ack_p99 ms =" \
  "$(bench_div "$ack_p99" "$ACK_TARGET_MS" 2) × 25 ms target (p50 $ack_p50 ms, p99.9 $ack_p999 ms; the worse of the two runs);" \
  "visibility p99 $vis10 s = $(bench_div "$vis10" 10 2) × trigger 10s (target ≤ 1.10)," \
  "$vis1 s = $(bench_div "$vis1" 1 2) × trigger 1s (target ≤ 2.00)"
