#!/usr/bin/env bash
# PostgreSQL dies (immediate shutdown) while generators stream and comes back
# E2E_OUTAGE_SECONDS later (default 10; the 30 s of the issue:
# `E2E_OUTAGE_SECONDS=30 scripts/test.sh -R pg_outage`), then twice more for E2E_OUTAGE_SECONDS/2
# each; during the last outage the server is also killed with -9 and restarted while PostgreSQL
# is still down (both faults at once). Afterwards every acked event is a row of user_events
# exactly once. Stops the shared test cluster, so ctest runs it alone.
source "$(dirname "$0")/lib.sh"

[[ -n "${INGEST_PG_SCRIPT:-}" ]] ||
  e2e_skip "INGEST_PG_SCRIPT is unset; scripts/test.sh sets it to scripts/pg.sh"
OUTAGE="${E2E_OUTAGE_SECONDS:-10}"
SHORT=$(((OUTAGE + 1) / 2))
RUN_SECONDS=$((OUTAGE + 2 * SHORT + 40))
E2E_LISTEN="127.0.0.1:$(e2e_free_port)"
E2E_ADMIN_LISTEN="127.0.0.1:$(e2e_free_port)"

pg_up() { psql -X -q -tA -d "$INGEST_TEST_DSN" -c 'SELECT 1' >/dev/null 2>&1; }
# Whatever happens below, the shared cluster runs again when this test exits.
e2e_on_exit 'pg_up || "$INGEST_PG_SCRIPT" start >/dev/null'

e2e_create_db
e2e_start_server

e2e_log "starting 2 generators for ${RUN_SECONDS}s (50 events every 0.1 s each)"
pids=()
for i in 1 2; do
  timeout -k 5 $((RUN_SECONDS + 150)) "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" \
    --continuous --duration "${RUN_SECONDS}s" --events 50 --interval 0.1 --drain-timeout 120s --connect-timeout 60s \
    --acked-log "$E2E_TMP/acked-$i.log" --json \
    >"$E2E_TMP/generator-$i.json" 2>"$E2E_TMP/generator-$i.err" &
  pids+=($!)
done

sleep 5
acked_before="$(cat "$E2E_TMP"/acked-*.log 2>/dev/null | wc -l)"
e2e_log "stopping PostgreSQL (immediate) for ${OUTAGE}s; $acked_before events acked so far"
"$INGEST_PG_SCRIPT" stop-immediate
outage_end=$((SECONDS + OUTAGE))
saw_retrying=no
while ((SECONDS < outage_end)); do
  if [[ $saw_retrying == no ]] && e2e_admin status --json >"$E2E_TMP/status.json" 2>/dev/null &&
    [[ "$(e2e_json "$E2E_TMP/status.json" 'd.get("sink", {}).get("state", "")')" == retrying ]]; then
    saw_retrying=yes
    e2e_log "ok: ingest-admin status shows the sink retrying during the outage"
  fi
  e2e_server_alive || { e2e_server_log_tail; e2e_fail "ingest-server died during the outage"; }
  sleep 1
done
"$INGEST_PG_SCRIPT" start
e2e_log "PostgreSQL is back"
[[ $saw_retrying == yes ]] || e2e_fail "ingest-admin status never showed sink state 'retrying' during the outage"

for cycle in 2 3; do
  sleep 4
  e2e_log "outage $cycle: stopping PostgreSQL (immediate) for ${SHORT}s"
  "$INGEST_PG_SCRIPT" stop-immediate
  if ((cycle == 3)); then
    e2e_log "and killing ingest-server with -9 while PostgreSQL is down"
    kill -KILL "$E2E_SERVER_PID"
    wait "$E2E_SERVER_PID" 2>/dev/null || true
    E2E_SERVER_PID=""
    # The restarted server waits for PostgreSQL before it listens; bring it back meanwhile.
    (sleep "$SHORT"; "$INGEST_PG_SCRIPT" start >/dev/null) &
    restarter=$!
    e2e_start_server
    wait "$restarter"
  else
    sleep "$SHORT"
    e2e_server_alive || { e2e_server_log_tail; e2e_fail "ingest-server died during outage $cycle"; }
    "$INGEST_PG_SCRIPT" start
  fi
  e2e_log "PostgreSQL is back after outage $cycle"
done

for i in 1 2; do
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 20 "$E2E_TMP/generator-$i.err" >&2
    e2e_fail "generator $i exited with $rc (stderr above; 1 = batches not all acked, 124 = timed out)"
  fi
  e2e_assert_eq 0 "$(e2e_json "$E2E_TMP/generator-$i.json" 'd["batches_not_acked"]')" \
    "generator $i batches not acked"
done

flushed=no
deadline=$((SECONDS + 120))
while ((SECONDS < deadline)); do
  if e2e_admin flush >"$E2E_TMP/flush.out" 2>&1; then
    flushed=yes
    break
  fi
  sleep 1
done
[[ $flushed == yes ]] || e2e_fail "ingest-admin flush did not succeed within 120s: $(cat "$E2E_TMP/flush.out")"
e2e_log "ok: ingest-admin flush succeeded"

LC_ALL=C sort -u "$E2E_TMP"/acked-*.log >"$E2E_TMP/acked.sorted"
acked="$(wc -l <"$E2E_TMP/acked.sorted")"
((acked > acked_before)) || e2e_fail "no event was acked after the outage ($acked in all)"
e2e_assert_eq "$(cat "$E2E_TMP"/acked-*.log | wc -l)" "$acked" "acked event ids, each acked once"
e2e_assert_eq "$(e2e_sql 'SELECT count(DISTINCT event_id) FROM user_events')" \
  "$(e2e_sql 'SELECT count(*) FROM user_events')" "rows of user_events (= distinct event ids)"
e2e_sql "SELECT event_id FROM user_events" | LC_ALL=C sort >"$E2E_TMP/table.sorted"
missing="$(LC_ALL=C comm -23 "$E2E_TMP/acked.sorted" "$E2E_TMP/table.sorted" | wc -l)"
e2e_assert_eq 0 "$missing" "acked event ids missing from user_events (of $acked acked)"
e2e_assert_files_equal "$E2E_TMP/acked.sorted" "$E2E_TMP/table.sorted" \
  "user_events.event_id is exactly the set of acked event ids"

e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "ingest-server exit code after SIGTERM"
e2e_log "PASS"
