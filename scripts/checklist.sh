#!/usr/bin/env bash
# The seed pipeline's testing checklist, run against the running demo (scripts/demo.sh): one line
# per item, PASS or FAIL with what was checked, then a count. See docs/test_cases.md for what each
# item means and the tests behind it.
#
#   scripts/demo.sh && scripts/checklist.sh
#
# It reads the demo's addresses from .local/server.ready and its checkpoints from
# .local/checkpoints, and adds a little data of its own (two CSV files, a batch with invalid
# events) under producer and file names that start with "checklist-". Exit 0 when every line
# passes, 1 otherwise, 2 when the demo is not running.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${INGEST_BUILD_DIR:-build}"
READY=.local/server.ready
CHECKPOINTS=.local/checkpoints
GENERATOR="$BUILD_DIR/generator-client/event-generator"
BRIDGE="$BUILD_DIR/file-bridge/file-bridge"
ADMIN="$BUILD_DIR/admin-cli/ingest-admin"
[[ -s "$READY" ]] || { echo "checklist: no running demo ($READY is missing): run scripts/demo.sh first" >&2; exit 2; }
INGEST="$(sed -n 's/^ingest=//p' "$READY")" ADMIN_ADDR="$(sed -n 's/^admin=//p' "$READY")"
METRICS="$(sed -n 's/^metrics=//p' "$READY")"
"$ADMIN" --target "$ADMIN_ADDR" health >/dev/null 2>&1 ||
  { echo "checklist: the demo's ingest-server does not answer at $ADMIN_ADDR: run scripts/demo.sh" >&2; exit 2; }
eval "$(scripts/pg.sh env)"
sql() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$INGEST_OWNER_DSN" -c "$1"; }
WORK="$(mktemp -d /tmp/checklist.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
RUN="checklist-$(date +%s)"
passed=0 failed=0
# result ITEM OK DETAIL: prints the line; OK is 0 for PASS.
result() {
  if [[ "$2" == 0 ]]; then
    passed=$((passed + 1))
    printf 'PASS  %s: %s\n' "$1" "$3"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s: %s\n' "$1" "$3"
  fi
}
check() { # ITEM DETAIL COMMAND...: PASS when COMMAND succeeds
  local item="$1" detail="$2" rc=0
  shift 2
  "$@" >/dev/null 2>&1 || rc=1
  result "$item" "$rc" "$detail"
}

# 1. CSV files are generated correctly: the seed's names and header, every row read back.
"$GENERATOR" --csv-out "$WORK/input" --catalog-out "" --producer-id "$RUN" --events 50 --batches 2 --interval 0 \
  >/dev/null 2>"$WORK/csv.err" || true
