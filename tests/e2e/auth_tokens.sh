#!/usr/bin/env bash
# Bearer tokens (contract, "Security"): with --auth-tokens every ingest call needs a token, a
# producer_id or uploaded event_id must start with its token's prefix, the TCP admin listener
# needs an admin token; a SIGHUP re-reads the file and ends the streams of a removed token at their
# next batch, keeping what was acked. Tokens never appear in the log, `status` or /metrics.
source "$(dirname "$0")/lib.sh"

SHOP=shop-token-9f8e7d6c5b4a
OTHER=other-token-0a1b2c3d4e5f
ADMIN=admin-token-a1b2c3d4e5f6
UNKNOWN=unknown-token-000000000
tokens="$E2E_TMP/tokens.txt"
printf '# test tokens\n%s shop-\n%s other-\n%s * admin\n' "$SHOP" "$OTHER" "$ADMIN" >"$tokens"
for t in SHOP OTHER ADMIN UNKNOWN; do echo "${!t}" >"$E2E_TMP/$t.token"; done

# --- Start-up: a bad token file stops the server, exit 2, naming the line ---------------------
e2e_start_refused "cannot read the token file $E2E_TMP/none.txt" --auth-tokens "$E2E_TMP/none.txt"
echo "short-token shop-" >"$E2E_TMP/short.txt"
e2e_start_refused "$E2E_TMP/short.txt:1: the token has 11 characters; at least 16 are needed" --auth-tokens "$E2E_TMP/short.txt"

e2e_create_db
e2e_start_server --auth-tokens "$tokens"

# generate NAME PRODUCER [ARG...]: one producer, 5 batches of 20 events; prints its exit code.
generate() {
  local name="$1" producer="$2" rc=0
  shift 2
  timeout -k 5 60 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id "$producer" --events 20 --batches 5 \
    --interval 0 --connect-timeout 5s --json "$@" >"$E2E_TMP/$name.json" 2>"$E2E_TMP/$name.err" || rc=$?
  echo "$rc"
}
expect_refused() {  # NAME CODE TEXT: the run failed with CODE and TEXT in its error
  grep -q "$2" "$E2E_TMP/$1.err" || { cat "$E2E_TMP/$1.err" >&2; e2e_fail "$1: no $2 in its error"; }
  grep -qF "$3" "$E2E_TMP/$1.err" || { cat "$E2E_TMP/$1.err" >&2; e2e_fail "$1: no '$3' in its error"; }
  e2e_log "ok: $1 refused: $(grep -m1 "$2" "$E2E_TMP/$1.err")"
}

rc="$(generate good shop-1 --token-file "$E2E_TMP/SHOP.token")"
[[ $rc -eq 0 ]] || { cat "$E2E_TMP/good.err" >&2; e2e_fail "the generator with its token exited $rc"; }
e2e_assert_eq 100 "$(e2e_json "$E2E_TMP/good.json" 'd["events_accepted"]')" "events acked with a valid token"

rc="$(generate notoken shop-2)"
[[ $rc -ne 0 ]] || e2e_fail "a generator without a token was served"
expect_refused notoken UNAUTHENTICATED "pass --token-file FILE"
rc="$(generate unknown shop-3 --token-file "$E2E_TMP/UNKNOWN.token")"
[[ $rc -ne 0 ]] || e2e_fail "a generator with an unknown token was served"
expect_refused unknown UNAUTHENTICATED "not in the server's --auth-tokens file"
rc="$(generate outside other-1 --token-file "$E2E_TMP/SHOP.token")"
[[ $rc -ne 0 ]] || e2e_fail "a producer outside its token's prefix was served"
expect_refused outside PERMISSION_DENIED "producer_id 'other-1' is outside this token's producer prefix 'shop-'"
rc="$(generate any any-1 --token-file "$E2E_TMP/ADMIN.token")"
[[ $rc -eq 0 ]] || { cat "$E2E_TMP/any.err" >&2; e2e_fail "the '*' token was refused"; }

# --- Uploads: every event id within the prefix, or nothing of the file is stored -------------
mkdir -p "$E2E_TMP/in"
csv() {  # FILE ID...
  local file="$1" id
  shift
  { echo "event_id,user_id,event_type,product_id,price,timestamp"
    for id in "$@"; do echo "$id,user_1,view,prod_1,1.50,2026-11-20 10:00:00"; done; } >"$E2E_TMP/in/$file"
}
bridge() {  # TOKEN: one pass of the file bridge over $E2E_TMP/in
  timeout -k 5 60 "$INGEST_BRIDGE" --target "$E2E_INGEST_ADDR" --watch "$E2E_TMP/in" --archive "$E2E_TMP/archive" \
    --failed "$E2E_TMP/failed" --once --settle 0 --token-file "$E2E_TMP/$1.token" >>"$E2E_TMP/bridge.out" 2>&1 || true
}
csv ok.csv shop-f-1 shop-f-2
bridge SHOP
[[ -f "$E2E_TMP/archive/ok.csv" ]] || { cat "$E2E_TMP/bridge.out" >&2; e2e_fail "a file within the prefix was not archived"; }
csv mixed.csv shop-f-3 other-f-4 shop-f-5
bridge SHOP
[[ -f "$E2E_TMP/failed/mixed.csv" ]] || { cat "$E2E_TMP/bridge.out" >&2; e2e_fail "a file with an id outside the prefix was not sent to failed/"; }
grep -qF "mixed.csv line 3: event_id 'other-f-4' is outside this token's producer prefix 'shop-'" "$E2E_TMP/bridge.out" ||
  { cat "$E2E_TMP/bridge.out" >&2; e2e_fail "the bridge does not say which id was refused"; }
