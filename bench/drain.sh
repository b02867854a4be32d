#!/usr/bin/env bash
# drain: after a PostgreSQL outage under steady load, how fast does the server work off its
# backlog while the load goes on? As events/s and as a ratio to raw_sink (one psql session
# loading as many rows as the backlog, the server's statements, 100,000 rows a transaction like
# the server's largest micro-batch) measured in the same run, right after.
#
#   bench/drain.sh [OUTAGE_SECONDS (300)] [RATE events/s (20000)] [PRODUCERS (4)]
#
# PRODUCERS producers send RATE events/s in all (batches of 500) to a server with default
# settings (10 s trigger) from start to end. PostgreSQL stays up for everyone else: the server
# reaches it through a TCP relay on loopback (tests/e2e/tcp_proxy.py, as bench/outage_rss.sh), and
# the outage is the relay stopped after 20 s of load, for OUTAGE_SECONDS. Producers keep being acked
# from the server's log meanwhile.
#
# At t0 the relay is started again. Counts come from `ingest-admin status` (received, committed:
# one snapshot each), sampled about every second (a sample takes a fraction of one):
# - backlog B = received - committed at t0: the sealed micro-batches waiting plus the open window;
# - caught up at t1: the first sample with no micro-batch waiting (pending_batches 0), only the
#   open window left, as in steady state; t1 is that status's last_commit_time, the commit that
#   emptied the queue (the server's clock_timestamp() before COMMIT). Drain time T = t1 - t0; it
#   includes the server noticing that PostgreSQL is back (its retry backoff), printed apart as
#   "first commit after".
# - net drain rate = (C - A) / T, C = events committed and A = events received between the two
#   snapshots: how fast the amount not yet committed shrank while the load went on. It equals
#   (B - W) / T, W the open window at t1. A counts arrivals up to the sample (a second or two
#   after t1), so the net rate errs low by about RATE × 2 s / T at most.
# - gross = C / T: the sink's write rate, arrivals included.
# Also printed: when every event received before t0 was committed (micro-batches commit in
# order): FIFO, the sink first works off the old backlog while new batches queue behind it.
# The issue's target: net >= 0.8 × raw_sink.
#
# Writes bench/results/drain_series.csv (replaced each run): one row a sample with elapsed_s,
# phase (before, outage, drain, after), received, committed, backlog (received - committed),
# pending_batches, window_events, wal_mib, sink_state, rss_mib. Appends one row to
# bench/results/drain.csv. Exits 1 if the backlog is not gone within max(600, 6 × OUTAGE) s, or if
# the rows in user_events are not the events acked.
# Last line: "drain: net N events/s = X × raw_sink (R rows/s); backlog B events, caught up in T s
# after a O s outage at RATE events/s; gross G events/s = Y × raw_sink".
source "$(dirname "$0")/lib.sh"
OUTAGE="${1:-300}"
RATE="${2:-20000}"
PRODUCERS="${3:-4}"
WARMUP=20
DRAIN_MAX=$((OUTAGE * 6 > 600 ? OUTAGE * 6 : 600))
GEN="$BUILD/generator-client/event-generator"
SERIES=bench/results/drain_series.csv

gen_pid=""
drain_cleanup() {
  [[ -z "$gen_pid" ]] || { kill "$gen_pid" 2>/dev/null || true; wait "$gen_pid" 2>/dev/null || true; }
  bench_stop_server
  bench_relay_down
}
trap 'drain_cleanup; bench_cleanup' EXIT

dsn="$(bench_db drain)"
bench_relay_init
bench_relay_up
bench_start_server "$dsn port=$BENCH_RELAY_PORT"
"$GEN" --target "$BENCH_INGEST" --producers "$PRODUCERS" --rate "$RATE" --events 500 --window 32 --continuous \
  --duration "$((WARMUP + OUTAGE + DRAIN_MAX + 60))s" --drain-timeout 600s --connect-timeout 120s --json \
  --log-level warn >"$BENCH_WORK/gen.json" 2>"$BENCH_WORK/gen.err" &
