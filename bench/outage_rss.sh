#!/usr/bin/env bash
# A long PostgreSQL outage under steady load: does the server keep acking, keep its memory
# bounded, and drain the backlog once PostgreSQL is back?
#
#   bench/outage_rss.sh [OUTAGE_SECONDS (300)] [RATE events/s (20000)]
#
# Needs a built tree (INGEST_BUILD_DIR, default build) and the local cluster (scripts/pg.sh
# start). PostgreSQL stays up for everyone else: the server reaches it through a TCP relay on
# loopback (tests/e2e/tcp_proxy.py), and the outage is the relay being stopped.
# Writes bench/results/outage_rss.csv: one row a second with elapsed_s, phase, rss_mib,
# wal_mib, pending_batches, sink_state, acked_events (so far, from the generator's acked log).
set -euo pipefail
cd "$(dirname "$0")/.."
OUTAGE="${1:-300}"
RATE="${2:-20000}"
BUILD="${INGEST_BUILD_DIR:-build}"
PY=/usr/bin/python3
eval "$(scripts/pg.sh env)"
BENCH_DSN="$INGEST_OWNER_DSN"  # it makes its own database: the role that may
scripts/pg.sh status >/dev/null || scripts/pg.sh start >/dev/null

work="$(mktemp -d /tmp/bench-outage.XXXXXX)"
db="bench_outage_$$"
pg_port="$INGEST_PG_PORT"
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
relay_port="$(free_port)"
ingest_port="$(free_port)"
admin_port="$(free_port)"
sed "s/^\([^:]*\):$pg_port:/\1:$relay_port:/" "$PGPASSFILE" >"$work/pgpass"
cat "$PGPASSFILE" >>"$work/pgpass"
chmod 600 "$work/pgpass"
psql -X -q -d "$BENCH_DSN" -c "CREATE DATABASE $db"

relay_pid=""
relay_start() { "$PY" tests/e2e/tcp_proxy.py "$relay_port" "$pg_port" & relay_pid=$!; sleep 0.5; }
relay_stop() { kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; }
server_pid=""
gen_pid=""
cleanup() {
  [[ -z "$gen_pid" ]] || kill "$gen_pid" 2>/dev/null || true
  [[ -z "$server_pid" ]] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  relay_stop
  for _ in 1 2 3 4 5; do  # autovacuum may still be working in it
    psql -X -q -d "$BENCH_DSN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null && break
    sleep 2
  done
}
trap cleanup EXIT

relay_start
PGPASSFILE="$work/pgpass" "$BUILD/server/ingest-server" --db "$BENCH_DSN port=$relay_port dbname=$db" \
  --listen "127.0.0.1:$ingest_port" --admin-listen "127.0.0.1:$admin_port" --checkpoint-dir "$work/ckpt" \
  --ready-file "$work/ready" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 100; i++)); do [[ -s "$work/ready" ]] && break; sleep 0.1; done
[[ -s "$work/ready" ]] || { cat "$work/server.log"; echo "server did not start" >&2; exit 1; }

total=$((OUTAGE + 60))
"$BUILD/generator-client/event-generator" --target "127.0.0.1:$ingest_port" --producers 4 --rate "$RATE" \
  --events 500 --window 32 --continuous --duration "${total}s" --drain-timeout 600s --connect-timeout 120s \
  --acked-log "$work/acked.log" --json >"$work/generator.json" 2>"$work/generator.err" &
gen_pid=$!

mkdir -p bench/results
csv=bench/results/outage_rss.csv
echo "elapsed_s,phase,rss_mib,wal_mib,pending_batches,sink_state,acked_events" >"$csv"
phase=before
start=$SECONDS
sample() {
  local rss status
  rss="$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$server_pid/status")"
  status="$("$BUILD/admin-cli/ingest-admin" --target "127.0.0.1:$admin_port" status --json 2>/dev/null || echo '{}')"
  "$PY" - "$status" "$((SECONDS - start))" "$phase" "$rss" "$(wc -l <"$work/acked.log" 2>/dev/null || echo 0)" >>"$csv" <<'PYEOF'
import json, sys
d = json.loads(sys.argv[1] or "{}")
print(",".join([sys.argv[2], sys.argv[3], sys.argv[4], "%.1f" % (int(d.get("wal_bytes", 0)) / 1048576),
                str(d.get("pending_batches", 0)), d.get("sink", {}).get("state", "?"), sys.argv[5]]))
PYEOF
}
while ((SECONDS - start < 20)); do sample; sleep 1; done
phase=outage
relay_stop
echo "outage: PostgreSQL unreachable for ${OUTAGE}s"
while ((SECONDS - start < 20 + OUTAGE)); do sample; sleep 1; done
phase=after
relay_start
echo "PostgreSQL reachable again; waiting for the backlog to drain"
drain_start=$SECONDS
while kill -0 "$gen_pid" 2>/dev/null || ((SECONDS - drain_start < 30)); do
  sample
  ((SECONDS - drain_start < 900)) || { echo "backlog not drained within 900 s" >&2; break; }
  sleep 1
done
gen_rc=0
wait "$gen_pid" || gen_rc=$?
gen_pid=""
# Flush answers UNAVAILABLE after the server's --flush-timeout while the backlog still commits:
# ask again (and sample) until it is drained, at most 30 minutes.
drained=no
while ((SECONDS - drain_start < 1800)); do
  if "$BUILD/admin-cli/ingest-admin" --target "127.0.0.1:$admin_port" flush --timeout 10s >/dev/null 2>&1; then
    drained=yes
    break
  fi
  sample
done
sample
drain_seconds=$((SECONDS - drain_start))
acked="$(sort -u "$work/acked.log" | wc -l)"
rows="$(psql -X -qtA -d "$BENCH_DSN dbname=$db" -c 'SELECT count(*) FROM user_events')"
max_rss="$(awk -F, 'NR > 1 && $3 > m {m = $3} END {print m}' "$csv")"
outage_acked="$(awk -F, '$2 == "outage" {last = $7; if (!first) first = $7} END {print last - first}' "$csv")"
echo "generator exit $gen_rc: $(cat "$work/generator.json")"
echo "max RSS ${max_rss} MiB; events acked during the outage: $outage_acked; backlog drained: $drained" \
  "(${drain_seconds} s after PostgreSQL returned); acked $acked, rows $rows"
echo "samples: $csv"
