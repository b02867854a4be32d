#!/usr/bin/env bash
# ingest_path: events/s acked (durable: in the fsynced log) through ingest-server with PostgreSQL
# out of the timed part, against ingest-minimal-loop (parse, a trivial check per event, append,
# group fdatasync, ack) with the same generator, in the same run.
#
#   bench/ingest_path.sh [EVENTS (2000000)] [PRODUCERS (8)] [RUNS (3)] [SERVER OPTION...]
#
# PostgreSQL is kept out of the timed part in one of two ways (INGEST_BENCH_WINDOW):
#   discard (the default): the test build ingest-server-failpoints with the failpoint
#     sink_discard, whose sink drops each micro-batch as if committed. The server runs with its
#     default window settings, so windows are sealed, handed to the writer and freed, and the
#     log's segments are removed: the ingest path in its steady state.
#   unsealed: the release ingest-server whose window never seals during a run (--trigger 3600s,
#     event and byte limits far above EVENTS), so every event stays in memory until the end.
# Either way the server is killed (-9) after each run instead of drained. Each run streams EVENTS events (batches of 5000, --interval 0) through the server,
# then the same through the minimal loop; the medians of RUNS runs are compared. For each run it
# also prints the CPU seconds of the receiver and of the generator against what the 2 cores
# offered (cores × wall time), and how busy the machine was just before (other work on the
# cores lowers both rates). Needs INGEST_BUILD_DIR (default build) with ingest-server,
# event-generator, ingest-admin and bench/minimal_loop/ingest-minimal-loop built;
# INGEST_BENCH_GENERATOR names another event-generator binary (e.g. an older one) to load both.
# Last line: "ingest_path: X events/s acked = R × minimal loop (Y events/s)". Appends to
# bench/results/ingest_path.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-2000000}"
PRODUCERS="${2:-8}"
RUNS="${3:-3}"
shift $(($# < 3 ? $# : 3))
LOOP_BIN="$BUILD/bench/minimal_loop/ingest-minimal-loop"
GEN_BIN="${INGEST_BENCH_GENERATOR:-$BUILD/generator-client/event-generator}"
[[ -x "$LOOP_BIN" ]] || { echo "bench: $LOOP_BIN is missing; build target ingest-minimal-loop" >&2; exit 2; }
per_producer=$((EVENTS / PRODUCERS / 5000))
total=$((per_producer * 5000 * PRODUCERS))
CORES="$(nproc)"
LOOP_PID=""
trap 'ip_stop_loop; bench_cleanup' EXIT

# ip_cpu PID: user + system CPU seconds of PID so far.
ip_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }

# ip_busy: the share of the machine's CPU time in use over the next second, in percent.
ip_busy() {
  local a b
  a=($(head -1 /proc/stat))
  sleep 1
  b=($(head -1 /proc/stat))
  "$PY" -c 'import sys
a, b = [list(map(int, s.split())) for s in sys.argv[1:3]]
d = [y - x for x, y in zip(a, b)]
idle = d[3] + d[4]
print(f"{100 * (1 - idle / sum(d[:8])):.0f}")' "${a[*]:1}" "${b[*]:1}"
}

# ip_generate TARGET RECEIVER_PID NAME: streams the run's events to TARGET, prints what it saw and
# writes "EVENTS_PER_S RECEIVER_CPU_S GENERATOR_CPU_S" to $BENCH_WORK/run.txt.
ip_generate() {
  local target="$1" pid="$2" name="$3" busy cpu0 cpu1 start wall
  busy="$(ip_busy)"
  cpu0="$(ip_cpu "$pid")"
  start=$(bench_now)
  # The subshell's `times` (a builtin: no fork) gives the CPU of its one child, the generator.
  (
    "$GEN_BIN" --target "$target" --producers "$PRODUCERS" --events 5000 --batches "$per_producer" \
      --interval 0 --json --log-level warn >"$BENCH_WORK/gen.json" || exit 1
    times >"$BENCH_WORK/gen.times"
  ) || { echo "bench: event-generator failed against $name" >&2; exit 1; }
  wall="$(bench_secs "$start")"
  cpu1="$(ip_cpu "$pid")"
  "$PY" - "$BENCH_WORK/gen.json" "$BENCH_WORK/gen.times" "$cpu0" "$cpu1" "$wall" "$CORES" "$name" "$busy" "$total" \
    >"$BENCH_WORK/run.txt" <<'PYEOF'
import json, re, sys
summary, times, cpu0, cpu1, wall, cores, name, busy, total = sys.argv[1:]
s = json.load(open(summary))
acked = s["events_accepted"] + s["events_rejected"]
if acked != int(total):
    sys.exit(f"bench: {name} acked {acked} events, expected {total}")
children = open(times).read().splitlines()[1]
gen = sum(float(m) * 60 + float(sec) for m, sec in re.findall(r"(\d+)m([\d.]+)s", children))
recv = float(cpu1) - float(cpu0)
print(f"{s['events_per_s']:.0f} {recv:.2f} {gen:.2f}")
print(f"  {name}: {s['events_per_s']:,.0f} events/s acked; CPU s: {name} {recv:.2f} + generator {gen:.2f} "
      f"of {int(cores) * float(wall):.1f} ({cores} cores x {wall} s); machine {busy}% busy just before",
      file=sys.stderr)
PYEOF
}

ip_start_loop() {
  rm -f "$BENCH_WORK/loop.ready"
  "$LOOP_BIN" --listen 127.0.0.1:0 --log-file "$BENCH_WORK/loop.log" --ready-file "$BENCH_WORK/loop.ready" \
    2>>"$BENCH_WORK/loop.err" &
  LOOP_PID=$!
  for ((i = 0; i < 100; i++)); do [[ -s "$BENCH_WORK/loop.ready" ]] && break; sleep 0.05; done
  [[ -s "$BENCH_WORK/loop.ready" ]] || { cat "$BENCH_WORK/loop.err" >&2; echo "bench: the minimal loop did not start" >&2; exit 1; }
  LOOP_TARGET="$(sed -n 's/^ingest=//p' "$BENCH_WORK/loop.ready")"
}

ip_stop_loop() {
  [[ -n "$LOOP_PID" ]] || return 0
  kill "$LOOP_PID" 2>/dev/null || true
  wait "$LOOP_PID" 2>/dev/null || true
  LOOP_PID=""
  rm -f "$BENCH_WORK/loop.log"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

dsn="$(bench_db ingest_path)"
WINDOW="${INGEST_BENCH_WINDOW:-discard}"
case "$WINDOW" in
  discard)
    export INGEST_BENCH_SERVER_BIN="$BUILD/tests/testing/ingest-server-failpoints" INGEST_FAILPOINTS=sink_discard
    [[ -x "$INGEST_BENCH_SERVER_BIN" ]] || { echo "bench: $INGEST_BENCH_SERVER_BIN is missing; build the tests" >&2; exit 2; }
    SERVER_OPTIONS=(--drain-timeout 1s "$@") ;;
  unsealed) SERVER_OPTIONS=(--trigger 3600s --max-batch-events $((total * 4)) --max-batch-bytes 1TiB --drain-timeout 1s "$@") ;;
  *) echo "bench: INGEST_BENCH_WINDOW is discard or unsealed, not '$WINDOW'" >&2; exit 2 ;;
