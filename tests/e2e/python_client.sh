#!/usr/bin/env bash
# A Python client built from proto/ alone (protoc + Debian's grpc_python_plugin) talks to the
# real ingest-server: acks, rejections, Flush, the rows in PostgreSQL and a resend (see
# python_client.py).
source "$(dirname "$0")/lib.sh"

PLUGIN="$(command -v grpc_python_plugin || true)"
[[ -n "$PLUGIN" ]] || e2e_fail "grpc_python_plugin not found (package protobuf-compiler-grpc); run scripts/setup-deps.sh"
"$E2E_PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null ||
  e2e_fail "$E2E_PYTHON lacks the grpc or protobuf module (packages python3-grpcio, python3-protobuf)"

# grpc_tools.protoc from Debian (python3-grpc-tools 1.14) predates proto3 `optional`, so the
# stubs come from the system protoc with the gRPC Python plugin.
mkdir -p "$E2E_TMP/stubs"
protoc -I"$INGEST_SOURCE_DIR/proto" --python_out="$E2E_TMP/stubs" --grpc_out="$E2E_TMP/stubs" \
  --plugin=protoc-gen-grpc="$PLUGIN" "$INGEST_SOURCE_DIR"/proto/ingest/v1/*.proto ||
  e2e_fail "protoc could not generate the Python stubs from $INGEST_SOURCE_DIR/proto"
e2e_log "ok: Python stubs generated from proto/"

e2e_create_db
e2e_start_server

timeout -k 5 180 "$E2E_PYTHON" "$(dirname "$0")/python_client.py" "$E2E_TMP/stubs" \
  "$E2E_INGEST_ADDR" "$E2E_ADMIN_ADDR" "$E2E_DSN" ||
  e2e_fail "python_client.py failed (exit $?; 124 means it ran past 180s)"

e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "ingest-server exit code after SIGTERM"
e2e_log "PASS"
