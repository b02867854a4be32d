#!/usr/bin/env bash
# TLS and mTLS with certificates made by scripts/make-certs.sh: a server that requires client
# certificates serves the generator, file-bridge and ingest-admin when they present one, and
# refuses them without one or in plaintext (nothing stored); a plaintext listener on an address
# other machines can reach is refused at start unless --allow-insecure.
source "$(dirname "$0")/lib.sh"

certs="$E2E_TMP/certs"
"$INGEST_SOURCE_DIR/scripts/make-certs.sh" "$certs" >/dev/null || e2e_fail "scripts/make-certs.sh failed"
e2e_log "ok: certificates made by scripts/make-certs.sh"
CLIENT_TLS=(--tls-ca "$certs/ca.pem" --tls-cert "$certs/client.pem" --tls-key "$certs/client.key")

# --- The start-up rules: exit 2 and one line saying why ---------------------------------------
e2e_start_refused "can be reached from other machines and TLS is off" --listen 0.0.0.0:0 --admin-listen 127.0.0.1:0
e2e_start_refused "--admin-listen 0.0.0.0:0 can be reached" --listen 127.0.0.1:0 --admin-listen 0.0.0.0:0
e2e_start_refused "--tls-cert and --tls-key go together" --tls-cert "$certs/server.pem"
e2e_start_refused "--tls-key $E2E_TMP/none.key: cannot be read" --tls-cert "$certs/server.pem" --tls-key "$E2E_TMP/none.key"
e2e_start_refused "not a PEM file" --tls-cert "$certs/server.pem" --tls-key "$E2E_TMP/refused.out"

e2e_create_db
# --allow-insecure: plaintext on every address, as asked (checked, then stopped).
E2E_LISTEN=0.0.0.0:0 e2e_start_server --allow-insecure
grep -q "listening: .* (plaintext)" "$E2E_TMP/server.log" || e2e_fail "no plaintext listening line"
e2e_stop_server
e2e_log "ok: --allow-insecure serves plaintext on 0.0.0.0"

# --- mTLS ------------------------------------------------------------------------------------
e2e_start_server --tls-cert "$certs/server.pem" --tls-key "$certs/server.key" --tls-client-ca "$certs/ca.pem"
grep -q "listening: .* (TLS, client certificates required)" "$E2E_TMP/server.log" ||
  e2e_fail "the server does not say it requires client certificates"

# generate NAME ARG...: one producer, 5 batches of 20 events; prints its exit code.
generate() {
  local name="$1" rc=0
  shift
  timeout -k 5 60 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id "$name" --events 20 --batches 5 \
    --interval 0 --connect-timeout 3s --json "$@" >"$E2E_TMP/$name.json" 2>"$E2E_TMP/$name.err" || rc=$?
  echo "$rc"
}
rc="$(generate tls-ok "${CLIENT_TLS[@]}")"
[[ $rc -eq 0 ]] || { cat "$E2E_TMP/tls-ok.err" >&2; e2e_fail "the generator with a client certificate exited $rc"; }
e2e_assert_eq 100 "$(e2e_json "$E2E_TMP/tls-ok.json" 'd["events_accepted"]')" "events acked over mTLS"

rc="$(generate tls-nocert --tls-ca "$certs/ca.pem")"
[[ $rc -ne 0 ]] || e2e_fail "a generator without a client certificate was served"
grep -q "pass --tls-cert and --tls-key" "$E2E_TMP/tls-nocert.err" || e2e_fail "no hint to pass a client certificate"
e2e_log "ok: no client certificate: exit $rc ($(tail -1 "$E2E_TMP/tls-nocert.err"))"
rc="$(generate tls-plain)"
[[ $rc -ne 0 ]] || e2e_fail "a plaintext generator was served by a TLS listener"
grep -q "if the server uses TLS, pass --tls-ca" "$E2E_TMP/tls-plain.err" || e2e_fail "no hint to turn TLS on"
e2e_log "ok: plaintext against TLS: exit $rc ($(tail -1 "$E2E_TMP/tls-plain.err"))"
other="$E2E_TMP/other-ca"
"$INGEST_SOURCE_DIR/scripts/make-certs.sh" "$other" >/dev/null
rc="$(generate tls-otherca --tls-ca "$other/ca.pem" --tls-cert "$other/client.pem" --tls-key "$other/client.key")"
[[ $rc -ne 0 ]] || e2e_fail "a client trusting another CA (and presenting its certificate) was served"
e2e_log "ok: a certificate of another CA: exit $rc"

# file-bridge and ingest-admin over mTLS.
mkdir -p "$E2E_TMP/in"
{
  echo "event_id,user_id,event_type,product_id,price,timestamp"
  for i in 1 2 3; do echo "tls-file-$i,user_$i,view,prod_1,1.50,2026-11-20 10:00:00"; done
} >"$E2E_TMP/in/tls.csv"
timeout -k 5 60 "$INGEST_BRIDGE" --target "$E2E_INGEST_ADDR" --watch "$E2E_TMP/in" --archive "$E2E_TMP/archive" \
  --failed "$E2E_TMP/failed" --once --settle 0 "${CLIENT_TLS[@]}" >"$E2E_TMP/bridge.out" 2>&1 ||
  { cat "$E2E_TMP/bridge.out" >&2; e2e_fail "file-bridge over mTLS failed"; }
[[ -f "$E2E_TMP/archive/tls.csv" ]] || e2e_fail "the uploaded file was not archived"
e2e_log "ok: file-bridge uploaded over mTLS"
e2e_admin "${CLIENT_TLS[@]}" flush >/dev/null || e2e_fail "ingest-admin flush over mTLS failed"
rc=0
e2e_admin --tls-ca "$certs/ca.pem" --timeout 3s status >/dev/null 2>"$E2E_TMP/admin.err" || rc=$?
[[ $rc -eq 2 ]] || e2e_fail "ingest-admin without a client certificate exited $rc, expected 2"
e2e_log "ok: ingest-admin without a client certificate: exit 2 ($(head -1 "$E2E_TMP/admin.err"))"

e2e_assert_eq 100 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE 'tls-ok-%'")" "rows of the mTLS generator"
e2e_assert_eq 3 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE 'tls-file-%'")" "rows of the mTLS upload"
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id NOT LIKE 'tls-ok-%' AND event_id NOT LIKE 'tls-file-%'")" \
  "rows of the refused clients"
e2e_log "PASS"
