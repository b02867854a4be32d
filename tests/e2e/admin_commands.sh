#!/usr/bin/env bash
# ingest-admin against a real server and PostgreSQL: producers, rejections (and --code), files,
# batches (with the server id), where in each of its five states, --watch, narrow tables, and
# exit code 2 with one line for an unreachable server and for bad usage.
#   - the server runs with --trigger 1h, so the window stays open until `flush`: in_window;
#   - it reaches PostgreSQL through a TCP relay of this test's own (tcp_proxy.py); stopping the
#     relay makes a flushed batch sealed but not committed: sealed (two batches, so the second
#     is spilled and read back from the log), and UNAVAILABLE for what needs the database.
source "$(dirname "$0")/lib.sh"
[[ -x "${INGEST_BRIDGE:-}" ]] || e2e_fail "INGEST_BRIDGE='${INGEST_BRIDGE:-}' is not an executable; run through ctest"

e2e_relay_init

e2e_create_db
e2e_relay_start
E2E_DSN="$E2E_DSN port=$E2E_RELAY_PORT" PGPASSFILE="$E2E_TMP/pgpass" E2E_TRIGGER=1h e2e_start_server
run="a$RANDOM"

# admin_run NAME ARGS...: ingest-admin's stdout, stderr and exit code in $E2E_TMP/NAME.{out,err,rc}.
admin_run() {
  local name="$1" rc=0
  shift
  e2e_admin "$@" >"$E2E_TMP/$name.out" 2>"$E2E_TMP/$name.err" || rc=$?
  echo "$rc" >"$E2E_TMP/$name.rc"
}
rc_of() { cat "$E2E_TMP/$1.rc"; }
# json_fields FILE KEY...: the values of KEYs in the JSON object of FILE, joined by '|' (absent: "").
json_fields() {
  "$E2E_PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); print("|".join(str(d.get(k, "")) for k in sys.argv[2:]))' "$@"
}
# json_row FILE LIST KEY VALUE FIELD...: the same for the first element of d[LIST] whose KEY is VALUE.
json_row() {
  "$E2E_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for r in d[sys.argv[2]] if r.get(sys.argv[3]) == sys.argv[4]]
print("|".join(str(rows[0].get(k, "")) for k in sys.argv[5:]) if rows else "")' "$@"
}
# expect_ok NAME ARGS...: runs it and fails unless it exits 0.
expect_ok() {
  admin_run "$@"
  [[ "$(rc_of "$1")" == 0 ]] || e2e_fail "ingest-admin ${*:2} exited $(rc_of "$1"): $(cat "$E2E_TMP/$1.err")"
}
# expect_one_line NAME CODE PATTERN: the command exited CODE with exactly one line on stderr matching PATTERN.
expect_one_line() {
  e2e_assert_eq "$2" "$(rc_of "$1")" "exit code of '$1'"
  e2e_assert_eq 1 "$(wc -l <"$E2E_TMP/$1.err")" "lines on stderr of '$1'"
  grep -q -- "$3" "$E2E_TMP/$1.err" || e2e_fail "'$1' said '$(cat "$E2E_TMP/$1.err")', not matching '$3'"
}
generate() {  # generate PRODUCER BATCHES INVALID_RATIO
  timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id "$1" --events 20 --batches "$2" \
    --invalid-ratio "$3" --seed 7 --connect-timeout 30s --drain-timeout 60s --acked-log "$E2E_TMP/acked-$1.log" \
    --json >"$E2E_TMP/gen-$1.json" 2>"$E2E_TMP/gen-$1.err" ||
    e2e_fail "event-generator $1 exited $?: $(tail -n 3 "$E2E_TMP/gen-$1.err")"
  e2e_assert_eq 0 "$(e2e_json "$E2E_TMP/gen-$1.json" 'd["batches_not_acked"]')" "batches of $1 not acked"
}
server_id="$(e2e_admin status --json | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["server_id"])')"

# 1. Streamed events, acked from the log, still in the open window.
gen="adm-$run"
generate "$gen" 3 0.3
acked_id="$(head -n 1 "$E2E_TMP/acked-$gen.log")"
expect_ok where_window where "$acked_id" --json
e2e_assert_eq "in_window|1|$gen|$server_id" \
  "$(json_fields "$E2E_TMP/where_window.out" state batch_id origin server_id)" \
  "where of an acked event before the flush (state|batch|origin|server)"
expect_ok where_window_table where "$acked_id"
grep -q "^state  *in_window$" "$E2E_TMP/where_window_table.out" || e2e_fail "no 'state in_window' line: $(cat "$E2E_TMP/where_window_table.out")"

expect_ok producers_json producers --json
e2e_assert_eq "3|60|0|False" "$(json_row "$E2E_TMP/producers_json.out" producers producer_id "$gen" \
  last_durable_sequence events last_committed_sequence connected)" \
  "producer $gen before the flush (durable|events|committed|connected)"
