#!/usr/bin/env bash
# Three event-generators stream into one ingest-server at once (one of them sends 10% invalid
# events); after a flush, every acked event is exactly one row, every rejection is stored, and
# event_summary and the admin API's batch list agree with the tables.
source "$(dirname "$0")/lib.sh"

e2e_create_db
e2e_start_server

e2e_log "starting 3 generators: 20 batches of 50 events each, the third with --invalid-ratio 0.1"
pids=()
for i in 1 2 3; do
  ratio=0
  [[ $i -eq 3 ]] && ratio=0.1
  timeout -k 5 180 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --events 50 --batches 20 \
    --interval 0.05 --invalid-ratio "$ratio" --acked-log "$E2E_TMP/acked-$i.log" --json \
    >"$E2E_TMP/generator-$i.json" 2>"$E2E_TMP/generator-$i.err" &
  pids+=($!)
done
for i in 1 2 3; do
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 20 "$E2E_TMP/generator-$i.err" >&2
    e2e_fail "generator $i exited with $rc (stderr above; 124 means it ran past 180s)"
  fi
done
e2e_log "ok: the 3 generators exited 0"

accepted=0
rejected=0
for i in 1 2 3; do
  json="$E2E_TMP/generator-$i.json"
  e2e_assert_eq 0 "$(e2e_json "$json" 'd["batches_not_acked"]')" "generator $i batches not acked"
  e2e_assert_eq 1000 "$(e2e_json "$json" 'd["events_sent"]')" "generator $i events sent"
  a="$(e2e_json "$json" 'd["events_accepted"]')"
  r="$(e2e_json "$json" 'd["events_rejected"]')"
  e2e_assert_eq 1000 "$((a + r))" "generator $i accepted + rejected"
  e2e_assert_eq "$a" "$(wc -l <"$E2E_TMP/acked-$i.log")" "generator $i acked-log lines (= its accepted)"
  accepted=$((accepted + a))
  rejected=$((rejected + r))
done
gen3_rejected="$(e2e_json "$E2E_TMP/generator-3.json" 'd["events_rejected"]')"
((gen3_rejected > 0)) || e2e_fail "generator 3 (--invalid-ratio 0.1) reported no rejected events"
e2e_log "ok: generators report $accepted accepted and $rejected rejected events"

e2e_admin flush >"$E2E_TMP/flush.out" 2>&1 ||
  e2e_fail "ingest-admin flush exited $? ($(cat "$E2E_TMP/flush.out"))"
e2e_log "ok: ingest-admin flush exited 0"

LC_ALL=C sort -u "$E2E_TMP"/acked-*.log >"$E2E_TMP/acked.sorted"
e2e_sql "SELECT event_id FROM user_events" | LC_ALL=C sort >"$E2E_TMP/table.sorted"
e2e_assert_eq "$(wc -l <"$E2E_TMP/acked.sorted")" "$(e2e_sql 'SELECT count(*) FROM user_events')" \
  "rows in user_events (= distinct acked event ids)"
e2e_assert_files_equal "$E2E_TMP/acked.sorted" "$E2E_TMP/table.sorted" \
  "user_events.event_id is exactly the set of acked event ids"

e2e_assert_eq "$rejected" "$(e2e_sql 'SELECT count(*) FROM rejected_events')" \
  "rows in rejected_events (= rejected in the generators' summaries)"
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) FROM rejected_events WHERE code IS NULL OR code = ''
                              OR reason IS NULL OR reason = ''")" \
  "rejected_events rows without a code or reason"

e2e_assert_eq "$(e2e_sql 'SELECT count(*) FROM user_events')" \
  "$(e2e_sql 'SELECT sum(events) FROM event_summary')" "sum(events) of event_summary"
e2e_assert_eq "$(e2e_sql 'SELECT event_type, count(*) FROM user_events GROUP BY 1 ORDER BY 1' | tr '\n' ' ')" \
  "$(e2e_sql 'SELECT event_type, events FROM event_summary ORDER BY 1' | tr '\n' ' ')" \
  "event_summary per event type"

e2e_admin batches --limit 1000 --json >"$E2E_TMP/batches.json" ||
  e2e_fail "ingest-admin batches --json exited $?"
e2e_assert_eq "$(e2e_sql 'SELECT count(*) FROM ingest_batches')" \
  "$(e2e_json "$E2E_TMP/batches.json" 'len(d.get("batches", []))')" \
  "batches listed by ingest-admin (= rows of ingest_batches)"
e2e_assert_eq "$((accepted + rejected))" \
  "$(e2e_json "$E2E_TMP/batches.json" 'sum(int(b.get("events", 0)) for b in d.get("batches", []))')" \
  "events of the listed batches (= accepted + rejected)"
e2e_assert_eq "$rejected" \
  "$(e2e_json "$E2E_TMP/batches.json" 'sum(int(b.get("rejected", 0)) for b in d.get("batches", []))')" \
  "rejected events of the listed batches"

e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "ingest-server exit code after SIGTERM"
e2e_log "PASS"
