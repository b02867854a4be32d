#!/usr/bin/env bash
# Failpoints exist only in test builds. The release ingest-server and file-bridge (what
# scripts/build.sh, scripts/demo.sh and the Dockerfile build) ignore INGEST_FAILPOINTS: with every
# server failpoint armed to crash or fail, the release server takes events, commits them and
# keeps running. The test build (ingest-server-failpoints) dies at the first armed crash.
source "$(dirname "$0")/lib.sh"

[[ -x "${INGEST_BRIDGE:-}" ]] || e2e_fail "INGEST_BRIDGE='${INGEST_BRIDGE:-}' is not an executable; run through ctest"
for var in INGEST_SERVER_FAILPOINTS INGEST_BRIDGE_FAILPOINTS; do
  [[ -x "${!var:-}" ]] || e2e_fail "$var='${!var:-}' is not an executable; run through ctest"
done
ALL="after_offsets_write=crash,before_commit_marker=crash,wal_enospc,wal_fsync_eio"

# 1. The release binaries hold no failpoint code: not even the variable's name is in them.
for var in INGEST_SERVER INGEST_BRIDGE; do
  if grep -q INGEST_FAILPOINTS "${!var}"; then e2e_fail "${!var} (release build) contains failpoint code"; fi
done
for var in INGEST_SERVER_FAILPOINTS INGEST_BRIDGE_FAILPOINTS; do
  grep -q INGEST_FAILPOINTS "${!var}" || e2e_fail "${!var} (test build) has no failpoints"
done
e2e_log "ok: failpoint code is in the test builds only"

# 2. The release server with every failpoint armed: events are acked, committed and stored.
e2e_create_db
INGEST_FAILPOINTS="$ALL" e2e_start_server
timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --events 50 --batches 4 --interval 0.2 \
  --acked-log "$E2E_TMP/acked.log" --json >"$E2E_TMP/gen.json" 2>"$E2E_TMP/gen.err" ||
  e2e_fail "event-generator failed against the release server: $(tail -n 3 "$E2E_TMP/gen.err")"
e2e_admin flush >"$E2E_TMP/flush.out" 2>&1 || e2e_fail "ingest-admin flush failed: $(cat "$E2E_TMP/flush.out")"
e2e_admin flush >>"$E2E_TMP/flush.out" 2>&1 || e2e_fail "ingest-admin flush failed: $(cat "$E2E_TMP/flush.out")"
e2e_server_alive || e2e_fail "the release ingest-server died with INGEST_FAILPOINTS=$ALL"
e2e_assert_eq 200 "$(e2e_sql 'SELECT count(*) FROM user_events')" "rows stored by the release server"
[[ "$(e2e_sql 'SELECT count(*) > 0 FROM ingest_batches')" == t ]] || e2e_fail "no batch row: nothing was committed"
e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "exit code of the release server after SIGTERM"
e2e_log "ok: the release server ignored INGEST_FAILPOINTS ($ALL)"

# 3. The test build dies at its first batch write (exit 86) with a crash failpoint armed.
e2e_start_server_failing after_offsets_write=crash
timeout -k 5 60 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --events 10 --batches 1 >/dev/null 2>&1 &
gen=$!
e2e_on_exit "kill $gen 2>/dev/null"
e2e_wait_until 30 "the test build to die at its first failpoint" bash -c "! kill -0 $E2E_SERVER_PID 2>/dev/null"
rc=0
wait "$E2E_SERVER_PID" 2>/dev/null || rc=$?
E2E_SERVER_PID=""
e2e_assert_eq 86 "$rc" "exit code of ingest-server-failpoints at an armed crash failpoint"
e2e_log "ok: the test build obeys INGEST_FAILPOINTS"
