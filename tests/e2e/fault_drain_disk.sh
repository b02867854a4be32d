#!/usr/bin/env bash
# Two faults that must not lose an acked event:
#   - SIGTERM under load: the server stops intake, acks what is durable, commits its window
#     within --drain-timeout and exits 0; producers reconnect to the restarted server.
#   - No room for a new log segment (failpoint wal_enospc): producers get UNAVAILABLE, nothing
#     is acked that is not durable (what the log refused is acked only once committed), and the
#     server keeps running and serving its admin API.
#   - An fsync error of the log (failpoint wal_fsync_eio): the server logs it and exits 70 at
#     once (retrying fsync is unsafe); the restart recovers and producers resend what was not acked.
# The oracle: every acked event_id is a row of user_events, exactly once.
source "$(dirname "$0")/lib.sh"

E2E_LISTEN="127.0.0.1:$(e2e_free_port)"
E2E_ADMIN_LISTEN="127.0.0.1:$(e2e_free_port)"
SERVER_OPTS=(--ack durable --wal-segment-bytes 1MiB --drain-timeout 30s)

e2e_create_db
e2e_start_server "${SERVER_OPTS[@]}"

# 1. SIGTERM while three producers stream.
pids=()
for i in 1 2 3; do
  timeout -k 5 200 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --continuous --duration 15s \
    --events 100 --interval 0.02 --connect-timeout 60s --drain-timeout 60s \
    --acked-log "$E2E_TMP/acked-drain-$i.log" --json >"$E2E_TMP/drain-$i.json" 2>"$E2E_TMP/drain-$i.err" &
  pids+=($!)
done
sleep 5
started=$SECONDS
e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "ingest-server exit code after SIGTERM under load"
((SECONDS - started <= 35)) || e2e_fail "the drain took $((SECONDS - started))s, over --drain-timeout 30s"
grep -q "received SIGTERM, draining" "$E2E_TMP/server.log" || e2e_fail "no drain line in the server log"
e2e_log "ok: drained and exited 0 in $((SECONDS - started))s"
e2e_start_server "${SERVER_OPTS[@]}"
for i in 1 2 3; do
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  [[ $rc -eq 0 ]] || { tail -n 5 "$E2E_TMP/drain-$i.err" >&2; e2e_fail "generator $i exited $rc after the drain"; }
done
e2e_log "ok: every generator got all its acks across the drain and restart"

# 2. The log cannot get a new segment.
e2e_stop_server
e2e_start_server_failing wal_enospc "${SERVER_OPTS[@]}"
rc=0
timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --continuous --duration 6s --events 200 \
  --interval 0.01 --drain-timeout 5s --acked-log "$E2E_TMP/acked-disk.log" --json \
  >"$E2E_TMP/disk.json" 2>"$E2E_TMP/disk.err" || rc=$?
# Refused batches stay in the window and commit; a resend is then acked from the commit. So the
# generator may end with every batch acked (0) or not (1), but it must have been refused.
[[ $rc -le 1 ]] || e2e_fail "generator exit code $rc while the log has no room"
reconnects="$(e2e_json "$E2E_TMP/disk.json" 'd["reconnects"]')"
((reconnects > 0)) || e2e_fail "no producer was refused (0 reconnects) while the log had no room"
grep -q "no room for a new log segment" "$E2E_TMP/server.log" ||
  e2e_fail "the server log does not say the log had no room"
e2e_server_alive || e2e_fail "ingest-server died when the disk was full"
e2e_admin health >/dev/null || e2e_fail "ingest-admin health is not SERVING while the disk is full"
e2e_admin status --json >"$E2E_TMP/disk-status.json"
e2e_assert_eq refusing "$(e2e_json "$E2E_TMP/disk-status.json" 'd["intake_mode"]')" "intake mode while the disk is full"
grep -q "no room for a new log segment" <<<"$(e2e_json "$E2E_TMP/disk-status.json" 'd["intake_reason"]')" ||
  e2e_fail "the intake reason does not say why: $(e2e_json "$E2E_TMP/disk-status.json" 'd["intake_reason"]')"
"$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/disk-metrics.txt"
e2e_assert_eq 1 "$("$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" value "$E2E_TMP/disk-metrics.txt" \
  'ingest_intake_state{state="refusing"}')" "ingest_intake_state{state=\"refusing\"} while the disk is full"
e2e_log "ok: producers were refused ($reconnects reconnects), the server kept running"
e2e_stop_server

# 3. fsync of the log fails (EIO) under load, from the 100th sync on.
e2e_start_server_failing wal_fsync_eio@100 "${SERVER_OPTS[@]}"
timeout -k 5 200 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --continuous --duration 10s --events 100 \
  --interval 0.01 --connect-timeout 60s --drain-timeout 60s --acked-log "$E2E_TMP/acked-fsync.log" --json \
  >"$E2E_TMP/fsync.json" 2>"$E2E_TMP/fsync.err" &
gen=$!
for ((i = 0; i < 600; i++)); do e2e_server_alive || break; sleep 0.1; done
e2e_server_alive && e2e_fail "ingest-server kept running after an fsync error of its log"
rc=0
wait "$E2E_SERVER_PID" || rc=$?
E2E_SERVER_PID=""
e2e_assert_eq 70 "$rc" "ingest-server exit code after an fsync error"
grep -q "failpoint wal_fsync_eio.* failed: .*the process exits with status 70" "$E2E_TMP/server.log" ||
  e2e_fail "the server log does not explain the fsync error and the exit"
e2e_log "ok: the fsync error ended the server with status 70"
e2e_start_server "${SERVER_OPTS[@]}"
rc=0
wait "$gen" || rc=$?
[[ $rc -eq 0 ]] || { tail -n 5 "$E2E_TMP/fsync.err" >&2; e2e_fail "generator exited $rc after the restart"; }
e2e_admin flush --timeout 60s >/dev/null || e2e_fail "ingest-admin flush failed after the faults"

e2e_assert_acked_stored_once
e2e_log "PASS"