gen_pid=$!

mkdir -p bench/results
echo "elapsed_s,phase,received,committed,backlog,pending_batches,window_events,wal_mib,sink_state,rss_mib" >"$SERIES"
phase=before
start=$(bench_now)
# sample: one row of the series; leaves the status in $BENCH_WORK/status.json.
sample() {
  bench_status_json "$BENCH_WORK/status.json"
  "$PY" - "$BENCH_WORK/status.json" "$start" "$phase" "$(bench_proc_kib "$BENCH_SERVER_PID" VmRSS)" >>"$SERIES" <<'PYEOF'
import json, sys, time
d = json.load(open(sys.argv[1]))
t = d.get("totals", {})
received, committed = int(t.get("received", 0)), int(t.get("committed", 0))
print(",".join(str(x) for x in ["%.2f" % (time.time() - float(sys.argv[2])), sys.argv[3], received, committed,
                                received - committed, d.get("pending_batches", 0),
                                d.get("open_window", {}).get("events", 0),
                                "%.1f" % (int(d.get("wal_bytes", 0)) / 1048576),
                                d.get("sink", {}).get("state", "?"), "%.1f" % (int(sys.argv[4]) / 1024)]))
PYEOF
}
# status_field EXPR: EXPR of the last status (d), e.g. d["totals"]["received"].
status_field() { "$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$BENCH_WORK/status.json"; }

for ((s = 0; s < WARMUP && $(date +%s) < ${start%.*} + WARMUP; s++)); do sample; sleep 1; done
phase=outage
bench_relay_down
echo "outage: PostgreSQL unreachable for ${OUTAGE}s while $PRODUCERS producers send $RATE events/s"
outage_end=$(($(date +%s) + OUTAGE))
while (($(date +%s) < outage_end)); do sample; sleep 1; done
sample
received_t0="$(status_field 'd["totals"]["received"]')"
committed_t0="$(status_field 'd["totals"]["committed"]')"
t0=$(bench_now)
bench_relay_up
phase=drain
echo "PostgreSQL reachable again; $received_t0 events received so far"

# Wait (bounded) until the server has caught up: no sealed micro-batch waiting (only the open
# window, as in steady state). The status of that moment is kept for the counts.
drained=no
drain_deadline=$(($(date +%s) + DRAIN_MAX))
while (($(date +%s) < drain_deadline)); do
  sample
  if [[ "$(status_field '"totals" in d and int(d.get("pending_batches", 0)) == 0')" == True ]]; then
    kill -0 "$gen_pid" 2>/dev/null || { echo "bench: the load stopped before the backlog was gone" >&2; exit 1; }
    drained=yes
    cp "$BENCH_WORK/status.json" "$BENCH_WORK/status-t1.json"
    break
  fi
  sleep 1
done
phase=after
for ((s = 0; s < 15; s++)); do sample; sleep 1; done
kill -TERM "$gen_pid" 2>/dev/null || true
gen_rc=0
wait "$gen_pid" || gen_rc=$?
gen_pid=""
"$BUILD/admin-cli/ingest-admin" --target "$BENCH_ADMIN" flush --timeout 600s >/dev/null || true
sample
bench_stop_server
[[ $drained == yes ]] || { echo "bench: backlog not drained within ${DRAIN_MAX}s" >&2; exit 1; }
rows="$(psql -X -qtA -d "$dsn" -c 'SELECT count(*) FROM user_events')"
acked="$(bench_json "$BENCH_WORK/gen.json" events_accepted)"
echo "generator (exit $gen_rc): $(cat "$BENCH_WORK/gen.json")"
[[ "$rows" == "$acked" ]] || { echo "bench: $rows rows in user_events, $acked events acked" >&2; exit 1; }

