#!/usr/bin/env bash
# A Python client built from proto/ alone (protoc + Debian's grpc_python_plugin) talks to the
# real ingest-server: acks, rejections, Flush, the rows in PostgreSQL and a resend (see
# python_client.py).
source "$(dirname "$0")/lib.sh"

e2e_python_stubs "$E2E_TMP/stubs"

e2e_create_db
e2e_start_server

timeout -k 5 180 "$E2E_PYTHON" "$(dirname "$0")/python_client.py" "$E2E_TMP/stubs" \
  "$E2E_INGEST_ADDR" "$E2E_ADMIN_ADDR" "$E2E_DSN" ||
  e2e_fail "python_client.py failed (exit $?; 124 means it ran past 180s)"

e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "ingest-server exit code after SIGTERM"
e2e_log "PASS"
