#!/usr/bin/env bash
# The file path end to end: seed-style CSV files written by a generator in another language
# (seed_files.py) go through file-bridge and UploadFile into the same tables as streamed events.
#   - good, mixed and malformed files: exact accepted and rejected counts, each rejected row in
#     rejected_events with its line and code, the malformed file in failed/ with its reason;
#   - the same content again: answered as a duplicate, no new rows;
#   - file-bridge killed between the upload and the archive: the restart re-uploads, the server
#     answers a duplicate, the file ends in archive/, no row twice;
#   - a file still being written is not taken before it is complete.
source "$(dirname "$0")/lib.sh"
[[ -x "${INGEST_BRIDGE:-}" ]] || e2e_fail "INGEST_BRIDGE='${INGEST_BRIDGE:-}' is not an executable; run through ctest"

e2e_create_db
e2e_start_server
IN="$E2E_TMP/data/input" AR="$E2E_TMP/data/archive" FL="$E2E_TMP/data/failed"
mkdir -p "$IN"
run="r$RANDOM"
BRIDGE=("$INGEST_BRIDGE" --target "$E2E_INGEST_ADDR" --watch "$IN" --archive "$AR" --failed "$FL"
  --connect-timeout 10s)
sql_count() { e2e_sql "SELECT count(*) FROM $1"; }

# 1. Good, mixed and malformed files.
"$E2E_PYTHON" "$(dirname "$0")/seed_files.py" "$IN" "$run" all 40 >"$E2E_TMP/expect.json"
rc=0
timeout -k 5 120 "${BRIDGE[@]}" --settle 200ms --once --json >"$E2E_TMP/once1.json" 2>"$E2E_TMP/once1.err" || rc=$?
e2e_assert_eq 1 "$rc" "file-bridge exit code with a file sent to failed/"
e2e_assert_eq 2 "$(e2e_json "$E2E_TMP/once1.json" 'd["files_archived"]')" "files archived"
e2e_assert_eq 1 "$(e2e_json "$E2E_TMP/once1.json" 'd["files_failed"]')" "files failed"
e2e_assert_eq "" "$(ls -A "$IN")" "files left in the watched folder"
bad="events_batch_0003_$run.csv"
[[ -f "$FL/$bad" ]] || e2e_fail "$bad is not in failed/"
grep -q "INVALID_ARGUMENT" "$FL/$bad.reason" && grep -q "price" "$FL/$bad.reason" ||
  e2e_fail "failed/$bad.reason does not give the status and the missing price column: $(cat "$FL/$bad.reason")"
e2e_log "ok: $bad refused: $(tr '\n' ' ' <"$FL/$bad.reason")"

e2e_admin flush --timeout 60s >/dev/null || e2e_fail "ingest-admin flush failed"
for f in "events_batch_0001_$run.csv" "events_batch_0002_$run.csv"; do
  want_acc="$(e2e_json "$E2E_TMP/expect.json" "d['$f']['accepted']")"
  want_rej="$(e2e_json "$E2E_TMP/expect.json" "d['$f']['rejected']")"
  e2e_assert_eq "$want_acc" "$(e2e_json "$AR/$f.result.json" 'd["accepted"]')" "$f: accepted in the result"
  e2e_assert_eq "$want_rej" "$(e2e_json "$AR/$f.result.json" 'd["rejected"]')" "$f: rejected in the result"
  e2e_assert_eq "$want_acc|$want_rej" \
    "$(e2e_sql "SELECT accepted || '|' || rejected FROM ingested_files WHERE file_name = '$f'")" "$f: ingested_files"
  prefix="$run-$([[ $f == *0001* ]] && echo good || echo raw)-"
  e2e_assert_eq "$want_acc" "$(e2e_sql "SELECT count(*) FROM user_events WHERE source = 'file'
      AND event_id LIKE '$prefix%'")" "$f: rows in user_events"
  want_lines="$(e2e_json "$E2E_TMP/expect.json" "' '.join(f'{k}:{v}' for k, v in sorted(d['$f']['rejections'].items(), key=lambda kv: int(kv[0])))")"
  got_lines="$(e2e_sql "SELECT string_agg(position || ':' || code, ' ' ORDER BY position) FROM rejected_events
      WHERE origin = '$f' AND source = 'file'")"
  e2e_assert_eq "$want_lines" "$got_lines" "$f: rejected lines and codes in rejected_events"
