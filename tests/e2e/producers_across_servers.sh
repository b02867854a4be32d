#!/usr/bin/env bash
# A producer that moves between two servers sharing one database (proto: EventBatch.sequence;
# docs/operations.md, "Several servers"). Its batches 31-39 are acked by server A, durable in A's
# log but not committed, when A is killed; the producer reconnects to B, resends 39 (as if its ack
# was lost) and goes on with 40-45. B accepts the gap (A took the producer's last stream), and
# every batch is stored once, the producer's later batch winning a repeated event_id — whether A
# comes back and commits its log before B commits, or after (then by --adopt). Also: --adopt
# refuses a dir its server still holds, and a second server refuses a held --checkpoint-dir.
source "$(dirname "$0")/lib.sh"

e2e_python_stubs "$E2E_TMP/stubs"
e2e_create_db
declare -A PID ADDR

# start NAME TRIGGER: ingest-server NAME (its own dir and server id) on free ports.
start() {
  local name="$1" ready="$E2E_TMP/$1.ready" i
  rm -f "$ready"
  "$INGEST_SERVER" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --metrics-listen "" --db "$E2E_DSN" \
    --server-id "$name" --checkpoint-dir "$E2E_TMP/$name" --trigger "$2" --ready-file "$ready" \
    >>"$E2E_TMP/$name.log" 2>&1 &
  PID[$name]=$!
  for ((i = 0; i < 600; i++)); do
    [[ -s "$ready" ]] && break
    kill -0 "${PID[$name]}" 2>/dev/null || { tail -n 20 "$E2E_TMP/$name.log" >&2; e2e_fail "server $name exited at start"; }
    sleep 0.1
  done
  [[ -s "$ready" ]] || e2e_fail "server $name not ready after 60s"
  ADDR[$name]="$(sed -n 's/^ingest=//p' "$ready")"
}
# stop NAME SIGNAL: TERM drains (commits what it holds), KILL loses nothing acked but commits nothing.
stop() {
  local name="$1" i
  kill -"$2" "${PID[$name]}" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do kill -0 "${PID[$name]}" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "${PID[$name]}" 2>/dev/null || true
  wait "${PID[$name]}" 2>/dev/null || true
  PID[$name]=""
}
cleanup_servers() { local n; for n in "${!PID[@]}"; do [[ -z "${PID[$n]}" ]] || stop "$n" KILL; done; }
e2e_on_exit cleanup_servers

send() {  # send SERVER PRODUCER FIRST LAST
  timeout -k 5 90 "$E2E_PYTHON" "$(dirname "$0")/across_servers.py" "$E2E_TMP/stubs" "${ADDR[$1]}" "$2" "$3" "$4" \
    "$E2E_TMP/acked.log" || e2e_fail "batches $3..$4 of $2 to server $1 failed (log above)"
}
last_sequence() { e2e_sql "SELECT last_sequence FROM producers WHERE producer_id = '$1'"; }
wait_last_sequence() {  # wait_last_sequence PRODUCER N: until PostgreSQL holds N (at most 60 s)
  local i
  for ((i = 0; i < 600; i++)); do [[ "$(last_sequence "$1")" == "$2" ]] && return 0; sleep 0.1; done
  e2e_fail "producers.last_sequence of $1 is '$(last_sequence "$1")', expected $2 within 60s"
}

# check PRODUCER: batches 1-45 stored once, the reject of 39 once, the dup row from batch 42.
check() {
  local p="$1"
  e2e_assert_eq 451 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE '$p-%'")" "$p: rows of 45 batches of 10 and the repeated id"
  e2e_assert_eq 451 "$(e2e_sql "SELECT count(DISTINCT event_id) FROM user_events WHERE event_id LIKE '$p-%'")" "$p: distinct event ids"
  e2e_assert_eq "0.42|42" "$(e2e_sql "SELECT product_price, producer_sequence FROM user_events WHERE event_id = '$p-dup'")" \
    "$p: the repeated event_id has batch 42's values, though batch 35 committed after it or before"
  e2e_assert_eq 1 "$(e2e_sql "SELECT count(*) FROM rejected_events WHERE origin = '$p'")" "$p: batch 39's invalid event, stored once"
  e2e_assert_eq 45 "$(last_sequence "$p")" "$p: last sequence"
  e2e_assert_eq 45 "$(e2e_sql "SELECT count(*) FROM producer_acks WHERE producer_id = '$p'")" "$p: one ack per batch"
}

