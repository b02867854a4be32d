#!/usr/bin/env bash
# scale: the same number of events streamed by 1, 4, 16, 64 and 256 producers at once (each its
# own stream and connection): throughput, errors and the server's peak memory per producer count,
# and the throughput at the largest count as a ratio to the best count of the same run.
#
#   bench/scale.sh [EVENTS (512000)] [EVENTS per batch (500)] [PRODUCER COUNTS ("1 4 16 64 256")]
#                  [SERVER OPTION...]
#
# For each count: a fresh database and ingest-server (default settings: 10 s trigger, durable
# acks); one event-generator with --producers P, each producer sending EVENTS / P / BATCH batches
# of BATCH events as fast as its acks allow (--interval 0, window 8). EVENTS must divide by
# BATCH × every count. The time runs from the generator's start until a flush after it finished
# returns (every event committed): throughput = rows in user_events / that time. The generator's
# own rate (events acked / its elapsed time, acks being durable, not committed) and ack p99 are
# reported beside it.
# Errors = the generator's batches not acked + resent + events rejected + reconnects, + 1 if it
# exited non-zero. Its log (info level) is printed without the "connected" lines, each kind of
# line once with its count (why streams ended), and so are the server's warnings for that count.
# Memory: the server's VmHWM (peak RSS, from /proc) just before it is stopped, and the highest
# VmRSS sampled every 0.2 s. Checks that user_events holds every event (exit 1 if not).
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). Appends one line per count to bench/results/scale.csv. Last line:
# "scale: 256 producers: T events/s = X × the best (P producers, B events/s); server peak RSS M MiB; E errors"
# (for the last count of the list).
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-512000}"
BATCH="${2:-500}"
read -r -a COUNTS <<<"${3:-1 4 16 64 256}"
shift $(($# < 3 ? $# : 3))
for p in "${COUNTS[@]}"; do
  ((p >= 1 && EVENTS % (BATCH * p) == 0)) ||
    { echo "bench: $EVENTS events do not divide into batches of $BATCH for $p producers" >&2; exit 2; }
done

mkdir -p bench/results
csv=bench/results/scale.csv
[[ -s $csv ]] || echo "date,producers,events,events_per_batch,server_options,batches_per_producer,seconds,events_per_s,acked_events_per_s,ack_p99_ms,batches_not_acked,batches_resent,events_rejected,reconnects,generator_exit,errors,server_hwm_mib,server_rss_max_mib" >"$csv"
now="$(date -u +%FT%TZ)"
best_rate=0 best_p=""
echo "$EVENTS events in batches of $BATCH, by ${COUNTS[*]} producers"
for p in "${COUNTS[@]}"; do
  per=$((EVENTS / BATCH / p))
  dsn="$(bench_db "scale_$p")"
  log_lines=0
  [[ -f "$BENCH_WORK/server.log" ]] && log_lines="$(wc -l <"$BENCH_WORK/server.log")"
  bench_start_server "$dsn" "$@"
  rm -f "$BENCH_WORK/rss-$p"
  bench_sample_rss "$BENCH_SERVER_PID" "$BENCH_WORK/rss-$p"
  gen_exit=0
  start=$(bench_now)
  "$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" --producers "$p" --events "$BATCH" \
    --batches "$per" --interval 0 --seed 7 --json --log-level info \
    >"$BENCH_WORK/gen-$p.json" 2>"$BENCH_WORK/gen-$p.err" || gen_exit=$?
  "$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" flush --timeout 600s >/dev/null ||
    echo "bench: flush after $p producers failed" >&2
  secs="$(bench_secs "$start")"
  hwm_kib="$(bench_proc_kib "$BENCH_SERVER_PID" VmHWM)"
  bench_stop_sampler
  bench_stop_server
  rss_max_kib="$(sort -k2,2n "$BENCH_WORK/rss-$p" | tail -1 | cut -d' ' -f2)"
  rows="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
  # Dropped now, not at exit, to keep the disk free; an autovacuum worker busy in it can make the
  # drop fail (a non-superuser may not end it), so it is tried again, and at exit by bench_cleanup.
  for ((i = 0; i < 5; i++)); do
    psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS ${dsn##*dbname=} WITH (FORCE)" 2>/dev/null && break
    sleep 1
  done
  # What went wrong, if anything: the generator's log but its "connected" lines (why each stream
  # ended, counted by reason), then what the server logged (warnings and errors) for this count.
  grep -v -E "producer [^ ]+ connected to" "$BENCH_WORK/gen-$p.err" |
    sed -E 's/^[0-9T:.-]+ //; s/producer [^ ]+/producer */; s/[0-9.]+(ms|s) with [0-9]+ unacked/N with K unacked/; s/resending [0-9]+/resending K/' |
    sort | uniq -c | sed "s/^/  generator ($p producers): /" || true
  tail -n +"$((log_lines + 1))" "$BENCH_WORK/server.log" | sed "s/^/  server ($p producers): /" | head -20 || true
  json="$BENCH_WORK/gen-$p.json"
  if [[ -s $json ]]; then
    not_acked="$(bench_json "$json" batches_not_acked)"
    resent="$(bench_json "$json" batches_resent)"
    rejected="$(bench_json "$json" events_rejected)"
    reconnects="$(bench_json "$json" reconnects)"
    acked_rate="$(bench_json "$json" events_per_s)"
    p99="$(bench_json "$json" ack_latency_p99_ms)"
  else
    not_acked=$((per * p)) resent=0 rejected=0 reconnects=0 acked_rate=0 p99=0
  fi
  errors=$((not_acked + resent + rejected + reconnects + (gen_exit != 0)))
  rate="$(bench_div "$rows" "$secs" 0)"
  hwm="$(bench_mib "$hwm_kib")"
  rss_max="$(bench_mib "${rss_max_kib:-0}")"
  echo "$p producers x $per batches: $rows rows in $secs s = $rate events/s (acked at $acked_rate events/s, ack p99 $p99 ms); errors $errors (not acked $not_acked, resent $resent, rejected $rejected, reconnects $reconnects, exit $gen_exit); server peak RSS $hwm MiB (sampled max $rss_max MiB)"
  echo "$now,$p,$EVENTS,$BATCH,\"$*\",$per,$secs,$rate,$acked_rate,$p99,$not_acked,$resent,$rejected,$reconnects,$gen_exit,$errors,$hwm,$rss_max" >>"$csv"
  [[ $rows -eq $EVENTS ]] || { echo "bench: $rows rows committed with $p producers, expected $EVENTS" >&2; exit 1; }
  if "$PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$rate" "$best_rate"; then
    best_rate=$rate best_p=$p
  fi
done
ratio="$(bench_div "$rate" "$best_rate" 2)"
echo "scale: $p producers: $rate events/s = $ratio × the best ($best_p producers, $best_rate events/s); server peak RSS $hwm MiB; $errors errors"