done
e2e_assert_eq "Mug, \"large\"
blue|3.03|1" "$(e2e_sql "SELECT product_name || '|' || product_price || '|' || quantity FROM user_events
    WHERE event_id = '$run-good-3'")" "a quoted product name with a comma, quotes and a newline"
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE '%-nohdr-%'")" \
  "rows stored from the file with an unusable header"

# 2. The same content under another name: a duplicate, nothing stored.
rows_before="$(sql_count user_events)"
rejects_before="$(sql_count rejected_events)"
cp "$AR/events_batch_0002_$run.csv" "$IN/copy_of_0002.csv"
timeout -k 5 120 "${BRIDGE[@]}" --settle 200ms --once --json >"$E2E_TMP/once2.json" 2>"$E2E_TMP/once2.err" ||
  e2e_fail "file-bridge --once failed on a duplicate: $(tail -n 3 "$E2E_TMP/once2.err")"
e2e_assert_eq True "$(e2e_json "$AR/copy_of_0002.csv.result.json" 'd["duplicate"]')" "duplicate flag of the copy"
e2e_assert_eq "$(e2e_json "$AR/events_batch_0002_$run.csv.result.json" 'd["rejected"]')" \
  "$(e2e_json "$AR/copy_of_0002.csv.result.json" 'd["rejected"]')" "rejected count answered for the duplicate"
e2e_admin flush --timeout 60s >/dev/null
e2e_assert_eq "$rows_before|$rejects_before" "$(sql_count user_events)|$(sql_count rejected_events)" \
  "rows after a duplicate upload"

# 3. Killed between the upload and the archive.
"$E2E_PYTHON" "$(dirname "$0")/seed_files.py" "$IN" "$run" more 30 >"$E2E_TMP/expect-more.json"
more="events_batch_0004_$run.csv"
rc=0
INGEST_FAILPOINTS=bridge_before_archive=crash timeout -k 5 120 "$INGEST_BRIDGE_FAILPOINTS" "${BRIDGE[@]:1}" \
  --settle 200ms --once >/dev/null 2>&1 || rc=$?
e2e_assert_eq 86 "$rc" "file-bridge exit code when killed before the archive"
[[ -f "$IN/$more" ]] || e2e_fail "$more left the watched folder although file-bridge died before archiving it"
timeout -k 5 120 "${BRIDGE[@]}" --settle 200ms --once --json >"$E2E_TMP/once3.json" 2>"$E2E_TMP/once3.err" ||
  e2e_fail "file-bridge --once failed after the crash: $(tail -n 3 "$E2E_TMP/once3.err")"
[[ -f "$AR/$more" ]] || e2e_fail "$more is not in archive/ after the restart"
e2e_assert_eq True "$(e2e_json "$AR/$more.result.json" 'd["duplicate"]')" "the re-upload after the crash is a duplicate"
e2e_admin flush --timeout 60s >/dev/null
e2e_assert_eq 30 "$(e2e_sql "SELECT count(*) FROM user_events WHERE event_id LIKE '$run-more-%'")" "rows of $more"
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) - count(DISTINCT event_id) FROM user_events")" "event ids stored twice"

# 4. A file still being written is not taken early.
"${BRIDGE[@]}" --interval 500ms --settle 2s >"$E2E_TMP/watch.out" 2>&1 &
watcher=$!
e2e_on_exit "kill $watcher 2>/dev/null || true"
slow="events_batch_0005_$run.csv"
"$E2E_PYTHON" "$(dirname "$0")/seed_files.py" "$E2E_TMP/src" "$run" good 12 >/dev/null
mapfile -t lines <"$E2E_TMP/src/events_batch_0001_$run.csv"
for line in "${lines[@]}"; do
  printf '%s\n' "${line//$run-good-/$run-slow-}" >>"$IN/$slow"
  sleep 0.3
  [[ ! -e "$AR/$slow" ]] || e2e_fail "$slow was archived while it was still being written"
done
for ((i = 0; i < 150; i++)); do [[ -e "$AR/$slow.result.json" ]] && break; sleep 0.1; done
[[ -e "$AR/$slow.result.json" ]] || e2e_fail "$slow was not archived within 15 s of being complete"
e2e_assert_eq 12 "$(e2e_json "$AR/$slow.result.json" 'd["accepted"]')" "rows accepted from the slowly written file"
kill -TERM "$watcher"
rc=0
wait "$watcher" || rc=$?
e2e_assert_eq 0 "$rc" "file-bridge exit code after SIGTERM in watch mode"

e2e_admin flush --timeout 60s >/dev/null
e2e_admin batches --limit 20 --json >"$E2E_TMP/batches.json"
grep -q "$slow" "$E2E_TMP/batches.json" || e2e_fail "ingest-admin batches does not name the file $slow among its sources"
e2e_log "PASS"