# t0 = $t0 (this script's clock), t1 = the last commit before the caught-up status (the server's
# clock_timestamp() in ingest_batches); counts from the two statuses, each one snapshot.
# Also from ingest_batches: the first commit after t0, and the commit that made every event
# received before t0 visible.
IFS=, read -r first_after old_done < <(psql -X -qtA -F, -d "$dsn" <<SQL
WITH b AS (SELECT extract(epoch FROM committed_at)::float8 AS at, sum(events) OVER (ORDER BY batch_id) AS upto
           FROM ingest_batches)
SELECT (SELECT min(at) FROM b WHERE at >= $t0), (SELECT min(at) FROM b WHERE upto >= $received_t0);
SQL
)
read -r t1 received_t1 committed_t1 < <("$PY" - "$BENCH_WORK/status-t1.json" <<'PYEOF'
import datetime, json, sys
d = json.load(open(sys.argv[1]))
t = datetime.datetime.fromisoformat(d["last_commit_time"].replace("Z", "+00:00")).timestamp()
print(f"{t:.6f}", d["totals"]["received"], d["totals"]["committed"])
PYEOF
)
backlog=$((received_t0 - committed_t0))
committed_during=$((committed_t1 - committed_t0))
arrived_during=$((received_t1 - received_t0))
left_t1=$((received_t1 - committed_t1))
secs_between() { "$PY" -c 'import sys; print(f"{float(sys.argv[1]) - float(sys.argv[2]):.2f}")' "$1" "$2"; }
drain_s="$(secs_between "$t1" "$t0")"
first_s="$(secs_between "$first_after" "$t0")"
old_s="$(secs_between "$old_done" "$t0")"
net="$(bench_div "$((committed_during - arrived_during))" "$drain_s" 0)"
gross="$(bench_div "$committed_during" "$drain_s" 0)"
max_pending="$(awk -F, 'NR > 1 && $6 > m {m = $6} END {print m + 0}' "$SERIES")"
max_wal="$(awk -F, 'NR > 1 && $8 > m {m = $8} END {print m + 0}' "$SERIES")"
max_rss="$(awk -F, 'NR > 1 && $10 > m {m = $10} END {print m + 0}' "$SERIES")"
echo "server: backlog $backlog events when PostgreSQL returned (at most $max_pending micro-batches waiting, log" \
  "$max_wal MiB, RSS ≤ $max_rss MiB); first commit after $first_s s; the backlog's events all committed after" \
  "$old_s s; caught up (no batch waiting) after $drain_s s: $committed_during events committed, $arrived_during" \
  "arrived, $left_t1 in the open window"

raw_events=$(((backlog + 4999) / 5000 * 5000))
bench_raw_baseline "$raw_events" 100000
raw_secs="$RAW_SECS" raw_rate="$RAW_RATE"
echo "raw_sink: $raw_events rows in $raw_secs s = $raw_rate rows/s"
net_ratio="$(bench_div "$net" "$raw_rate" 2)"
gross_ratio="$(bench_div "$gross" "$raw_rate" 2)"
bench_csv_append bench/results/drain.csv \
  "date,outage_s,rate,producers,backlog_events,drain_s,first_commit_s,backlog_committed_s,committed_during_drain,arrived_during_drain,open_window_at_end,net_events_per_s,gross_events_per_s,raw_rows,raw_s,raw_rows_per_s,net_ratio,gross_ratio,max_pending_batches,max_wal_mib,max_rss_mib" \
  "$(date -u +%FT%TZ),$OUTAGE,$RATE,$PRODUCERS,$backlog,$drain_s,$first_s,$old_s,$committed_during,$arrived_during,$left_t1,$net,$gross,$raw_events,$raw_secs,$raw_rate,$net_ratio,$gross_ratio,$max_pending,$max_wal,$max_rss"
echo "samples: $SERIES"
echo "drain: net $net events/s = $net_ratio × raw_sink ($raw_rate rows/s); backlog $backlog events, caught up in $drain_s s" \
  "after a ${OUTAGE} s outage at $RATE events/s; gross $gross events/s = $gross_ratio × raw_sink"