e2e_log "ok: an upload with an id outside the prefix was refused whole"

# --- The admin API: an admin token on the TCP listener --------------------------------------
rc=0; e2e_admin status >"$E2E_TMP/admin-none.out" 2>&1 || rc=$?
[[ $rc -ne 0 ]] && grep -q "UNAUTHENTICATED\|bearer token" "$E2E_TMP/admin-none.out" ||
  { cat "$E2E_TMP/admin-none.out" >&2; e2e_fail "ingest-admin without a token was answered (exit $rc)"; }
rc=0; e2e_admin --token-file "$E2E_TMP/SHOP.token" status >"$E2E_TMP/admin-shop.out" 2>&1 || rc=$?
[[ $rc -ne 0 ]] && grep -q "may not call the AdminService" "$E2E_TMP/admin-shop.out" ||
  { cat "$E2E_TMP/admin-shop.out" >&2; e2e_fail "ingest-admin with a non-admin token was answered (exit $rc)"; }
e2e_admin --token-file "$E2E_TMP/ADMIN.token" flush >/dev/null || e2e_fail "ingest-admin flush with the admin token failed"
e2e_admin --token-file "$E2E_TMP/ADMIN.token" status >"$E2E_TMP/status.out" || e2e_fail "status with the admin token failed"
e2e_log "ok: the admin API needs an admin token"
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE 'other-%' OR event_id = 'shop-f-3'")" \
  "rows from refused producers and files"
e2e_assert_eq 2 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE 'shop-f-%'")" "rows of the allowed file"

# --- SIGHUP: a removed token ends its open stream at the next batch; its acks stay ----------
timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id other-live --events 10 --continuous \
  --rate 200 --token-file "$E2E_TMP/OTHER.token" --acked-log "$E2E_TMP/acked-other.log" \
  >"$E2E_TMP/live.out" 2>"$E2E_TMP/live.err" &
live=$!
e2e_wait_until 30 "the live producer's first acks" test -s "$E2E_TMP/acked-other.log"
printf '%s shop-\n%s * admin\n' "$SHOP" "$ADMIN" >"$tokens"
kill -HUP "$E2E_SERVER_PID"
rc=0
for ((i = 0; i < 150; i++)); do kill -0 "$live" 2>/dev/null || break; sleep 0.2; done
kill -0 "$live" 2>/dev/null && { kill "$live"; e2e_fail "the stream of a removed token went on after SIGHUP"; }
wait "$live" || rc=$?
[[ $rc -ne 0 ]] || e2e_fail "the generator of a removed token exited 0"
grep -q "UNAUTHENTICATED" "$E2E_TMP/live.err" || { cat "$E2E_TMP/live.err" >&2; e2e_fail "no UNAUTHENTICATED after SIGHUP"; }
grep -q "re-read the token file .*: 2 tokens in force" "$E2E_TMP/server.log" || e2e_fail "the server did not log the re-read"
e2e_server_alive || e2e_fail "the server died on SIGHUP"
rc="$(generate after other-2 --token-file "$E2E_TMP/OTHER.token")"
[[ $rc -ne 0 ]] || e2e_fail "a removed token was still served"
e2e_admin --token-file "$E2E_TMP/ADMIN.token" flush >/dev/null || e2e_fail "flush after SIGHUP failed"
e2e_assert_acked_stored_once "token removed by SIGHUP"

# --- Refusals counted; tokens nowhere ---------------------------------------------------------
"$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/metrics.txt" || e2e_fail "cannot scrape /metrics"
for reason in unauthenticated permission_denied; do
  n="$(sed -n "s/^ingest_calls_refused_total{reason=\"$reason\"} //p" "$E2E_TMP/metrics.txt")"
  [[ -n "$n" && "${n%.*}" -ge 2 ]] || e2e_fail "ingest_calls_refused_total{reason=\"$reason\"} is '$n', expected >= 2"
  e2e_log "ok: refusals counted: $reason $n"
done
for t in "$SHOP" "$OTHER" "$ADMIN" "$UNKNOWN"; do
  for f in server.log status.out metrics.txt bridge.out; do
    ! grep -qF "$t" "$E2E_TMP/$f" || e2e_fail "a token appears in $f"
  done
done
e2e_log "ok: no token in the server log, status, /metrics or the bridge's output"