# The common start: A commits 1-30, then holds 31-39 in its log (a 1 h trigger), and dies.
a_holds_31_to_39_and_dies() {
  local p="$1"
  start a 1s
  send a "$p" 1 30
  wait_last_sequence "$p" 30
  stop a TERM
  start a 1h
  send a "$p" 31 39
  stop a KILL
  e2e_assert_eq 30 "$(last_sequence "$p")" "$p: 31-39 acked by A, not committed"
  start b 1h
  send b "$p" 39 39   # a resend whose ack was lost: B takes the gap
  send b "$p" 40 45
  e2e_assert_eq b "$(e2e_sql "SELECT server_id FROM producers WHERE producer_id = '$p'")" "$p: B took the producer"
}

e2e_log "--- A comes back before B commits ---"
a_holds_31_to_39_and_dies before
start a 1s   # replays its log: 31-39 committed by A
wait_last_sequence before 39
stop a TERM
stop b TERM  # B commits 39-45; 39 was committed by A, so B leaves it out
check before

e2e_log "--- B commits first; A's dir is adopted after ---"
a_holds_31_to_39_and_dies after
stop b TERM  # B commits 39-45
wait_last_sequence after 45
start a 1h   # A's dir, held by A: refused to a second server and to --adopt
rc=0
"$INGEST_SERVER" --db "$E2E_DSN" --adopt "$E2E_TMP/a" >"$E2E_TMP/adopt-refused.out" 2>&1 || rc=$?
e2e_assert_eq 1 "$rc" "--adopt of a dir a live server holds: exit code"
grep -q "is in use by another ingest-server (pid ${PID[a]})" "$E2E_TMP/adopt-refused.out" ||
  e2e_fail "no clear refusal naming the holder: $(cat "$E2E_TMP/adopt-refused.out")"
rc=0
timeout -k 5 30 "$INGEST_SERVER" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --metrics-listen "" --db "$E2E_DSN" \
  --checkpoint-dir "$E2E_TMP/a" >"$E2E_TMP/second.out" 2>&1 || rc=$?
e2e_assert_eq 1 "$rc" "a second server on a held --checkpoint-dir: exit code"
grep -q "is in use by another ingest-server" "$E2E_TMP/second.out" || e2e_fail "no clear refusal: $(cat "$E2E_TMP/second.out")"
stop a KILL  # still nothing of 31-39 committed; now the dir is free
timeout -k 5 120 "$INGEST_SERVER" --db "$E2E_DSN" --adopt "$E2E_TMP/a" >"$E2E_TMP/adopt.out" 2>&1 ||
  { cat "$E2E_TMP/adopt.out" >&2; e2e_fail "--adopt of A's dir failed"; }
grep -q "adopted $E2E_TMP/a (server id a): its log is committed" "$E2E_TMP/adopt.out" ||
  e2e_fail "--adopt did not say what it did: $(cat "$E2E_TMP/adopt.out")"
check after
e2e_assert_eq 1 "$(e2e_sql "SELECT count(*) FROM ingest_batches WHERE server_id = 'a' AND 'after' = ANY(sources) AND committed_at > (SELECT max(committed_at) FROM ingest_batches WHERE server_id = 'b')")" \
  "after: A's log (31-39) committed by the adoption, after B"
LC_ALL=C sort -u "$E2E_TMP/acked.log" >"$E2E_TMP/acked.sorted"
e2e_sql "SELECT event_id FROM user_events" | LC_ALL=C sort >"$E2E_TMP/table.sorted"
e2e_assert_files_equal "$E2E_TMP/acked.sorted" "$E2E_TMP/table.sorted" "every acked event is a row, and nothing else"
e2e_log "PASS"
