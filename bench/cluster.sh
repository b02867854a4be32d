#!/usr/bin/env bash
# cluster: throughput of 1, 2 and 3 ingest-servers behind HAProxy (scripts/cluster.sh) on one
# PostgreSQL, and of one server reached directly (the balancer's cost), each as a ratio to
# raw_sink (one psql session loading the same number of events of the same kind into the same
# schema) measured in the same run.
#
#   bench/cluster.sh [EVENTS (960000)] [PRODUCERS (12)] [ROUNDS (2)]
#
# Each measurement gets a fresh database and a fresh cluster (free ports, --drain-grace 0s,
# default server settings otherwise). PRODUCERS producers stream batches of 5000 events as fast as
# acks allow to the balancer (or, for `direct`, to server 1's own port); the time runs from the
# generators' start until `ingest-admin flush` returned on every server (everything committed);
# the rows are counted (exit 1 unless every event was committed). Meanwhile the CPU time of
# PostgreSQL (the postmaster and all its processes, those that ended included), the servers,
# HAProxy and the generator is read from /proc, as cores busy (CPU seconds / wall seconds), and
# that of the whole machine (/proc/stat): on a small machine they show what the configurations
# compete for, and how much other work took. The configurations run in turn,
# ROUNDS times, raw_sink before each round. When the test build ingest-server-failpoints exists,
# each round also measures the ingest path alone (sink_discard: micro-batches dropped as if
# committed, PostgreSQL out) through HAProxy and straight from the server, where the balancer
# weighs most: rows `ingest_path-direct-1` and `ingest_path-haproxy-1`, whose ratio is to the
# direct ingest path, not to raw_sink.
# Last lines: "cluster: CONFIG E events/s = X × raw_sink", the mean of the rounds, and the ingest
# path's. Appends one row per configuration and round to bench/results/cluster.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-960000}"
PRODUCERS="${2:-12}"
ROUNDS="${3:-2}"
per_producer=$((EVENTS / PRODUCERS / 5000))
total=$((per_producer * 5000 * PRODUCERS))
CONFIGS=("direct 1" "haproxy 1" "haproxy 2" "haproxy 3")
FAILPOINTS_BIN="$BUILD/tests/testing/ingest-server-failpoints"
command -v haproxy >/dev/null && command -v socat >/dev/null ||
  { echo "bench: haproxy or socat missing; run scripts/setup-deps.sh" >&2; exit 2; }

export INGEST_CLUSTER_DIR="$BENCH_WORK/cluster" INGEST_CLUSTER_PORT_BASE=0 INGEST_CLUSTER_DRAIN_GRACE=0s
export INGEST_CLUSTER_SERVER_OPTS="--log-level warn"
cl_cleanup() {
  [[ -d "$INGEST_CLUSTER_DIR" ]] && scripts/cluster.sh stop >/dev/null 2>&1
  bench_cleanup
}
trap cl_cleanup EXIT

TICKS="$(getconf CLK_TCK)"
# cpu_ticks PID [CHILDREN]: user + system clock ticks of PID (0 when gone); with CHILDREN, also
# those of its children that ended (PostgreSQL's postmaster reaps every backend).
cpu_ticks() {
  awk -v kids="${2:-}" '{ sub(/^.*\) /, ""); t = $12 + $13; if (kids != "") t += $14 + $15; print t }' \
    "/proc/$1/stat" 2>/dev/null || echo 0
}
# The postmaster with its live processes and those that ended.
pg_ticks() {
  local pm t kid
  pm="$(head -n 1 "$INGEST_PG_ROOT/data/postmaster.pid")"
  t="$(cpu_ticks "$pm" children)"
  for kid in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do t=$((t + $(cpu_ticks "$kid"))); done
  echo "$t"
}
# The machine's busy ticks (user, nice, system, irq, softirq of every core), from /proc/stat.
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# The servers' and HAProxy's ticks: "SERVERS HAPROXY".
cluster_ticks() {
  local f s=0
  for f in "$INGEST_CLUSTER_DIR"/server-*/pid; do s=$((s + $(cpu_ticks "$(cat "$f")"))); done
  echo "$s $(cpu_ticks "$(cat "$INGEST_CLUSTER_DIR/haproxy.pid")")"
}
# cores TICKS SECONDS: CPU time as cores busy over SECONDS.
cores() { awk -v t="$1" -v s="$2" -v hz="$TICKS" 'BEGIN { printf "%.3f", t / hz / s }'; }