expect_ok producers_table producers
grep -q "^$gen " "$E2E_TMP/producers_table.out" || e2e_fail "producers table lacks $gen: $(cat "$E2E_TMP/producers_table.out")"

# 2. A small CSV through the file bridge: one row with a bad price.
IN="$E2E_TMP/data/input"
mkdir -p "$IN"
csv="admin_$run.csv"
cat >"$IN/$csv" <<EOF
event_id,user_id,event_type,product_id,product_name,product_category,product_price,quantity,event_timestamp,session_id,device_type
f-$run-1,u1,view,p1,Mug,Home,3.50,1,2025-01-02T03:04:05Z,s1,mobile
f-$run-2,u2,purchase,p2,Pen,Office,abc,2,2025-01-02T03:04:06Z,s2,desktop
f-$run-3,u3,click,p3,Cup,Home,1.00,1,2025-01-02T03:04:07Z,,tablet
EOF
sha="$(sha256sum "$IN/$csv" | cut -d' ' -f1)"
timeout -k 5 120 "$INGEST_BRIDGE" --target "$E2E_INGEST_ADDR" --watch "$IN" --archive "$E2E_TMP/data/archive" \
  --failed "$E2E_TMP/data/failed" --connect-timeout 10s --settle 200ms --once >"$E2E_TMP/bridge.out" 2>&1 ||
  e2e_fail "file-bridge --once failed: $(tail -n 3 "$E2E_TMP/bridge.out")"
expect_ok where_file_bad where "f-$run-2" --json
e2e_assert_eq "in_window|bad_number|3|file|$csv" \
  "$(json_fields "$E2E_TMP/where_file_bad.out" state code index source origin)" \
  "where of the file's bad row in the window (state|code|line|source|origin)"

# 3. Flush: committed and rejected.
expect_ok flush1 flush --timeout 60s
expect_ok where_committed where "$acked_id" --json
e2e_assert_eq "committed|1|$server_id" "$(json_fields "$E2E_TMP/where_committed.out" state batch_id server_id)" \
  "where after the flush (state|batch|server)"
[[ -n "$(json_fields "$E2E_TMP/where_committed.out" committed_at)" ]] || e2e_fail "where of a committed event lacks committed_at"
e2e_assert_eq "$acked_id" "$(e2e_json "$E2E_TMP/where_committed.out" 'd["event"]["event_id"]')" "the stored event in the answer"

read -r rejected_id rejected_code <<<"$(e2e_sql "SELECT event_id, code FROM rejected_events WHERE origin = '$gen' AND event_id IS NOT NULL ORDER BY id LIMIT 1" | tr '|' ' ')"
[[ -n "$rejected_id" ]] || e2e_fail "the generator's --invalid-ratio produced no rejected_events row with an event id"
expect_ok where_rejected where "$rejected_id" --json
e2e_assert_eq "rejected|$rejected_code|1|$gen" \
  "$(json_fields "$E2E_TMP/where_rejected.out" state code batch_id origin)" \
  "where of a rejected event (state|code|batch|origin)"

# 4. rejections, with and without --code, table and JSON.
total_rejected="$(e2e_sql "SELECT count(*) FROM rejected_events")"
((total_rejected > 1)) || e2e_fail "expected several rejected events, found $total_rejected"
expect_ok rejections_all rejections --limit 1000 --json
e2e_assert_eq "$total_rejected" "$(e2e_json "$E2E_TMP/rejections_all.out" 'len(d["rejections"])')" "rejections listed with --limit 1000"
e2e_assert_eq "$(e2e_sql "SELECT string_agg(coalesce(event_id, '') || ':' || code, ' ' ORDER BY id DESC) FROM rejected_events")" \
  "$(e2e_json "$E2E_TMP/rejections_all.out" '" ".join(r["event_id"] + ":" + r["code"] for r in d["rejections"])')" \
  "rejections newest first, with event ids and codes"
expect_ok rejections_code rejections --code "$rejected_code" --json
e2e_assert_eq "$(e2e_sql "SELECT least(count(*), 20) FROM rejected_events WHERE code = '$rejected_code'")|$rejected_code" \
  "$(e2e_json "$E2E_TMP/rejections_code.out" 'str(len(d["rejections"])) + "|" + ",".join(sorted(set(r["code"] for r in d["rejections"])))')" \
  "rejections --code $rejected_code (count|codes)"
expect_ok rejections_file rejections --code bad_number --json
e2e_assert_eq "$csv|3|file" "$(json_row "$E2E_TMP/rejections_file.out" rejections event_id "f-$run-2" origin index source)" \
  "the file's rejected row (origin|line|source)"
