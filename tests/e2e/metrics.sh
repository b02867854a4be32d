#!/usr/bin/env bash
# /metrics of a real server, scraped and parsed as Prometheus would:
#   - before any traffic: the identity, the states and zero counters are there;
#   - streamed events with invalid ones and uploaded files (good, mixed, an unusable header, a
#     duplicate) move each counter and histogram by exactly what was sent and committed;
#   - every metric docs/operations.md lists is served with its type and documented labels, and
#     nothing is served that it does not list;
#   - the totals agree with `ingest-admin status`.
source "$(dirname "$0")/lib.sh"
[[ -x "${INGEST_BRIDGE:-}" ]] || e2e_fail "INGEST_BRIDGE='${INGEST_BRIDGE:-}' is not an executable; run through ctest"
CHECK=("$E2E_PYTHON" "$(dirname "$0")/metrics_check.py")
DOC="$INGEST_SOURCE_DIR/docs/operations.md"

e2e_create_db
e2e_start_server
[[ -n "$E2E_METRICS_ADDR" ]] || e2e_fail "the ready file has no metrics= line"
n=0
# scrape: the next scrape's file in $SCRAPE.
scrape() {
  SCRAPE="$E2E_TMP/metrics.$((n += 1)).txt"
  "${CHECK[@]}" scrape "$E2E_METRICS_ADDR" "$SCRAPE" || e2e_fail "GET http://$E2E_METRICS_ADDR/metrics failed"
}
metric() { "${CHECK[@]}" value "$SCRAPE" "$1" || e2e_fail "reading $1 from $SCRAPE"; }
expect() { e2e_assert_eq "$1" "$(metric "$2")" "$2"; }

# 1. Before any traffic.
scrape
server_id="$(e2e_admin status --json | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["server_id"])')"
expect 1 "ingest_build_info{server_id=\"$server_id\",ack_mode=\"durable\"}"
expect 1 'ingest_intake_state{state="accepting"}'
expect 0 'ingest_intake_state{state="refusing"}'
expect 1 'ingest_sink_state{state="ok"}'
expect 0 'ingest_events_received_total{source="stream"}'
expect 0 'ingest_batches_committed_total'
expect 1 'ingest_trigger_seconds'
e2e_log "ok: identity, states and zero counters before traffic"

# 2. Streamed events: 6 batches of 25, about a third invalid.
timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id "metrics-$RANDOM" --events 25 \
  --batches 6 --invalid-ratio 0.3 --seed 11 --connect-timeout 30s --drain-timeout 60s --json \
  >"$E2E_TMP/gen.json" 2>"$E2E_TMP/gen.err" || e2e_fail "event-generator exited $?: $(tail -n 3 "$E2E_TMP/gen.err")"
accepted="$(e2e_json "$E2E_TMP/gen.json" 'd["events_accepted"]')"
rejected="$(e2e_json "$E2E_TMP/gen.json" 'd["events_rejected"]')"
e2e_assert_eq 150 "$((accepted + rejected))" "events acked by the generator"
((rejected > 0)) || e2e_fail "the generator's invalid events were all accepted"
e2e_admin flush --timeout 60s >/dev/null || e2e_fail "ingest-admin flush failed"
scrape
expect 150 'ingest_events_received_total{source="stream"}'
expect "$accepted" 'ingest_events_accepted_total{source="stream"}'
expect "$rejected" 'ingest_events_rejected_total{source="stream"}'
expect "$accepted" 'ingest_rows_written_total{result="inserted"}'
expect "$rejected" 'ingest_rows_written_total{result="rejected"}'
expect 150 'ingest_visibility_delay_seconds_count'
expect 150 'ingest_batch_events_sum'
expect 6 'ingest_ack_latency_seconds_count'
expect 0 'ingest_window_events'
expect 0 'ingest_batches_pending'
expect 0 'ingest_streams_active'
expect 1 'ingest_producers_known'
expect 1 'ingest_rpcs_handled_total{rpc="StreamEvents",code="OK"}'
commits="$(metric ingest_batches_committed_total)"
((commits >= 1)) || e2e_fail "ingest_batches_committed_total is $commits after a flush"
expect "$commits" 'ingest_batch_write_seconds_count'
expect "$(e2e_sql 'SELECT max(batch_id) FROM ingest_batches')" 'ingest_last_committed_batch_id'
committed_at="$(metric ingest_last_commit_timestamp_seconds)"
age=$(("$(date +%s)" - ${committed_at%.*}))
((age >= 0 && age < 120)) || e2e_fail "ingest_last_commit_timestamp_seconds is ${age}s from now"
(("$(metric ingest_wal_segments)" >= 1)) || e2e_fail "ingest_wal_segments is 0 with a log"
(("$(metric ingest_wal_bytes)" > 0)) || e2e_fail "ingest_wal_bytes is 0 with a log"
e2e_log "ok: $accepted accepted and $rejected rejected events counted, $commits commits"