# run_config KIND N: one measurement; sets RATE, SECS and CPU (PostgreSQL, servers, HAProxy,
# generator as cores).
run_config() {
  local kind="$1" n="$2" dsn target start pg0 pg1 cl0 cl1 m0 m1 gen_cpu i
  dsn="$(bench_db "cl_${kind}${n}_r$round")"
  rm -rf "$INGEST_CLUSTER_DIR"
  INGEST_CLUSTER_DSN="$dsn" INGEST_CLUSTER_PORT="$(bench_free_port)" scripts/cluster.sh start "$n" \
    >"$BENCH_WORK/cluster-start.log" 2>&1 || { cat "$BENCH_WORK/cluster-start.log" >&2; exit 1; }
  target="$(sed -n 's/^ *bind \([^ ]*\) .*/\1/p' "$INGEST_CLUSTER_DIR/haproxy.cfg")"
  [[ "$kind" == haproxy ]] || target="$(sed -n 's/^ingest=//p' "$INGEST_CLUSTER_DIR/server-1/ready")"
  pg0="$(pg_ticks)" cl0="$(cluster_ticks)" m0="$(machine_ticks)" start=$(bench_now)
  /usr/bin/time -f "%U %S" -o "$BENCH_WORK/gen.time" "$BUILD/generator-client/event-generator" --target "$target" \
    --producers "$PRODUCERS" --events 5000 --batches "$per_producer" --interval 0 --json --log-level warn \
    >"$BENCH_WORK/gen.json" || { echo "bench: event-generator failed ($kind $n)" >&2; exit 1; }
  for ((i = 1; i <= n; i++)); do
    "$BUILD/admin-cli/ingest-admin" --target "$(sed -n 's/^admin=//p' "$INGEST_CLUSTER_DIR/server-$i/ready")" \
      flush --timeout 600s >/dev/null
  done
  SECS="$(bench_secs "$start")"
  pg1="$(pg_ticks)" cl1="$(cluster_ticks)" m1="$(machine_ticks)"
  INGEST_CLUSTER_DSN="$dsn" scripts/cluster.sh stop >"$BENCH_WORK/cluster-stop.log" 2>&1
  rows="$(psql -X -tA -d "$dsn" -c "SELECT count(*) FROM user_events")"
  [[ "$rows" == "$total" ]] || { echo "bench: $rows rows committed, expected $total ($kind $n)" >&2; exit 1; }
  bench_drop_db "$dsn"
  RATE="$(bench_div "$rows" "$SECS" 0)"
  gen_cpu="$(awk -v t="$TICKS" '{ printf "%d", ($1 + $2) * t }' "$BENCH_WORK/gen.time")"
  CPU="$(cores $((pg1 - pg0)) "$SECS") $(cores $((${cl1% *} - ${cl0% *})) "$SECS") $(cores $((${cl1#* } - ${cl0#* })) "$SECS") $(cores "$gen_cpu" "$SECS") $(cores $((m1 - m0)) "$SECS")"
}

# ingest_path: the balancer's cost where it weighs most, without PostgreSQL: one
# ingest-server-failpoints with sink_discard (micro-batches dropped as if committed), 4 × the
# events acked through the balancer and straight from the server, in turn; sets IP_DIRECT,
# IP_HAPROXY (events/s acked) and IP_HAPROXY_CORES.
ingest_path() {
  local dsn target front h0 start secs
  dsn="$(bench_db "cl_ip_r$round")"
  rm -rf "$INGEST_CLUSTER_DIR"
  INGEST_SERVER="$FAILPOINTS_BIN" INGEST_FAILPOINTS=sink_discard INGEST_CLUSTER_DSN="$dsn" \
    INGEST_CLUSTER_PORT="$(bench_free_port)" scripts/cluster.sh start 1 >"$BENCH_WORK/cluster-start.log" 2>&1 ||
    { cat "$BENCH_WORK/cluster-start.log" >&2; exit 1; }
  front="$(sed -n 's/^ *bind \([^ ]*\) .*/\1/p' "$INGEST_CLUSTER_DIR/haproxy.cfg")"
  for target in "$(sed -n 's/^ingest=//p' "$INGEST_CLUSTER_DIR/server-1/ready")" "$front"; do
    h0="$(cpu_ticks "$(cat "$INGEST_CLUSTER_DIR/haproxy.pid")")" start=$(bench_now)
    "$BUILD/generator-client/event-generator" --target "$target" --producers "$PRODUCERS" --events 5000 \
      --batches $((per_producer * 4)) --interval 0 --json --log-level warn >"$BENCH_WORK/gen.json" ||
      { echo "bench: event-generator failed on the ingest path ($target)" >&2; exit 1; }
    secs="$(bench_secs "$start")"
    IP_HAPROXY="$(bench_json "$BENCH_WORK/gen.json" events_per_s)"
    IP_HAPROXY="${IP_HAPROXY%.*}"
    [[ "$target" == "$front" ]] || IP_DIRECT="$IP_HAPROXY"
  done
  IP_HAPROXY_CORES="$(cores $(($(cpu_ticks "$(cat "$INGEST_CLUSTER_DIR/haproxy.pid")") - h0)) "$secs")"
  INGEST_CLUSTER_DSN="$dsn" scripts/cluster.sh stop >"$BENCH_WORK/cluster-stop.log" 2>&1
  bench_drop_db "$dsn"
}