esac
echo "ingest_path: $RUNS runs of $total events ($PRODUCERS producers × $per_producer batches of 5000) through"
echo "  ingest-server ($WINDOW window) ${SERVER_OPTIONS[*]}, then the minimal loop; generator $GEN_BIN"
server_rates=() loop_rates=() server_cpu=() loop_cpu=() server_gen=() loop_gen=()
for ((run = 1; run <= RUNS; run++)); do
  echo "run $run:"
  bench_start_server "$dsn" "${SERVER_OPTIONS[@]}"
  ip_generate "$BENCH_INGEST" "$BENCH_SERVER_PID" server
  read -r rate cpu gen <"$BENCH_WORK/run.txt"
  kill -9 "$BENCH_SERVER_PID" 2>/dev/null || true # the window is not drained into PostgreSQL
  bench_stop_server
  server_rates+=("$rate") server_cpu+=("$cpu") server_gen+=("$gen")

  ip_start_loop
  ip_generate "$LOOP_TARGET" "$LOOP_PID" "minimal loop"
  read -r rate cpu gen <"$BENCH_WORK/run.txt"
  ip_stop_loop
  loop_rates+=("$rate") loop_cpu+=("$cpu") loop_gen+=("$gen")
done
server_rate="$(median "${server_rates[@]}")"
loop_rate="$(median "${loop_rates[@]}")"
ratio="$(bench_div "$server_rate" "$loop_rate" 2)"
mkdir -p bench/results
[[ -s bench/results/ingest_path.csv ]] ||
  echo "date,events,producers,runs,server_options,server_events_per_s,loop_events_per_s,ratio,server_cpu_s,server_generator_cpu_s,loop_cpu_s,loop_generator_cpu_s,generator" \
    >bench/results/ingest_path.csv
echo "$(date -u +%FT%TZ),$total,$PRODUCERS,$RUNS,\"${INGEST_BENCH_PRELOAD:+[LD_PRELOAD $INGEST_BENCH_PRELOAD] }$WINDOW: ${SERVER_OPTIONS[*]}\",$server_rate,$loop_rate,$ratio,$(median \
  "${server_cpu[@]}"),$(median "${server_gen[@]}"),$(median "${loop_cpu[@]}"),$(median "${loop_gen[@]}"),$GEN_BIN" \
  >>bench/results/ingest_path.csv
echo "server runs: ${server_rates[*]} events/s; minimal loop runs: ${loop_rates[*]} events/s (medians below)"
echo "ingest_path: $server_rate events/s acked = $ratio × minimal loop ($loop_rate events/s)"
