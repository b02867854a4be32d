#!/usr/bin/env bash
# --max-batches-per-second (label abuse): a client over its share of batches a second is paced,
# not refused — its streams pause reading, every batch is acked and stored once, the pauses are
# counted in /metrics — and the share belongs to the client (its token), however many streams it
# opens. (That another token's budget is its own: server_call_limits_test.)
source "$(dirname "$0")/lib.sh"

FLOOD=flood-token-0123456789ab
ADMIN=admin-token-0123456789ab
printf '%s tiny-\n%s * admin\n' "$FLOOD" "$ADMIN" >"$E2E_TMP/tokens.txt"
echo "$FLOOD" >"$E2E_TMP/flood.token"
echo "$ADMIN" >"$E2E_TMP/admin.token"
RATE=50
e2e_create_db
e2e_start_server --auth-tokens "$E2E_TMP/tokens.txt" --max-batches-per-second "$RATE"

# Three streams of one token, 100 one-event batches each, as fast as their acks come back: 300
# batches over one budget of 50 a second (a second's worth at once, then 50 a second) take at
# least 5 s however fast the machine; a shorter run would mean a stream escaped the budget.
start="$(date +%s.%N)"
timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producers 3 --producer-id tiny --events 1 \
  --batches 100 --interval 0 --window 64 --token-file "$E2E_TMP/flood.token" --json \
  --acked-log "$E2E_TMP/acked-tiny.log" >"$E2E_TMP/tiny.json" 2>"$E2E_TMP/tiny.err" ||
  { cat "$E2E_TMP/tiny.err" >&2; e2e_fail "the paced producers failed"; }
elapsed="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }')"
e2e_assert_eq 300 "$(e2e_json "$E2E_TMP/tiny.json" 'd["batches_acked"]')" "paced batches acked (none refused)"
e2e_assert_eq 0 "$(e2e_json "$E2E_TMP/tiny.json" 'd["reconnects"]')" "reconnects of the paced producers"
awk -v e="$elapsed" 'BEGIN { exit !(e >= 4.5) }' ||
  e2e_fail "300 batches at --max-batches-per-second $RATE took ${elapsed}s; at least 5 s expected"
e2e_log "ok: 300 batches of one token at --max-batches-per-second $RATE took ${elapsed}s, all acked"

"$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/metrics.txt" ||
  e2e_fail "cannot scrape /metrics"
waits="$("$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" value "$E2E_TMP/metrics.txt" ingest_rate_limited_batches_total)"
awk -v n="$waits" 'BEGIN { exit !(n >= 200) }' ||
  e2e_fail "ingest_rate_limited_batches_total is $waits; the 250 batches past the first second's worth should have waited"
e2e_log "ok: ingest_rate_limited_batches_total $waits"

"$INGEST_ADMIN" --target "$E2E_ADMIN_ADDR" --token-file "$E2E_TMP/admin.token" flush >/dev/null ||
  e2e_fail "ingest-admin flush failed"
e2e_assert_acked_stored_once "paced"
