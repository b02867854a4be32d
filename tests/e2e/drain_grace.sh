#!/usr/bin/env bash
# --drain-grace: on SIGTERM the server first answers NOT_SERVING on the gRPC health service of
# both listeners while it goes on serving (a stream open all along keeps getting acks), so a load
# balancer that checks health takes it out of rotation before its streams end; then it drains as
# without the flag, exits 0, and every event acked is stored once.
source "$(dirname "$0")/lib.sh"

GRACE=6
e2e_create_db
e2e_start_server --drain-grace "${GRACE}s"
pid="$E2E_SERVER_PID"
health() { "$INGEST_ADMIN" --target "$1" health 2>/dev/null || true; }
e2e_assert_eq SERVING "$(health "$E2E_INGEST_ADDR")" "health on the ingest listener before SIGTERM"

timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id steady --events 10 --continuous \
  --interval 100ms --acked-log "$E2E_TMP/acked-steady.log" >"$E2E_TMP/steady.out" 2>"$E2E_TMP/steady.err" &
gen=$!
e2e_on_exit "kill $gen 2>/dev/null"
e2e_wait_until 30 "the producer's first acks" test -s "$E2E_TMP/acked-steady.log"

kill -TERM "$pid"
start=$SECONDS
not_serving() { [[ "$(health "$1")" == NOT_SERVING ]]; }
e2e_wait_until 3 "NOT_SERVING on the ingest listener after SIGTERM" not_serving "$E2E_INGEST_ADDR"
e2e_assert_eq NOT_SERVING "$(health "$E2E_ADMIN_ADDR")" "health on the admin listener during the grace"
# The stream goes on: its last durable (so acked) sequence, as the server reports it, still grows.
durable() {
  "$INGEST_ADMIN" --target "$E2E_ADMIN_ADDR" producers --json |
    "$E2E_PYTHON" -c 'import json, sys; print(next(p["last_durable_sequence"] for p in json.load(sys.stdin)["producers"] if p["producer_id"] == "steady"))'
}
before="$(durable)"
sleep 1
after="$(durable)"
((SECONDS - start < GRACE)) || e2e_fail "the checks outlasted the ${GRACE}s grace; the machine is too slow for this test"
((after > before)) || e2e_fail "no batch acked during the grace (last durable sequence $before, then $after)"
e2e_log "ok: NOT_SERVING at once, and the stream went on (durable sequence $before, 1 s later $after)"

e2e_wait_server_exit
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "the server's exit code after the drain"
grep -q -- "--drain-grace" "$E2E_TMP/server.log" || e2e_fail "the log does not say the server was in its grace"
kill -TERM "$gen" 2>/dev/null || true
wait "$gen" 2>/dev/null || true
e2e_assert_acked_stored_once "after the drain"
