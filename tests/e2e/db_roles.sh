#!/usr/bin/env bash
# Least-privilege database access with the real binaries (docs/security.md, "Database roles"):
#   - under the serving role, a start with migrations pending fails with one line naming the
#     versions and `ingest-server migrate`, and changes nothing;
#   - `ingest-server migrate` as the owning role applies them and grants the serving role its
#     rights; the serving role then cannot create, alter, drop or truncate tables;
#   - the server works under the serving role, libpq settings of --db (application_name,
#     sslmode) reach its connections, and its password — from PGPASSFILE, or written into --db —
#     is in none of /proc/PID/cmdline, the log, `ingest-admin status` and /metrics.
source "$(dirname "$0")/lib.sh"
[[ -n "${INGEST_TEST_SERVING_DSN:-}" ]] ||
  e2e_skip "INGEST_TEST_SERVING_DSN is unset; scripts/test.sh sets it to scripts/pg.sh's serving role"
CHECK=("$E2E_PYTHON" "$(dirname "$0")/metrics_check.py")

e2e_create_db
OWNER_DSN="$E2E_DSN"
SERVING_DSN="$INGEST_TEST_SERVING_DSN dbname=$E2E_DB"
ROLE="$(sed -n 's/.*user=\([^ ]*\).*/\1/p' <<<"$INGEST_TEST_SERVING_DSN")"
PG_PORT="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$INGEST_TEST_SERVING_DSN")"
[[ -n "$ROLE" && -n "$PG_PORT" ]] || e2e_fail "INGEST_TEST_SERVING_DSN names no user= or port=: $INGEST_TEST_SERVING_DSN"
PASSWORD="$(awk -F: -v role="$ROLE" -v port="$PG_PORT" '$2 == port && $4 == role { print $5; exit }' "$PGPASSFILE")"
[[ -n "$PASSWORD" ]] || e2e_fail "PGPASSFILE ($PGPASSFILE) holds no password of role $ROLE on port $PG_PORT"
NEEDED="$(find "$INGEST_SOURCE_DIR/sql" -maxdepth 1 -name '[0-9][0-9][0-9]_*.sql' -printf '%f\n' | sort | tail -n 1)"
NEEDED=$((10#${NEEDED:0:3}))
serving_sql() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$SERVING_DSN" -c "$1"; }

# start_refused EXPECTED_VERSION: the server under the serving role exits 1 with the one line.
start_refused() {
  local rc=0 log="$E2E_TMP/refused.$1.log"
  timeout -k 5 60 "$INGEST_SERVER" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --metrics-listen "" \
    --db "$SERVING_DSN" --checkpoint-dir "$E2E_TMP/refused-checkpoints" >"$log" 2>&1 || rc=$?
  e2e_assert_eq 1 "$rc" "exit code of a start under $ROLE with migrations pending (schema at $1)"
  grep -qF "schema is at version $1, this server needs $NEEDED: run \`ingest-server migrate --db …\` as the owning role" "$log" ||
    e2e_fail "no line naming the versions and the migrate command in $log: $(tail -n 3 "$log")"
  e2e_assert_eq 1 "$(grep -c 'error' "$log")" "error lines of the refused start"
}

# 1. A fresh database: the serving role may not create the schema, and tries nothing.
start_refused 0
e2e_assert_eq t "$(e2e_sql "SELECT to_regclass('schema_migrations') IS NULL")" "no schema_migrations made by $ROLE"

# 2. ingest-server migrate as the owner.
"$INGEST_SERVER" migrate --help | grep -q -- '--grant-to' || e2e_fail "migrate --help does not list --grant-to"
"$INGEST_SERVER" migrate --db "$OWNER_DSN" --grant-to "$ROLE" >"$E2E_TMP/migrate.out" 2>&1 ||
  e2e_fail "ingest-server migrate failed: $(cat "$E2E_TMP/migrate.out")"
grep -q "^applied schema migrations 001, .*: the schema is at version $NEEDED$" "$E2E_TMP/migrate.out" ||
  e2e_fail "migrate did not list what it applied: $(cat "$E2E_TMP/migrate.out")"
grep -q "^granted role \"$ROLE\" what ingest-server needs on " "$E2E_TMP/migrate.out" ||
  e2e_fail "migrate did not say what it granted: $(cat "$E2E_TMP/migrate.out")"
e2e_assert_eq "the schema is current (version $NEEDED): nothing to apply" \
  "$("$INGEST_SERVER" migrate --db "$OWNER_DSN")" "a second migrate"
rc=0
"$INGEST_SERVER" migrate --db "$OWNER_DSN sslmode=require" >"$E2E_TMP/ssl.out" 2>&1 || rc=$?
e2e_assert_eq 1 "$rc" "exit code of migrate with sslmode=require against a cluster without TLS"
e2e_assert_eq 1 "$(wc -l <"$E2E_TMP/ssl.out")" "lines printed by the failed migrate"
grep -q "SSL" "$E2E_TMP/ssl.out" || e2e_fail "sslmode=require did not reach libpq: $(cat "$E2E_TMP/ssl.out")"

# 3. No DDL for the serving role.
for sql in "CREATE TABLE intruder (x int)" "DROP TABLE user_events" "ALTER TABLE user_events ADD COLUMN x int" \
  "TRUNCATE user_events" "CREATE INDEX intruder_idx ON user_events (quantity)" \
  "INSERT INTO schema_migrations (version) VALUES (999)"; do
  if out="$(serving_sql "$sql" 2>&1)"; then e2e_fail "$ROLE could run: $sql"; fi
  grep -qE "permission denied|must be owner" <<<"$out" || e2e_fail "$sql failed otherwise than refused: $out"
done
e2e_log "ok: $ROLE is refused CREATE, DROP, ALTER, TRUNCATE, CREATE INDEX and writing schema_migrations"

# 4. An upgrade: one migration pending; refused under the serving role until the owner migrates.
e2e_sql "DELETE FROM schema_migrations WHERE version = $NEEDED" >/dev/null
start_refused $((NEEDED - 1))
"$INGEST_SERVER" migrate --db "$OWNER_DSN" >"$E2E_TMP/upgrade.out" 2>&1 || e2e_fail "migrate: $(cat "$E2E_TMP/upgrade.out")"
grep -q "^applied schema migrations $(printf '%03d' "$NEEDED"): " "$E2E_TMP/upgrade.out" ||
  e2e_fail "migrate did not apply $NEEDED: $(cat "$E2E_TMP/upgrade.out")"

# no_password_seen WHAT: the password is in none of the four places a local user or a scraper sees.
no_password_seen() {
  local pid="$E2E_SERVER_PID" place
  tr '\0' ' ' <"/proc/$pid/cmdline" >"$E2E_TMP/cmdline"
  ps -o args= -p "$pid" >>"$E2E_TMP/cmdline"
  e2e_admin status >"$E2E_TMP/status.txt" || e2e_fail "ingest-admin status failed"
  e2e_admin status --json >>"$E2E_TMP/status.txt" || e2e_fail "ingest-admin status --json failed"
  "${CHECK[@]}" scrape "$E2E_METRICS_ADDR" "$E2E_TMP/metrics.txt" || e2e_fail "GET /metrics failed"
  for place in cmdline server.log status.txt metrics.txt; do
    if grep -qF -- "$PASSWORD" "$E2E_TMP/$place"; then e2e_fail "$1: the password is in $place"; fi
  done
  e2e_log "ok: $1: the password is in none of /proc/PID/cmdline, the log, status and /metrics"
}

# stream_and_count PRODUCER: 3 batches of 20 events, flushed; prints the rows of user_events.
stream_and_count() {
  timeout -k 5 120 "$INGEST_GENERATOR" --target "$E2E_INGEST_ADDR" --producer-id "$1" --events 20 --batches 3 \
    --invalid-ratio 0 --seed 7 --connect-timeout 30s --drain-timeout 60s >"$E2E_TMP/gen.out" 2>&1 ||
    e2e_fail "event-generator exited $?: $(tail -n 3 "$E2E_TMP/gen.out")"
  e2e_admin flush --timeout 60s >/dev/null || e2e_fail "ingest-admin flush failed"
  e2e_sql "SELECT count(*) FROM user_events"
}

# 5. Serving as the serving role, its password from PGPASSFILE, libpq settings in --db.
E2E_DSN="$SERVING_DSN application_name=e2e_db_roles sslmode=disable" e2e_start_server
e2e_assert_eq 60 "$(stream_and_count "roles-a-$RANDOM")" "rows stored by the server as $ROLE"
e2e_assert_eq t "$(e2e_sql "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'e2e_db_roles' \
  AND usename = '$ROLE' AND datname = current_database()")" "sessions of $ROLE with the application_name of --db"
# As the serving role: PostgreSQL shows the TLS state of a session only to its own role.
e2e_assert_eq t "$(serving_sql "SELECT bool_and(NOT ssl) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) \
  WHERE application_name = 'e2e_db_roles'")" "sslmode=disable: no TLS on the server's sessions"
grep -q "applied schema migration" "$E2E_TMP/server.log" && e2e_fail "the serving role applied a migration"
no_password_seen "password from PGPASSFILE"
e2e_stop_server

# 6. The password written into --db: hidden from the process list at start, with a warning.
install -m 600 /dev/null "$E2E_TMP/empty.pgpass"
E2E_DSN="$SERVING_DSN password=$PASSWORD" PGPASSFILE="$E2E_TMP/empty.pgpass" e2e_start_server
grep -q "the --db connection string holds a password: it is hidden from the process list now" "$E2E_TMP/server.log" ||
  e2e_fail "no warning about the password in --db"
grep -qF "password=***" "/proc/$E2E_SERVER_PID/cmdline" || e2e_fail "the masked password is not in the command line"
e2e_assert_eq 120 "$(stream_and_count "roles-b-$RANDOM")" "rows stored with the password from --db"
no_password_seen "password in --db"
e2e_stop_server
e2e_assert_eq 0 "$E2E_SERVER_EXIT" "exit code after SIGTERM"
