#!/usr/bin/env bash
# Crash faults under load from three producers, with acks from the write-ahead log
# (--ack=durable):
#   - `kill -9` of the server at random moments, E2E_KILL_CYCLES times (default 5 here; the 20 of
#     docs/reliability.md: `E2E_KILL_CYCLES=20 scripts/test.sh -R fault_kill9`);
#   - the server dying between offsets/N and the database commit (failpoint after_offsets_write);
#   - the server dying between the commit and commits/N (failpoint before_commit_marker).
# The oracle: every acked event_id is a row of user_events, exactly once.
source "$(dirname "$0")/lib.sh"

CYCLES="${E2E_KILL_CYCLES:-5}"
((CYCLES >= 1 && CYCLES <= 200)) || e2e_fail "E2E_KILL_CYCLES must be 1..200, got $CYCLES"
E2E_LISTEN="127.0.0.1:$(e2e_free_port)"
E2E_ADMIN_LISTEN="127.0.0.1:$(e2e_free_port)"
# The generators must outlast the kill cycles and both failpoint phases (each a drain, a start
# with recovery and a crash at the 2nd batch write): on a loaded machine those took over 35 s,
# and a failpoint phase without producers never reaches its batch.
RUN_SECONDS=$((CYCLES * 3 + 45))

e2e_create_db
e2e_start_server --ack durable --wal-segment-bytes 1MiB

e2e_log "starting 3 generators for ${RUN_SECONDS}s"
pids=()
for i in 1 2 3; do
  timeout -k 5 $((RUN_SECONDS + 180)) "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" \
    --continuous --duration "${RUN_SECONDS}s" --events 100 --interval 0.02 --window 16 \
    --connect-timeout 60s --drain-timeout 120s --acked-log "$E2E_TMP/acked-$i.log" --json \
    >"$E2E_TMP/generator-$i.json" 2>"$E2E_TMP/generator-$i.err" &
  pids+=($!)
done

kills=0
restarts=0
kill_now() {
  kill -KILL "$E2E_SERVER_PID" 2>/dev/null || true
  wait "$E2E_SERVER_PID" 2>/dev/null || true
  E2E_SERVER_PID=""
  kills=$((kills + 1))
}
for ((c = 1; c <= CYCLES; c++)); do
  sleep "0.$((RANDOM % 9 + 1))"
  sleep $((RANDOM % 2 + 1))
  kill_now
  e2e_start_server --ack durable --wal-segment-bytes 1MiB >/dev/null
  restarts=$((restarts + 1))
done
e2e_log "ok: $kills kill -9 cycles survived"

# Each failpoint makes the server die by itself at its 2nd batch write.
for fp in after_offsets_write before_commit_marker; do
  e2e_stop_server
  e2e_start_server_failing "$fp=crash@2" --ack durable --wal-segment-bytes 1MiB >/dev/null
  restarts=$((restarts + 1))
  for ((i = 0; i < 300; i++)); do
    e2e_server_alive || break
    sleep 0.1
  done
  e2e_server_alive && e2e_fail "the server did not reach failpoint $fp within 30s"
  wait "$E2E_SERVER_PID" 2>/dev/null || true
  E2E_SERVER_PID=""
  kills=$((kills + 1))
  e2e_log "ok: the server died at failpoint $fp"
  e2e_start_server --ack durable --wal-segment-bytes 1MiB >/dev/null
  restarts=$((restarts + 1))
done

for i in 1 2 3; do
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 20 "$E2E_TMP/generator-$i.err" >&2
    e2e_fail "generator $i exited with $rc (stderr above)"
  fi
done
e2e_admin flush --timeout 120s >/dev/null || e2e_fail "ingest-admin flush failed after the faults"
grep -q "recovery: batch .* has offsets but no commit" "$E2E_TMP/server.log" ||
  e2e_fail "no restart replayed a batch with offsets and no commit (expected after after_offsets_write)"

e2e_assert_acked_stored_once "kills $kills, restarts $restarts"
e2e_log "PASS"