expect_ok rejections_table rejections
head -n 1 "$E2E_TMP/rejections_table.out" | grep -q "^RECEIVED AT  *SOURCE  *ORIGIN  *POS  *EVENT ID  *CODE  *BATCH  *REASON$" ||
  e2e_fail "rejections table header: $(head -n 1 "$E2E_TMP/rejections_table.out")"
grep -q "$rejected_code" "$E2E_TMP/rejections_table.out" || e2e_fail "rejections table lacks code $rejected_code"
grep -q "…" "$E2E_TMP/rejections_table.out" && e2e_fail "piped output without COLUMNS was cut"
COLUMNS=100 e2e_admin rejections >"$E2E_TMP/rejections_narrow.out"
"$E2E_PYTHON" - "$E2E_TMP/rejections_narrow.out" <<'EOF' || e2e_fail "COLUMNS=100 rejections: $(cat "$E2E_TMP/rejections_narrow.out")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines and all(len(l) <= 100 for l in lines), max(len(l) for l in lines)
assert any("…" in l for l in lines[1:])
EOF
e2e_log "ok: COLUMNS=100 cuts the rejections table to 100 columns with …"

# 5. files and batches.
expect_ok files_json files --json
e2e_assert_eq "$sha|2|1|False|$server_id|$(stat -c %s "$E2E_TMP/data/archive/$csv")" "$(json_row "$E2E_TMP/files_json.out" files file_name "$csv" \
  sha256 accepted rejected duplicate server_id size_bytes)" \
  "files: the upload (sha256|accepted|rejected|duplicate|server|size)"
expect_ok files_table files
grep -q "$csv" "$E2E_TMP/files_table.out" || e2e_fail "files table lacks $csv: $(cat "$E2E_TMP/files_table.out")"
expect_ok batches_table batches
head -n 1 "$E2E_TMP/batches_table.out" | grep -q " SERVER  *SOURCES$" || e2e_fail "batches header lacks SERVER: $(head -n 1 "$E2E_TMP/batches_table.out")"
grep -q "  $server_id  " "$E2E_TMP/batches_table.out" || e2e_fail "batches table lacks the server id $server_id"
expect_ok batches_json batches --json
e2e_assert_eq "$server_id" "$(e2e_json "$E2E_TMP/batches_json.out" 'd["batches"][0]["server_id"]')" "server_id of the newest batch"
expect_ok producers_after producers --json
e2e_assert_eq 3 "$(e2e_json "$E2E_TMP/producers_after.out" \
  "[p['last_committed_sequence'] for p in d['producers'] if p['producer_id'] == '$gen'][0]")" "committed sequence of $gen after the flush"

# 6. PostgreSQL unreachable: two flushed batches wait, sealed; the second is spilled. A producer
# streams throughout (its state was loaded while the database was up); its event ids are
# <producer>-<sequence>-<index>, so an id of a batch received before a flush is known.
cont="$gen-c"
timeout -k 5 180 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id "$cont" --events 10 --continuous \
  --duration 15s --interval 0.2 --seed 8 --connect-timeout 30s --drain-timeout 120s --json \
  >"$E2E_TMP/gen-$cont.json" 2>"$E2E_TMP/gen-$cont.err" &
cont_pid=$!
e2e_on_exit "kill $cont_pid 2>/dev/null || true"
received_seq() {
  e2e_admin producers --json | "$E2E_PYTHON" -c \
    "import json,sys; print(max([int(p['last_received_sequence']) for p in json.load(sys.stdin)['producers'] if p['producer_id'] == '$cont'] or [0]))"
}
last_batch="$(e2e_admin status --json | "$E2E_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["last_batch_id"])')"
seq3=0
for ((i = 0; i < 150 && seq3 < 2; i++)); do
  sleep 0.2
  seq3="$(received_seq)"
done
((seq3 >= 2)) || e2e_fail "producer $cont sent nothing within 30 s"
e2e_relay_stop
e2e_log "the server is cut off from PostgreSQL (producer $cont at sequence $seq3)"
sleep 1
admin_run flush_down flush --timeout 3s
expect_one_line flush_down 1 "flush did not complete"
# The first sequence sent after that flush: in the open window now.
seq4=""
for ((s = seq3 + 1; s < seq3 + 500; s++)); do
  admin_run probe where "$cont-$s-0" --json
  [[ "$(rc_of probe)" == 0 ]] || continue
  if [[ "$(e2e_json "$E2E_TMP/probe.out" 'd["state"]')" == in_window ]]; then
    seq4="$s"
    break
  fi
