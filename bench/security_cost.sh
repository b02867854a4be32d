#!/usr/bin/env bash
# security_cost: what TLS, client certificates (mTLS) and bearer tokens cost in throughput. The
# same end-to-end measurement as bench/end_to_end.sh (bench_e2e_stream: generators -> server ->
# committed rows, until a flush returns) run plaintext without tokens and with --tls-cert,
# --tls-key, --tls-client-ca and --auth-tokens (every client with --tls-ca, --tls-cert, --tls-key
# and --token-file), alternating in one run: plaintext, secure, plaintext, secure, ...
#
#   bench/security_cost.sh [EVENTS (1000000)] [PRODUCERS (8)] [PAIRS (2)] [SERVER OPTION...]
#
# Certificates come from scripts/make-certs.sh, the token file holds one admin token with the
# prefix `*` (ingest-admin flush then works on the TCP admin listener). Each measurement gets a
# fresh database, dropped right after. When the test build ingest-server-failpoints exists, the
# ingest path alone is measured the same way (sink_discard: micro-batches dropped as if
# committed, so PostgreSQL is out; events/s acked by the generators), which is where TLS and
# tokens weigh most. Compared: the means of the PAIRS runs of each kind.
# Last line: "security_cost: plaintext X ev/s, TLS+tokens Y ev/s = R × plaintext" (end to end).
# Appends one row per path (end_to_end, ingest_path) to bench/results/security_cost.csv.
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-1000000}"
PRODUCERS="${2:-8}"
PAIRS="${3:-2}"
shift $(($# < 3 ? $# : 3))
SERVER_OPTIONS=("$@")
per_producer=$((EVENTS / PRODUCERS / 5000))
total=$((per_producer * 5000 * PRODUCERS))
FAILPOINTS_BIN="$BUILD/tests/testing/ingest-server-failpoints"

certs="$BENCH_WORK/certs"
scripts/make-certs.sh "$certs" >/dev/null
token="bench-$("$PY" -c 'import secrets; print(secrets.token_hex(12))')"
echo "$token * admin" >"$BENCH_WORK/tokens.txt"
echo "$token" >"$BENCH_WORK/token"
SECURE_SERVER=(--tls-cert "$certs/server.pem" --tls-key "$certs/server.key" --tls-client-ca "$certs/ca.pem"
  --auth-tokens "$BENCH_WORK/tokens.txt")
SECURE_CLIENT=(--tls-ca "$certs/ca.pem" --tls-cert "$certs/client.pem" --tls-key "$certs/client.key"
  --token-file "$BENCH_WORK/token")

# sc_mode MODE: the client options of MODE (plaintext or secure) into BENCH_CLIENT_OPTS and its
# server options into MODE_SERVER.
sc_mode() {
  if [[ "$1" == secure ]]; then
    BENCH_CLIENT_OPTS=("${SECURE_CLIENT[@]}") MODE_SERVER=("${SECURE_SERVER[@]}")
  else
    BENCH_CLIENT_OPTS=() MODE_SERVER=()
  fi
}

# sc_ingest_path MODE: events/s acked through ingest-server-failpoints with sink_discard (killed
# afterwards, not drained), into IP_RATE.
sc_ingest_path() {
  local dsn
  dsn="$(bench_db sc_ip)"
  INGEST_BENCH_SERVER_BIN="$FAILPOINTS_BIN" INGEST_FAILPOINTS=sink_discard \
    bench_start_server "$dsn" --drain-timeout 1s "${MODE_SERVER[@]}" "${SERVER_OPTIONS[@]}"
  "$BUILD/generator-client/event-generator" --target "$BENCH_INGEST" "${BENCH_CLIENT_OPTS[@]}" \
    --producers "$PRODUCERS" --events 5000 --batches "$per_producer" --interval 0 --json --log-level warn \
    >"$BENCH_WORK/gen.json" || { echo "bench: event-generator failed against the ingest path ($1)" >&2; exit 1; }
  kill -9 "$BENCH_SERVER_PID" 2>/dev/null || true
  bench_stop_server
  bench_drop_db "$dsn"
  IP_RATE="$(bench_json "$BENCH_WORK/gen.json" events_per_s)"
  IP_RATE="${IP_RATE%.*}"
}

mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.0f\n", s / NR }'; }

echo "security_cost: $PAIRS pairs of $total events ($PRODUCERS producers x $per_producer batches of 5000),"
echo "  plaintext without tokens against TLS + client certificates + tokens, alternating${SERVER_OPTIONS[*]:+; server options ${SERVER_OPTIONS[*]}}"
declare -A e2e ip
ip_path=1
if [[ ! -x "$FAILPOINTS_BIN" ]]; then
  ip_path=0
  echo "  ($FAILPOINTS_BIN is missing: the ingest path alone is skipped)"
fi
for ((pair = 1; pair <= PAIRS; pair++)); do
  for mode in plaintext secure; do
    sc_mode "$mode"
    dsn="$(bench_db sc_e2e)"
    bench_e2e_stream "$dsn" "$PRODUCERS" "$per_producer" "${MODE_SERVER[@]}" "${SERVER_OPTIONS[@]}"
    bench_drop_db "$dsn"
    e2e[$mode]+=" $E2E_RATE"
    line="  pair $pair, $mode: end to end $E2E_RATE events/s ($E2E_SECS s)"
    if ((ip_path)); then
      sc_ingest_path "$mode"
      ip[$mode]+=" $IP_RATE"
      line+=", ingest path $IP_RATE events/s acked"
    fi
    echo "$line"
  done
done
BENCH_CLIENT_OPTS=()

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
date="$(date -u +%FT%TZ)"
header="date,commit,path,events,producers,pairs,server_options,plaintext_events_per_s,secure_events_per_s,ratio,plaintext_runs,secure_runs"
# sc_report PATH RUNS_PLAIN RUNS_SECURE: the means, their ratio, a CSV row; sets RATIO, PLAIN, SECURE.
sc_report() {
  # shellcheck disable=SC2086 # the runs: one word each
  PLAIN="$(mean $2)" SECURE="$(mean $3)"
  RATIO="$(bench_div "$SECURE" "$PLAIN" 2)"
  bench_csv_append bench/results/security_cost.csv "$header" \
    "$date,$commit,$1,$total,$PRODUCERS,$PAIRS,\"${SERVER_OPTIONS[*]}\",$PLAIN,$SECURE,$RATIO,${2# },${3# }"
}
if ((ip_path)); then
  sc_report ingest_path "${ip[plaintext]}" "${ip[secure]}"
  echo "ingest path: plaintext $PLAIN ev/s, TLS+tokens $SECURE ev/s = $RATIO × plaintext (acked, PostgreSQL out)"
fi
sc_report end_to_end "${e2e[plaintext]}" "${e2e[secure]}"
echo "security_cost: plaintext $PLAIN ev/s, TLS+tokens $SECURE ev/s = $RATIO × plaintext"
