#!/usr/bin/env bash
# abuse: how much of its throughput a well-behaved producer keeps while another client abuses the
# same server (hardening target: ≥ 0.8 × its throughput alone). A ratio to report, not a test.
#
#   bench/abuse.sh [--rate EVENTS_PER_S] [SECONDS (20)] [KIND...]
#
# KIND: the abuses of tests/e2e/abuse.py (oversized too-many-events stream-flood slow-reader idle
# upload-claim upload-chunks upload-flood) and one-event-batches (a second event-generator: 4
# producers of one-event batches, --interval 0 --window 256); all of them by default.
# The server runs with the limits abuse.py assumes (--max-message-bytes 4MiB --max-request-events
# 1000 --max-streams-per-peer 16 --max-uploads 2 --stream-idle-timeout 2s), with --auth-tokens
# (the producer and the abuse each have a token, so each is its own client) and
# --max-batches-per-second 2000, a fresh server with a fresh database for each phase. The
# well-behaved producer is one event-generator stream (the abuse shares its address, 127.0.0.1,
# and so its per-peer limit) sending batches of 1000 events for SECONDS: as fast as acks allow,
# or with --rate at that pace (a producer with a steady flow, the load a deployment plans for);
# its events/s acked is the figure. Phases: alone, then each KIND
# with the abuse repeating in a loop for the whole time (abuse.py SECONDS, started again when a run
# stops at an answer other than the contract's; it starts 1 s before the producer), then alone again; ratios are to the mean of the two runs alone. The abusing client
# runs on the same machine and takes its share of the cores: CPU seconds of the server, the
# producer, the abuse and everything else (PostgreSQL, other work) are printed per phase.
# Needs /usr/bin/python3 with grpc and protobuf, protoc and grpc_python_plugin (the Python stubs
# are generated into the bench's work directory, as tests/e2e/lib.sh does).
# Lines "abuse KIND: X events/s = R × alone", last "abuse: worst R × alone (KIND)". Appends one
# row per phase to bench/results/abuse.csv. Answers other than the contract's are counted
# (abuse_misses) and the first is printed. Exit 1, after writing the rows, when a client could not
# run (the abuse never got through a round, the producer failed); never because of a ratio.
source "$(dirname "$0")/lib.sh"
PACE=()
if [[ "${1:-}" == --rate ]]; then
  PACE=(--rate "$2")
  shift 2
