#!/usr/bin/env bash
# The log budget: while the database is unreachable, producers are acked from the log until it
# reaches --wal-max-bytes; then the server stops reading the streams (HTTP/2 flow control holds
# the producer back, nothing is refused or lost), acks stop growing, and `ingest-admin status`
# shows intake 'throttling' with the waiting streams. Once the database is back the backlog
# commits, log space is freed, the streams resume, and every acked event is stored exactly once.
# The server reaches PostgreSQL through a TCP relay of this test's own (tcp_proxy.py): stopping
# the relay is the outage, so other tests sharing the cluster are not disturbed.
source "$(dirname "$0")/lib.sh"

e2e_relay_init
e2e_create_db
e2e_relay_start
E2E_DSN="$E2E_DSN port=$E2E_RELAY_PORT" PGPASSFILE="$E2E_TMP/pgpass" \
  e2e_start_server --ack durable --wal-segment-bytes 1MiB --wal-max-bytes 6MiB

timeout -k 5 240 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --continuous --duration 30s --events 200 \
  --interval 0.02 --connect-timeout 60s --drain-timeout 120s --acked-log "$E2E_TMP/acked.log" --json \
  >"$E2E_TMP/generator.json" 2>"$E2E_TMP/generator.err" &
gen=$!
sleep 2  # the producer's state is loaded from the database on its first batch

e2e_log "cutting the server off from PostgreSQL"
e2e_relay_stop
acked_at_block="$(wc -l <"$E2E_TMP/acked.log")"
throttling=no
for ((i = 0; i < 600; i++)); do
  if e2e_admin status --json >"$E2E_TMP/status.json" 2>/dev/null &&
    [[ "$(e2e_json "$E2E_TMP/status.json" 'd["intake_mode"]')" == throttling ]]; then
    throttling=yes
    break
  fi
  sleep 0.1
done
[[ $throttling == yes ]] || e2e_fail "intake never became 'throttling' with the log over its budget"
acked_while_down="$(wc -l <"$E2E_TMP/acked.log")"
((acked_while_down > acked_at_block)) || e2e_fail "nothing was acked from the log while the database was unreachable"
e2e_log "ok: acked from the log while the database was down ($((acked_while_down - acked_at_block)) events), then throttling: $(e2e_json "$E2E_TMP/status.json" 'd["intake_reason"]')"
sleep 1  # acks of batches read before the pause may still arrive
acked_paused="$(wc -l <"$E2E_TMP/acked.log")"
sleep 3
e2e_assert_eq "$acked_paused" "$(wc -l <"$E2E_TMP/acked.log")" "events acked while the stream was paused for the log budget"
e2e_admin status --json >"$E2E_TMP/status.json"
e2e_assert_eq throttling "$(e2e_json "$E2E_TMP/status.json" 'd["intake_mode"]')" "intake mode while the log is over its budget"
METRICS=("$E2E_PYTHON" "$(dirname "$0")/metrics_check.py")
"${METRICS[@]}" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/metrics.txt"
for series in 'ingest_intake_state{state="throttling"}' 'ingest_sink_state{state="retrying"}' \
  'ingest_streams_waiting_for_log'; do
  e2e_assert_eq 1 "$("${METRICS[@]}" value "$E2E_TMP/metrics.txt" "$series")" "$series while the log is over its budget"
done
wal="$("${METRICS[@]}" value "$E2E_TMP/metrics.txt" ingest_wal_bytes)"
budget="$("${METRICS[@]}" value "$E2E_TMP/metrics.txt" ingest_wal_max_bytes)"
((wal > budget)) || e2e_fail "ingest_wal_bytes $wal is not over ingest_wal_max_bytes $budget while throttling"
failures="$("${METRICS[@]}" value "$E2E_TMP/metrics.txt" ingest_sink_write_failures_total)"
((failures > 0)) || e2e_fail "ingest_sink_write_failures_total is 0 while PostgreSQL is unreachable"
e2e_log "ok: /metrics shows throttling, the sink retrying ($failures failed writes) and the log over its budget"
e2e_relay_start
e2e_log "PostgreSQL reachable again"

rc=0
wait "$gen" || rc=$?
[[ $rc -eq 0 ]] || { tail -n 5 "$E2E_TMP/generator.err" >&2; e2e_fail "generator exited $rc"; }
e2e_assert_eq 0 "$(e2e_json "$E2E_TMP/generator.json" 'd["batches_not_acked"]')" "batches sent but not acked"
e2e_admin flush --timeout 60s >/dev/null || e2e_fail "ingest-admin flush failed"
e2e_admin status --json >"$E2E_TMP/status.json"
e2e_assert_eq accepting "$(e2e_json "$E2E_TMP/status.json" 'd["intake_mode"]')" "intake mode after the backlog drained"

e2e_assert_acked_stored_once
e2e_log "PASS"