# 3. Uploads: a good file, a mixed one, one with an unusable header, then a duplicate.
IN="$E2E_TMP/data/input" AR="$E2E_TMP/data/archive" FL="$E2E_TMP/data/failed"
mkdir -p "$IN"
BRIDGE=("$INGEST_BRIDGE" --target "$E2E_INGEST_ADDR" --watch "$IN" --archive "$AR" --failed "$FL"
  --connect-timeout 10s --settle 200ms --once)
"$E2E_PYTHON" "$(dirname "$0")/seed_files.py" "$IN" "m$RANDOM" all 40 >"$E2E_TMP/expect.json"
rc=0
timeout -k 5 120 "${BRIDGE[@]}" >/dev/null 2>"$E2E_TMP/bridge1.err" || rc=$?
e2e_assert_eq 1 "$rc" "file-bridge exit code with a file sent to failed/"
file_acc="$(e2e_json "$E2E_TMP/expect.json" 'sum(f["accepted"] for f in d.values())')"
file_rej="$(e2e_json "$E2E_TMP/expect.json" 'sum(f["rejected"] for f in d.values())')"
copy="$(ls "$AR" | grep -v result.json | head -n 1)"
cp "$AR/$copy" "$IN/copy.csv"
timeout -k 5 120 "${BRIDGE[@]}" >/dev/null 2>"$E2E_TMP/bridge2.err" ||
  e2e_fail "file-bridge failed on the duplicate: $(tail -n 3 "$E2E_TMP/bridge2.err")"
e2e_admin flush --timeout 60s >/dev/null || e2e_fail "ingest-admin flush failed"
scrape
expect $((file_acc + file_rej)) 'ingest_events_received_total{source="file"}'
expect "$file_acc" 'ingest_events_accepted_total{source="file"}'
expect "$file_rej" 'ingest_events_rejected_total{source="file"}'
for code in $(e2e_json "$E2E_TMP/expect.json" '" ".join(sorted({c for f in d.values() for c in f["rejections"].values()}))'); do
  want="$(e2e_json "$E2E_TMP/expect.json" "sum(list(f['rejections'].values()).count('$code') for f in d.values())")"
  expect "$want" "ingest_events_rejected_total{source=\"file\",code=\"$code\"}"
done
expect 2 'ingest_uploads_total{result="ingested"}'
expect 1 'ingest_uploads_total{result="duplicate"}'
expect 1 'ingest_uploads_total{result="refused"}'
expect 0 'ingest_uploads_in_progress'
expect 3 'ingest_rpcs_handled_total{rpc="UploadFile",code="OK"}'
expect 1 'ingest_rpcs_handled_total{rpc="UploadFile",code="INVALID_ARGUMENT"}'
e2e_log "ok: uploads counted: $file_acc rows accepted, $file_rej rejected, 1 duplicate, 1 refused"

# 4. Everything documented is served, as documented; the totals agree with ingest-admin status.
"${CHECK[@]}" documented "$DOC" "$SCRAPE" || e2e_fail "/metrics and $DOC disagree (above)"
e2e_admin status --json >"$E2E_TMP/status.json"
e2e_assert_eq "$(e2e_json "$E2E_TMP/status.json" 'd["totals"]["received"]')" \
  "$(metric ingest_events_received_total)" "received in status and in /metrics"
e2e_assert_eq "$(e2e_json "$E2E_TMP/status.json" 'd["totals"]["rejected"]')" \
  "$(metric ingest_events_rejected_total)" "rejected in status and in /metrics"
e2e_log "ok: /metrics matches docs/operations.md and ingest-admin status"
