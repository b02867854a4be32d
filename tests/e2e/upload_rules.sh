#!/usr/bin/env bash
# UploadFile's refusals (sha256, size, header order, --max-upload-bytes, unusable CSV header)
# and concurrent uploads of one file, from a Python client built from proto/ alone
# (see upload_rules.py).
source "$(dirname "$0")/lib.sh"

e2e_python_stubs "$E2E_TMP/stubs"
e2e_create_db
max=2097152
e2e_start_server --max-upload-bytes "$max"
timeout -k 5 180 "$E2E_PYTHON" "$(dirname "$0")/upload_rules.py" "$E2E_TMP/stubs" \
  "$E2E_INGEST_ADDR" "$E2E_ADMIN_ADDR" "$E2E_DSN" "$max" ||
  e2e_fail "upload_rules.py failed (exit $?; 124 means it ran past 180s)"
e2e_log "PASS"