fi
DURATION="${1:-20}"
shift $(($# < 1 ? $# : 1))
KINDS=("$@")
((${#KINDS[@]})) || KINDS=(oversized too-many-events stream-flood slow-reader idle upload-claim upload-chunks
  upload-flood one-event-batches)
LIMITS=(--max-message-bytes 4MiB --max-request-events 1000 --max-streams-per-peer 16 --max-uploads 2
  --stream-idle-timeout 2s --auth-tokens "$BENCH_WORK/tokens.txt" --max-batches-per-second 2000)
printf 'good-token-0123456789abcdef good-\nabuse-token-0123456789abcdef *\n' >"$BENCH_WORK/tokens.txt"
echo good-token-0123456789abcdef >"$BENCH_WORK/good.token"
echo abuse-token-0123456789abcdef >"$BENCH_WORK/abuse.token"
export INGEST_ABUSE_TOKEN_FILE="$BENCH_WORK/abuse.token"  # abuse.py sends it
ABUSE_PID=""
trap 'ab_stop_abuse; bench_cleanup' EXIT

STUBS="$BENCH_WORK/stubs"
mkdir -p "$STUBS"
plugin="$(command -v grpc_python_plugin)" || { echo "bench: grpc_python_plugin is missing (protobuf-compiler-grpc)" >&2; exit 2; }
"$PY" -c 'import grpc, google.protobuf' || { echo "bench: $PY lacks grpc or protobuf (python3-grpcio, python3-protobuf)" >&2; exit 2; }
protoc -Iproto --python_out="$STUBS" --grpc_out="$STUBS" --plugin=protoc-gen-grpc="$plugin" proto/ingest/v1/*.proto

# ab_cpu PID: user + system CPU seconds of PID so far. ab_busy: of the whole machine, all cores.
ab_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
ab_busy() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
# ab_tree_cpu PID: CPU seconds of PID and its live descendants (the abuse: subshell, timeout, client),
# with what their children that ended had used.
ab_tree_cpu() {
  local level="$1" all=() pids p
  while [[ -n "$level" ]]; do
    IFS=, read -ra pids <<<"$level"
    all+=("${pids[@]}")
    level="$(pgrep -d, -P "$level" || true)"
  done
  for p in "${all[@]}"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
    awk -v hz="$(getconf CLK_TCK)" '{ s += $14 + $15 + $16 + $17 } END { printf "%.2f\n", s / hz }'
}
# ab_children_cpu TIMES: CPU seconds of the children in the output of `times` (its second line).
ab_children_cpu() { sed -n 2p "$1" | tr 'ms' '  ' | awk '{ printf "%.2f\n", $1 * 60 + $2 + $3 * 60 + $4 }'; }

# ab_start_abuse KIND: the abuse, repeating for DURATION + 5 s, in the background (ABUSE_PID); its
# output into abuse.out, "RUNS FAILED_RUNS" into abuse.rc. abuse.py stops at the first answer that
# is not the contract's; it is started again for the time left (at most 1000 times), so the abuse
# goes on for the whole phase and the misses are counted.
ab_start_abuse() {
  local kind="$1" secs=$((DURATION + 5))
  rm -f "$BENCH_WORK"/abuse.{out,rc,json}
  (
    runs=0 failed=0 end=$((SECONDS + secs))
    if [[ "$kind" == one-event-batches ]]; then
      runs=1
      timeout -k 5 $((secs + 120)) "$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" --producers 4 \
        --events 1 --interval 0 --window 256 --continuous --duration "${secs}s" --json --log-level warn \
        --token-file "$BENCH_WORK/abuse.token" \
        >"$BENCH_WORK/abuse.json" 2>"$BENCH_WORK/abuse.out" || failed=1
    else
      while ((SECONDS < end && runs < 1000)); do
        runs=$((runs + 1))
        timeout -k 5 $((end - SECONDS + 120)) "$PY" tests/e2e/abuse.py "$STUBS" "$BENCH_INGEST" "$kind" \
          "$((end - SECONDS))" >>"$BENCH_WORK/abuse.out" 2>&1 || failed=$((failed + 1))
      done
    fi
    echo "$runs $failed" >"$BENCH_WORK/abuse.rc"
  ) &
  ABUSE_PID=$!
}
ab_stop_abuse() {
  [[ -n "$ABUSE_PID" ]] || return 0
  pkill -P "$ABUSE_PID" 2>/dev/null || true
  wait "$ABUSE_PID" 2>/dev/null || true
  ABUSE_PID=""
}

# ab_phase NAME: a fresh server and database; the abuse NAME (none for alone-*) and the producer
# beside it. Sets RATE, RECONNECTS, ACK_P50 and ACK_P99 (ms) of the producer; of the abuse ROUNDS
# (abuse.py: answers checked; one-event-batches: batches acked) and MISSES (abuse.py runs that met
# another answer than the contract's); FAILED (1: a client could not run); and the CPU seconds used while the producer
# ran: CPU_SERVER, CPU_GOOD, CPU_ABUSE, CPU_OTHER (the rest of the machine), of CPU_OFFERED.
ab_phase() {
  local name="$1" dsn server0 busy0 busy abuse0=0 start
  dsn="$(bench_db abuse)"
  bench_start_server "$dsn" "${LIMITS[@]}"
  ROUNDS="" MISSES="" CPU_ABUSE=0 FAILED=0
  if [[ "$name" != alone-* ]]; then
    ab_start_abuse "$name"
    sleep 1
    abuse0="$(ab_tree_cpu "$ABUSE_PID")"
  fi
  server0="$(ab_cpu "$BENCH_SERVER_PID")" busy0="$(ab_busy)" start=$(bench_now)
  rm -f "$BENCH_WORK"/good.{json,err,rc,times}
  (
    rc=0
    timeout -k 5 $((DURATION + 120)) "$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" \
      --producer-id "good-$name" --events 1000 --continuous --duration "${DURATION}s" --interval 0 --json \
      --token-file "$BENCH_WORK/good.token" "${PACE[@]}" \
      --log-level warn >"$BENCH_WORK/good.json" 2>"$BENCH_WORK/good.err" || rc=$?
    echo "$rc" >"$BENCH_WORK/good.rc"
    times >"$BENCH_WORK/good.times"
  )
  CPU_OFFERED="$(awk -v s="$(bench_secs "$start")" -v n="$(grep -c '^cpu[0-9]' /proc/stat)" 'BEGIN { printf "%.1f\n", s * n }')"
  busy="$(awk -v a="$busy0" -v b="$(ab_busy)" 'BEGIN { print b - a }')"
  CPU_SERVER="$(awk -v a="$server0" -v b="$(ab_cpu "$BENCH_SERVER_PID")" 'BEGIN { printf "%.2f\n", b - a }')"
  if [[ -n "$ABUSE_PID" ]]; then
    CPU_ABUSE="$(awk -v a="$abuse0" -v b="$(ab_tree_cpu "$ABUSE_PID")" 'BEGIN { printf "%.2f\n", b - a }')"
    wait "$ABUSE_PID" || true
    ABUSE_PID=""
    read -r runs MISSES <"$BENCH_WORK/abuse.rc"
    if [[ "$name" == one-event-batches ]]; then
      ((MISSES == 0)) || { FAILED=1; echo "bench: the one-event batches failed:" >&2; tail -5 "$BENCH_WORK/abuse.out" >&2; }
      [[ ! -s "$BENCH_WORK/abuse.json" ]] || ROUNDS="$(bench_json "$BENCH_WORK/abuse.json" batches_acked)"
    else
      ROUNDS="$(grep -c '\] ok: ' "$BENCH_WORK/abuse.out" || true)"
      ((ROUNDS > 0)) || { FAILED=1; echo "bench: the abuse $name did not run:" >&2; tail -5 "$BENCH_WORK/abuse.out" >&2; }
      if ((MISSES > 0)); then
        echo "  $name: $MISSES of $runs abuse.py runs ended on an answer other than the contract's, the first:" \
          "$(grep -m1 'FAIL: ' "$BENCH_WORK/abuse.out" | sed 's/^\[[^]]*\] FAIL: //' || grep -v '\] ok: ' "$BENCH_WORK/abuse.out" | tail -3)"
      fi
    fi
  fi
  kill -9 "$BENCH_SERVER_PID" 2>/dev/null || true # nothing of it is needed: not drained
  bench_stop_server
  bench_drop_db "$dsn"
  CPU_GOOD="$(ab_children_cpu "$BENCH_WORK/good.times")"
  CPU_OTHER="$(awk -v t="$busy" -v s="$CPU_SERVER" -v g="$CPU_GOOD" -v a="$CPU_ABUSE" \
    'BEGIN { o = t - s - g - a; printf "%.2f\n", o < 0 ? 0 : o }')"
  RATE=0
  if [[ "$(cat "$BENCH_WORK/good.rc")" != 0 || ! -s "$BENCH_WORK/good.json" ]]; then
    FAILED=1
    echo "bench: the well-behaved producer failed during $name (exit $(cat "$BENCH_WORK/good.rc")):" >&2
    tail -5 "$BENCH_WORK/good.err" >&2
  fi
  RECONNECTS="" ACK_P50="" ACK_P99=""
  if [[ -s "$BENCH_WORK/good.json" ]]; then
    RATE="$(bench_json "$BENCH_WORK/good.json" events_per_s)" RATE="${RATE%.*}"
    RECONNECTS="$(bench_json "$BENCH_WORK/good.json" reconnects)"
    ACK_P50="$(bench_json "$BENCH_WORK/good.json" ack_latency_p50_ms)"
    ACK_P99="$(bench_json "$BENCH_WORK/good.json" ack_latency_p99_ms)"
    if ((RECONNECTS > 0)); then
      echo "  $name: the producer's stream broke $RECONNECTS time(s); its log (last lines):"
      tail -3 "$BENCH_WORK/good.err" | sed 's/^/    /'
    fi
  fi
  return 0
}

echo "abuse: a well-behaved producer (1 stream, batches of 1000, ${PACE[*]:---interval 0}) for ${DURATION} s alone, beside"
echo "  each of: ${KINDS[*]}; then alone again. $(nproc) cores, shared by server, PostgreSQL and both clients."
declare -A rate rounds cpu failed good efficiency
failures=()
for phase in alone-before "${KINDS[@]}" alone-after; do
  ab_phase "$phase"
  rate[$phase]="$RATE" rounds[$phase]="$ROUNDS,$MISSES" failed[$phase]="$FAILED"
  efficiency[$phase]="$(awk -v r="$RATE" -v o="$CPU_OFFERED" -v n="$(grep -c '^cpu[0-9]' /proc/stat)" -v s="$CPU_SERVER" \
    'BEGIN { printf "%.0f\n", (s > 0 ? r * o / n / s : 0) }')"
  good[$phase]="$ACK_P50,$ACK_P99,$RECONNECTS"
  cpu[$phase]="$CPU_OFFERED,$CPU_SERVER,$CPU_GOOD,$CPU_ABUSE,$CPU_OTHER"
  ((FAILED == 0)) || failures+=("$phase")
  echo "  $phase: $RATE events/s, ack p50 $ACK_P50 ms p99 $ACK_P99 ms, $RECONNECTS reconnects; CPU s used of $CPU_OFFERED: server $CPU_SERVER, producer $CPU_GOOD," \
    "abuse $CPU_ABUSE, other $CPU_OTHER${ROUNDS:+; abuse ${ROUNDS} $([[ $phase == one-event-batches ]] && echo batches acked || echo answers checked)}"
done
alone="$(awk -v a="${rate[alone-before]}" -v b="${rate[alone-after]}" 'BEGIN { printf "%.0f\n", (a + b) / 2 }')"
echo "alone: ${rate[alone-before]} events/s before, ${rate[alone-after]} after; mean $alone"
eff_alone="$(awk -v a="${efficiency[alone-before]}" -v b="${efficiency[alone-after]}" 'BEGIN { printf "%.0f\n", (a + b) / 2 }')"

date="$(date -u +%FT%TZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
header="date,commit,seconds,offered_events_per_s,kind,events_per_s,alone_events_per_s,ratio,ack_p50_ms,ack_p99_ms,reconnects,abuse_rounds,abuse_misses,cpu_offered_s,server_cpu_s,producer_cpu_s,abuse_cpu_s,other_cpu_s,producer_events_per_server_cpu_s,efficiency_ratio,failed"
worst="" worst_kind=""
for phase in alone-before "${KINDS[@]}" alone-after; do
  ratio="$(bench_div "${rate[$phase]}" "$alone" 2)"
  eff_ratio="$(bench_div "${efficiency[$phase]}" "$eff_alone" 2)"
  bench_csv_append bench/results/abuse.csv "$header" \
    "$date,$commit,$DURATION,${PACE[1]:-0},$phase,${rate[$phase]},$alone,$ratio,${good[$phase]},${rounds[$phase]},${cpu[$phase]},${efficiency[$phase]},$eff_ratio,${failed[$phase]}"
  [[ "$phase" == alone-* ]] && continue
  echo "abuse $phase: ${rate[$phase]} events/s = $ratio × alone"
  echo "  (its events per CPU-second of the server: $eff_ratio × alone)"
  if [[ -z "$worst" ]] || awk -v r="$ratio" -v w="$worst" 'BEGIN { exit !(r < w) }'; then
    worst="$ratio" worst_kind="$phase"
  fi
done
echo "abuse: worst $worst × alone ($worst_kind)"
if ((${#failures[@]})); then
  echo "bench: failed during: ${failures[*]} (above)" >&2
  exit 1
fi
