#!/usr/bin/env bash
# --ack committed: answers count what PostgreSQL stored. A CHECK constraint added to user_events
# makes PostgreSQL refuse some rows; the stream's ack, a resend's ack and the upload's result list
# them as db_refused (see ack_committed.py).
source "$(dirname "$0")/lib.sh"

e2e_python_stubs "$E2E_TMP/stubs"
e2e_create_db
e2e_start_server --ack committed
e2e_sql "ALTER TABLE user_events ADD CONSTRAINT refuse_me CHECK (product_id <> 'refuse-me')"
timeout -k 5 180 "$E2E_PYTHON" "$(dirname "$0")/ack_committed.py" "$E2E_TMP/stubs" "$E2E_INGEST_ADDR" "$E2E_DSN" ||
  e2e_fail "ack_committed.py failed (exit $?; 124 means it ran past 180s)"
e2e_log "PASS"
