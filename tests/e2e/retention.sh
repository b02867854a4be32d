#!/usr/bin/env bash
# --retention: a retention shorter than an hour is refused at start; with --retention 1h the
# server deletes the bookkeeping rows older than that (ingest_batches, rejected_events,
# ingested_files) in its first pass, keeps the newer ones, each server's newest batch and every
# event, and says what it deleted in its log.
source "$(dirname "$0")/lib.sh"

e2e_start_refused "--retention 30m is too short: at least 1h, or 0s to keep every row" --retention 30m

e2e_create_db
"$INGEST_SERVER" migrate --db "$E2E_DSN" >"$E2E_TMP/migrate.out" 2>&1 || { cat "$E2E_TMP/migrate.out" >&2; e2e_fail "migrate failed"; }
for i in 1 2 3; do
  e2e_sql "INSERT INTO ingest_batches (server_id, batch_id, committed_at) VALUES ('gone', $i, now() - interval '2 days')"
  e2e_sql "INSERT INTO rejected_events (code, received_at) VALUES ('missing_field', now() - interval '2 days')"
  e2e_sql "INSERT INTO ingested_files (sha256, file_name, ingested_at) VALUES (lpad('$i', 64, '0'), 'old$i.csv', now() - interval '2 days')"
done
e2e_sql "INSERT INTO rejected_events (code, received_at) VALUES ('bad_enum', now() - interval '10 minutes')"

e2e_start_server --retention 1h
timeout -k 5 60 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id kept --events 10 --batches 3 --interval 0 \
  --acked-log "$E2E_TMP/acked.log" >"$E2E_TMP/gen.out" 2>&1 || { cat "$E2E_TMP/gen.out" >&2; e2e_fail "the generator failed"; }
e2e_admin flush >/dev/null || e2e_fail "ingest-admin flush failed"
retained() { grep -q "retention: deleted rows older than 1h" "$E2E_TMP/server.log"; }
e2e_wait_until 30 "the first retention pass in the log" retained
e2e_log "ok: $(grep -o 'retention: deleted.*' "$E2E_TMP/server.log" | head -1)"
e2e_assert_eq "gone:3" "$(e2e_sql "SELECT string_agg(server_id || ':' || batch_id, ',') FROM ingest_batches WHERE server_id = 'gone'")" \
  "the old batches left: only the newest of their server"
e2e_assert_eq "bad_enum" "$(e2e_sql "SELECT string_agg(code, ',') FROM rejected_events")" "rejections left: the recent one"
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) FROM ingested_files")" "old files left"
kept="$(e2e_sql "SELECT count(*) FROM ingest_batches WHERE server_id <> 'gone'")"
((kept >= 1)) || e2e_fail "this server's recent batches were deleted ($kept left)"
e2e_log "ok: this server's recent batches kept ($kept)"
e2e_assert_acked_stored_once "with --retention 1h"