done
[[ -n "$seq4" ]] || e2e_fail "no batch of $cont reached the open window after the flush"
admin_run flush_down2 flush --timeout 3s
expect_one_line flush_down2 1 "flush did not complete"
for pair in "$seq3:$((last_batch + 1))" "$seq4:$((last_batch + 2))"; do
  expect_ok where_sealed where "$cont-${pair%%:*}-0" --json
  e2e_assert_eq "sealed|${pair##*:}|$cont" "$(json_fields "$E2E_TMP/where_sealed.out" state batch_id origin)" \
    "where of $cont-${pair%%:*}-0, flushed while PostgreSQL is down (state|batch|origin)"
done
admin_run where_down where "$acked_id"
expect_one_line where_down 1 "WhereIsEvent at $E2E_ADMIN_ADDR failed: UNAVAILABLE: .*PostgreSQL"
admin_run rejections_down rejections
expect_one_line rejections_down 1 "ListRejections at $E2E_ADMIN_ADDR failed: UNAVAILABLE"
# The server's probe (every 5 s) notices: status has a database line and /metrics a gauge.
database_field() {
  e2e_admin status --json | "$E2E_PYTHON" -c 'import json, sys
print(json.load(sys.stdin).get("database", {}).get(sys.argv[1], ""))' "$1"
}
database_is() { [[ "$(database_field reachable)" == "$1" ]]; }
e2e_wait_until 20 "status to show PostgreSQL unreachable" database_is False
[[ "$(database_field error)" == *"PostgreSQL"* ]] || e2e_fail "the database error does not say what failed: $(database_field error)"
"$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/metrics-down.txt"
e2e_assert_eq 0 "$("$E2E_PYTHON" "$(dirname "$0")/metrics_check.py" value "$E2E_TMP/metrics-down.txt" ingest_database_up)" \
  "ingest_database_up while PostgreSQL is cut off"
e2e_log "ok: status says the database is unreachable: $(database_field error)"
e2e_relay_start
e2e_log "PostgreSQL reachable again"
e2e_wait_until 20 "status to show PostgreSQL reachable again" database_is True
expect_ok flush_up flush --timeout 60s
expect_ok where_sealed_later where "$cont-$seq4-0" --json
e2e_assert_eq "committed|$((last_batch + 2))" "$(json_fields "$E2E_TMP/where_sealed_later.out" state batch_id)" \
  "where of the spilled batch's event once committed"
rc=0
wait "$cont_pid" || rc=$?
e2e_assert_eq 0 "$rc" "exit code of the streaming generator"
e2e_assert_eq 0 "$(e2e_json "$E2E_TMP/gen-$cont.json" 'd["batches_not_acked"]')" "batches of $cont not acked"

# 7. unknown, an unreachable server, bad usage.
admin_run where_unknown where "no-such-event-$run"
expect_one_line where_unknown 1 "event 'no-such-event-$run' is unknown to the server at $E2E_ADMIN_ADDR"
grep -q "^state  *unknown$" "$E2E_TMP/where_unknown.out" || e2e_fail "no 'state unknown' line: $(cat "$E2E_TMP/where_unknown.out")"
unreachable="127.0.0.1:$(e2e_free_port)"
for cmd in producers rejections files "where x"; do
  rc=0
  # shellcheck disable=SC2086
  "$INGEST_ADMIN" --target "$unreachable" $cmd >"$E2E_TMP/unreachable.out" 2>"$E2E_TMP/unreachable.err" || rc=$?
  echo "$rc" >"$E2E_TMP/unreachable.rc"
  expect_one_line unreachable 2 "cannot reach the ingest-server admin API at $unreachable (connection refused): is the server running"
done
admin_run usage_where where
expect_one_line usage_where 2 "EVENT_ID is required: run ingest-admin where --help"
admin_run usage_code rejections --code nope
expect_one_line usage_code 2 "unknown code 'nope'"
admin_run usage_limit files --limit 0
expect_one_line usage_limit 2 "must be a whole number from 1 to 1000"

# 8. --watch redraws until SIGINT, and exits with the last frame's code.
rc=0
timeout --preserve-status -s INT 3.5 "$INGEST_ADMIN" --target "$E2E_ADMIN_ADDR" --watch 1 producers \
  >"$E2E_TMP/watch.out" 2>"$E2E_TMP/watch.err" || rc=$?
e2e_assert_eq 0 "$rc" "exit code of --watch after SIGINT"
frames="$(grep -c "^every 1s: ingest-admin producers at $E2E_ADMIN_ADDR" "$E2E_TMP/watch.out" || true)"
((frames >= 2 && frames <= 5)) || e2e_fail "--watch 1 drew $frames frames in 3.5 s: $(head -n 5 "$E2E_TMP/watch.out")"
grep -q $'\x1b' "$E2E_TMP/watch.out" && e2e_fail "--watch cleared the screen although stdout is not a terminal"
e2e_log "ok: --watch drew $frames frames, then stopped on SIGINT"
e2e_log "PASS"