echo "cluster: $total events ($PRODUCERS producers x $per_producer batches of 5000), $ROUNDS rounds of:"
echo "  ${CONFIGS[*]/%/ server(s)}; raw_sink before each round"
header="date,commit,round,config,servers,balancer,events,producers,seconds,events_per_s,raw_rows_per_s,ratio,pg_cores,servers_cores,haproxy_cores,generator_cores,machine_cores"
date="$(date -u +%FT%TZ)" commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
declare -A rates ratios
for ((round = 1; round <= ROUNDS; round++)); do
  # bench_raw_baseline's steps, with a database per round.
  [[ -s "$BENCH_WORK/events.csv" ]] || bench_csv_events "$total" 7 "$BENCH_WORK/events.csv"
  dsn="$(bench_db "raw_r$round" schema)"
  RAW_SECS="$(bench_raw_sink "$dsn" "$BENCH_WORK/events.csv" 50000)"
  RAW_RATE="$(bench_div "$total" "$RAW_SECS" 0)"
  bench_drop_db "$dsn"
  echo "round $round: raw_sink $RAW_RATE rows/s ($RAW_SECS s)"
  for config in "${CONFIGS[@]}"; do
    read -r kind n <<<"$config"
    run_config "$kind" "$n"
    ratio="$(bench_div "$RATE" "$RAW_RATE" 2)"
    read -r c_pg c_srv c_ha c_gen c_all <<<"$CPU"
    echo "  $kind $n: $RATE events/s ($SECS s) = $ratio × raw_sink; cores busy: PostgreSQL $c_pg, servers $c_srv, HAProxy $c_ha, generator $c_gen; the machine $c_all of $(nproc)"
    rates[$kind-$n]+=" $RATE" ratios[$kind-$n]+=" $ratio"
    bench_csv_append bench/results/cluster.csv "$header" \
      "$date,$commit,$round,$kind-$n,$n,$kind,$total,$PRODUCERS,$SECS,$RATE,$RAW_RATE,$ratio,$c_pg,$c_srv,$c_ha,$c_gen,$c_all"
  done
  [[ -x "$FAILPOINTS_BIN" ]] || continue
  ingest_path
  ratio="$(bench_div "$IP_HAPROXY" "$IP_DIRECT" 2)"
  echo "  ingest path (no PostgreSQL): direct $IP_DIRECT events/s acked, through HAProxy $IP_HAPROXY = $ratio × direct; HAProxy $IP_HAPROXY_CORES cores"
  rates[ingest_path-haproxy-1]+=" $IP_HAPROXY" ratios[ingest_path-haproxy-1]+=" $ratio"
  bench_csv_append bench/results/cluster.csv "$header" \
    "$date,$commit,$round,ingest_path-direct-1,1,direct,$((total * 4)),$PRODUCERS,,$IP_DIRECT,,1.00,,,,,"
  bench_csv_append bench/results/cluster.csv "$header" \
    "$date,$commit,$round,ingest_path-haproxy-1,1,haproxy,$((total * 4)),$PRODUCERS,,$IP_HAPROXY,,$ratio,,,$IP_HAPROXY_CORES,,"
done
# mean DIGITS VALUE...
mean() {
  local digits="$1"
  shift
  printf '%s\n' "$@" | awk -v p="$digits" '{ s += $1 } END { printf("%." p "f\n", s / NR) }'
}
for config in "${CONFIGS[@]}"; do
  read -r kind n <<<"$config"
  # shellcheck disable=SC2086 # the runs: one word each
  echo "cluster: $kind-$n $(mean 0 ${rates[$kind-$n]}) events/s = $(mean 2 ${ratios[$kind-$n]}) × raw_sink"
done
if [[ -n "${rates[ingest_path-haproxy-1]:-}" ]]; then
  # shellcheck disable=SC2086 # the runs: one word each
  echo "cluster: ingest path through HAProxy $(mean 0 ${rates[ingest_path-haproxy-1]}) events/s acked = $(mean 2 ${ratios[ingest_path-haproxy-1]}) × direct"
fi