header="event_id,user_id,event_type,product_id,product_name,product_category,product_price,quantity,event_timestamp,session_id,device_type"
csv_ok() {
  local files=("$WORK"/input/events_batch_*_*.csv)
  ((${#files[@]} == 2)) && [[ ! -e "$WORK/input/.tmp" ]] || return 1
  for f in "${files[@]}"; do
    [[ "$(basename "$f")" =~ ^events_batch_[0-9]{4}_[0-9]{8}\.csv$ ]] || return 1
    [[ "$(head -1 "$f" | tr -d '\r')" == "$header" ]] || return 1
    (($(tail -n +2 "$f" | grep -c .) == 50)) || return 1
  done
}
check "1. CSV files are generated correctly" \
  "2 files named events_batch_NNNN_YYYYMMDD.csv, the seed's header, 50 rows each" csv_ok

# 2. New files are processed: file-bridge uploads both, they are recorded and archived.
"$BRIDGE" --once --target "$INGEST" --watch "$WORK/input" --archive "$WORK/archive" --failed "$WORK/failed" \
  --settle 200ms >/dev/null 2>"$WORK/bridge.err" || true
"$ADMIN" --target "$ADMIN_ADDR" flush >/dev/null 2>&1 || true
digests="$(sha256sum "$WORK"/archive/*.csv 2>/dev/null | awk '{ printf "%s'\''%s'\''", (NR > 1 ? "," : ""), $1 }')"
files_in_db="$(sql "SELECT count(*) FROM ingested_files WHERE sha256 IN (${digests:-''})")"
rows_in_db="$(sql "SELECT count(*) FROM user_events WHERE event_id LIKE '$RUN-%' AND source = 'file'")"
rc=0
[[ "$files_in_db" == 2 && "$rows_in_db" == 100 && -z "$(ls -A "$WORK/input" 2>/dev/null | grep -v '^catalog')" ]] || rc=1
result "2. New files are processed" "$rc" "2 files uploaded, archived and in ingested_files ($files_in_db); their rows in user_events: $rows_in_db of 100"

# 3. Data transformations are correct, over every row stored.
bad="$(sql "SELECT count(*) FROM user_events WHERE total_price <> product_price * quantity
  OR event_date <> (event_timestamp AT TIME ZONE 'UTC')::date
  OR event_type NOT IN ('view','click','add_to_cart','remove_from_cart','wishlist','purchase') OR quantity < 1")"
rows="$(sql 'SELECT count(*) FROM user_events')"
buy="$(sql "SELECT count(*) FROM raw_events WHERE event_type = 'buy'") $(sql "SELECT count(*) FROM user_events WHERE event_type = 'purchase'")"
rc=0
[[ "$bad" == 0 && "$rows" -gt 0 && "${buy% *}" == "${buy#* }" ]] || rc=1
result "3. Data transformations are correct" "$rc" \
  "$bad of $rows rows break total_price = price x quantity, event_date = UTC date, the event types; raw_events shows ${buy% *} purchases as buy"

# 4. Data is written to PostgreSQL without errors.
status="$("$ADMIN" --target "$ADMIN_ADDR" status 2>&1 || true)"
pending="$(sed -n 's/^pending batches *//p' <<<"$status")"
rc=0
grep -q '^sink *ok' <<<"$status" && grep -q '^database *reachable' <<<"$status" && [[ "$pending" == 0 ]] || rc=1
result "4. Data is written to PostgreSQL without errors" "$rc" \
  "sink $(sed -n 's/^sink *//p' <<<"$status"), database $(sed -n 's/^database *//p' <<<"$status" | cut -d' ' -f1), pending batches ${pending:-?}"

# 5. Performance metrics are within expected limits (docs/performance.md's targets).
curl -sS --max-time 10 "http://$METRICS/metrics" >"$WORK/metrics.txt" 2>/dev/null || true
share() { # HISTOGRAM LE: the share of observations at or below LE
  awk -v h="$1" -v le="$2" '$1 == h "_bucket{le=\"" le "\"}" { b = $2 } $1 == h "_count" { c = $2 }
    END { printf "%.4f\n", (c > 0 ? b / c : 0) }' "$WORK/metrics.txt"
}
trigger="$(awk '$1 == "ingest_trigger_seconds" { print $2 }' "$WORK/metrics.txt")"
ack="$(share ingest_ack_latency_seconds 0.025)" vis="$(share ingest_visibility_delay_seconds 15)"
rc=0
awk -v a="$ack" -v v="$vis" -v t="${trigger:-0}" 'BEGIN { exit !(a >= 0.99 && v >= 0.99 && t + 1 <= 15) }' || rc=1
result "5. Performance metrics are within expected limits" "$rc" \
  "acks within 25 ms: $(awk -v a="$ack" 'BEGIN { printf "%.1f", a * 100 }') % (target 99 %); events visible within 15 s (trigger ${trigger:-?} s + 5): $(awk -v v="$vis" 'BEGIN { printf "%.1f", v * 100 }') %"

# 6. Checkpoints are created and maintained: the log, and a commit mark for the last batch.
server_id="$(cat "$CHECKPOINTS/server_id" 2>/dev/null || true)"
last="$(sql "SELECT coalesce(max(batch_id), 0) FROM ingest_batches WHERE server_id = '$server_id'")"
segments="$(find "$CHECKPOINTS/wal" -name '*.wal' 2>/dev/null | wc -l)"
rc=0
[[ "$segments" -ge 1 && -e "$CHECKPOINTS/commits/$last" && -s "$CHECKPOINTS/server_id" ]] || rc=1
result "6. Checkpoints are created and maintained" "$rc" \
  "$CHECKPOINTS: $segments log segment(s), commits/$last for the last committed batch $last, the server id"

# 7. Error handling works: invalid events are rejected with a code, the valid ones stored.
"$GENERATOR" --target "$INGEST" --producer-id "$RUN-bad" --events 100 --batches 1 --interval 0 --invalid-ratio 0.5 \
  --json >"$WORK/bad.json" 2>/dev/null || true
"$ADMIN" --target "$ADMIN_ADDR" flush >/dev/null 2>&1 || true
acked_rejects="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["events_rejected"])' "$WORK/bad.json" 2>/dev/null || echo ?)"
stored_rejects="$(sql "SELECT count(*) FROM rejected_events WHERE origin = '$RUN-bad' AND code <> ''" 2>/dev/null || echo ?)"
stored_rows="$(sql "SELECT count(*) FROM user_events WHERE event_id LIKE '$RUN-bad-%'")"
rc=0
[[ "$acked_rejects" =~ ^[0-9]+$ && "$acked_rejects" -gt 0 && "$stored_rejects" == "$acked_rejects" &&
  $((stored_rows + acked_rejects)) == 100 ]] || rc=1
result "7. Error handling works correctly" "$rc" \
  "a batch of 100 with invalid events: $acked_rejects rejected in the ack, $stored_rejects in rejected_events with a code, $stored_rows stored"

# 8. Database indexes improve query performance: the seed's lookup by user, with and without.
explain() { # extra SETs, then the query's execution time in ms and whether an index was used
  psql -X -q -tA -d "$INGEST_OWNER_DSN" -c "$1" \
    -c "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM user_events WHERE user_id = 'user_0042'" |
    python3 -c 'import json, sys
p = json.loads("".join(l for l in sys.stdin if l.strip()))[0]
print(round(p["Execution Time"], 3), "Index" in json.dumps(p["Plan"]))'
}
read -r with_ms with_index <<<"$(explain 'SET enable_seqscan = on')"
read -r without_ms _ <<<"$(explain 'SET enable_indexscan = off; SET enable_bitmapscan = off')"
rc=0
[[ "$with_index" == True ]] && awk -v a="$with_ms" -v b="$without_ms" 'BEGIN { exit !(a < b) }' || rc=1
result "8. Database indexes improve query performance" "$rc" \
  "user_id lookup over $rows rows: $with_ms ms with user_events_user_id_idx (used: $with_index), $without_ms ms without"

echo "checklist: $passed passed, $failed failed"
((failed == 0))
