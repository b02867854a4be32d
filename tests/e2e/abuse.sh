#!/usr/bin/env bash
# The abuse suite (label `abuse`): each abusive client of tests/e2e/abuse.py gets the contract's
# answer (RESOURCE_EXHAUSTED naming the limit, INVALID_ARGUMENT, UNAVAILABLE for an idle stream),
# then a million one-event batches are all acked and stored; meanwhile a well-behaved producer
# streams on, the server stays up, and every event acked is stored exactly once.
# (Tokens: e2e_auth_tokens; malformed uploads in detail: e2e_upload_rules; both carry the label.)
source "$(dirname "$0")/lib.sh"

e2e_create_db
e2e_python_stubs "$E2E_TMP/stubs"
e2e_start_server --max-message-bytes 4MiB --max-request-events 1000 --max-streams-per-peer 16 --max-uploads 2 \
  --stream-idle-timeout 2s

timeout -k 5 600 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id well-behaved --events 100 --continuous \
  --rate 2000 --acked-log "$E2E_TMP/acked-good.log" >"$E2E_TMP/good.out" 2>"$E2E_TMP/good.err" &
good=$!
e2e_on_exit "kill $good 2>/dev/null"
e2e_wait_until 30 "the well-behaved producer's first acks" test -s "$E2E_TMP/acked-good.log"

acked_good() { wc -l <"$E2E_TMP/acked-good.log"; }
for kind in oversized too-many-events stream-flood slow-reader idle upload-claim upload-chunks upload-flood; do
  before="$(acked_good)"
  timeout -k 5 120 "$E2E_PYTHON" "$(dirname "$0")/abuse.py" "$E2E_TMP/stubs" "$E2E_INGEST_ADDR" "$kind" ||
    { e2e_server_log_tail; e2e_fail "abuse $kind: the answer was not the contract's (above)"; }
  e2e_server_alive || e2e_fail "the server died during abuse $kind"
  kill -0 "$good" 2>/dev/null || { cat "$E2E_TMP/good.err" >&2; e2e_fail "the well-behaved producer stopped during $kind"; }
  e2e_log "ok: the well-behaved producer went on during $kind (+$(($(acked_good) - before)) events acked)"
done

# A million one-event batches, from 4 producers at once.
timeout -k 5 600 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producers 4 --producer-id tiny --events 1 \
  --batches 250000 --interval 0 --window 256 --json --acked-log "$E2E_TMP/acked-tiny.log" \
  >"$E2E_TMP/tiny.json" 2>"$E2E_TMP/tiny.err" || { cat "$E2E_TMP/tiny.err" >&2; e2e_fail "the one-event batches failed"; }
e2e_assert_eq 1000000 "$(e2e_json "$E2E_TMP/tiny.json" 'd["batches_acked"]')" "one-event batches acked"
e2e_log "one-event batches: $(e2e_json "$E2E_TMP/tiny.json" 'round(d["events_per_s"])') batches/s"

kill -TERM "$good"
wait "$good" || true
e2e_server_alive || e2e_fail "the server died"
e2e_admin flush >/dev/null || e2e_fail "ingest-admin flush failed"
e2e_assert_acked_stored_once "after the abuse suite"

"$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/metrics.txt" ||
  e2e_fail "cannot scrape /metrics"
for reason in max_request_events max_streams_per_peer stream_idle_timeout max_upload_bytes max_uploads; do
  n="$(sed -n "s/^ingest_calls_refused_total{reason=\"$reason\"} //p" "$E2E_TMP/metrics.txt")"
  [[ -n "$n" && "${n%.*}" -ge 1 ]] || e2e_fail "ingest_calls_refused_total{reason=\"$reason\"} is '$n', expected >= 1"
done
e2e_log "ok: every refusal counted in ingest_calls_refused_total"
