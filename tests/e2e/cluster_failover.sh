#!/usr/bin/env bash
# Failover through HAProxy (scripts/cluster.sh): 3 servers on one database, 16 producers
# connected to the balancer only. Mid-run server 1 is killed (kill -9: what it acked and had not
# committed stays in its log), then server 2 is drained (SIGTERM: out of rotation, then it commits
# and exits); the producers go on through the servers left, and server 1's dir is adopted by
# `ingest-server --adopt`. Every acked event is stored exactly once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cluster_lib.sh"

# A 2 s window: server 1 dies holding acked batches it has not committed.
export INGEST_CLUSTER_DRAIN_GRACE=4s INGEST_CLUSTER_SERVER_OPTS="--trigger 2s"
e2e_cluster_start 3

# --interval 250ms keeps each producer's batches within the 1,024 acks PostgreSQL keeps for it, so
# the last check sees them all; --duration bounds the run, SIGTERM (sent to the generator itself,
# once) ends it sooner: it stops sending and waits for every ack.
"$INGEST_GENERATOR" --target "$FRONT" --producer-id fo --producers 16 --events 100 --continuous \
  --interval 250ms --duration 300s --acked-log "$E2E_TMP/acked.log" --drain-timeout 90s \
  >"$E2E_TMP/generator.out" 2>"$E2E_TMP/generator.err" &
gen=$!
e2e_on_exit "kill $gen 2>/dev/null"

batches_of() { e2e_sql "SELECT count(*) FROM ingest_batches WHERE server_id = '$1'"; }
producers_on() {  # producers_on SERVER_ID: producers whose batches it committed
  e2e_sql "SELECT count(DISTINCT s) FROM ingest_batches, unnest(sources) AS s WHERE server_id = '$1' AND s LIKE 'fo-%'"
}
# Mid-run: each server has producers and has committed a few micro-batches.
spread() {
  local i
  for i in 1 2 3; do
    [[ "$(producers_on cluster-$i)" -gt 0 && "$(batches_of cluster-$i)" -ge 3 ]] || return 1
  done
}
e2e_wait_until 60 "3 micro-batches committed by each of the three servers" spread
e2e_log "ok: producers per server: $(producers_on cluster-1), $(producers_on cluster-2), $(producers_on cluster-3)"

# Server 1 dies between two commits: acks sent, batches only in its log.
sleep 1
claimed_by_1="$(e2e_sql "SELECT count(*) FROM producers WHERE server_id = 'cluster-1' AND producer_id LIKE 'fo-%'")"
"$CLUSTER" kill 1 >>"$E2E_TMP/cluster.log"
killed_at="$(e2e_sql "SELECT now()")"
before_adoption="$(batches_of cluster-1)"
e2e_log "killed cluster-1 (it had committed $before_adoption batches)"

# Its producers go on through the two others: every producer commits again after the kill.
all_going() {
  [[ "$(e2e_sql "SELECT count(DISTINCT s) FROM ingest_batches, unnest(sources) AS s
    WHERE s LIKE 'fo-%' AND committed_at > '$killed_at'")" == 16 ]]
}
e2e_wait_until 60 "all 16 producers committing through cluster-2 and cluster-3 after the kill" all_going
# Each of them is logged where it arrived, with the server it came from.
moved="$(cat "$INGEST_CLUSTER_DIR"/server-{2,3}/server.log |
  sed -n "s/.*producer '\(fo-[0-9]*\)' moved here from server 'cluster-1'.*/\1/p" | sort -u | wc -l)"
[[ "$moved" == "$claimed_by_1" ]] ||
  e2e_fail "cluster-2 and cluster-3 logged $moved producers moving from cluster-1, which had $claimed_by_1"
e2e_log "ok: the $moved producers of cluster-1 logged as moved by the servers they reached"

"$CLUSTER" drain 2 --wait >>"$E2E_TMP/cluster.log" || e2e_fail "draining cluster-2 failed"
grep -q "stopped: last committed batch" "$INGEST_CLUSTER_DIR/server-2/server.log" ||
  e2e_fail "cluster-2's log does not say it stopped after committing"
drained_at="$(e2e_sql "SELECT now()")"
on_three() {
  [[ "$(e2e_sql "SELECT count(DISTINCT s) FROM ingest_batches, unnest(sources) AS s
    WHERE server_id = 'cluster-3' AND s LIKE 'fo-%' AND committed_at > '$drained_at'")" == 16 ]]
}
e2e_wait_until 60 "all 16 producers committing through cluster-3 after the drain" on_three
e2e_log "ok: cluster-2 drained; every producer goes on through cluster-3"

# Adopt the dead server's dir while the load goes on.
# A live server's dir cannot be adopted: cluster-3 holds its lock.
rc=0
timeout -k 5 60 "$INGEST_SERVER" --db "$E2E_DSN" --adopt "$INGEST_CLUSTER_DIR/server-3/checkpoints" \
  >"$E2E_TMP/adopt-live.out" 2>&1 || rc=$?
[[ $rc -ne 0 ]] && grep -q "is in use by another ingest-server (pid $(cat "$INGEST_CLUSTER_DIR/server-3/pid"))" "$E2E_TMP/adopt-live.out" ||
  e2e_fail "--adopt of live cluster-3's dir was not refused naming its pid (exit $rc): $(cat "$E2E_TMP/adopt-live.out")"
e2e_log "ok: --adopt of a live server's dir refused: $(grep -m1 "in use" "$E2E_TMP/adopt-live.out")"

# scripts/cluster.sh adopt 1: ingest-server --adopt on cluster-1's checkpoint dir.
timeout -k 5 120 "$CLUSTER" adopt 1 >"$E2E_TMP/adopt.out" 2>&1 ||
  { cat "$E2E_TMP/adopt.out" >&2; e2e_fail "--adopt of cluster-1's dir failed"; }
grep -q "(server id cluster-1): its log is committed" "$E2E_TMP/adopt.out" ||
  e2e_fail "--adopt did not say what it did: $(cat "$E2E_TMP/adopt.out")"
adopted=$(($(batches_of cluster-1) - before_adoption))
((adopted > 0)) || e2e_fail "the adoption committed no batch of cluster-1's log: the kill left nothing to adopt"
e2e_log "ok: the adoption committed $adopted batches cluster-1 had acked and not committed"

kill -TERM "$gen" 2>/dev/null || true
rc=0
wait "$gen" || rc=$?
[[ $rc -eq 0 ]] || { tail -n 5 "$E2E_TMP/generator.err" >&2; e2e_fail "the generator exited $rc (not every batch acked?)"; }
e2e_log "generator: $(grep -m1 -i "acked" "$E2E_TMP/generator.out" || tail -n 1 "$E2E_TMP/generator.out")"
grep -q "FAILED_PRECONDITION" "$E2E_TMP/generator.err" && e2e_fail "a producer was refused: $(grep -m1 FAILED_PRECONDITION "$E2E_TMP/generator.err")"
"$CLUSTER" stop >>"$E2E_TMP/cluster-stop.log" 2>&1
e2e_assert_acked_stored_once "a kill, a drain and an adoption"
# No batch committed twice (by two servers, or by the adoption after a resend): the generator's
# event ids are all new, so no commit ever updated a row.
e2e_assert_eq 0 "$(e2e_sql "SELECT coalesce(sum(updated), 0) FROM ingest_batches")" "rows updated by a second commit of a batch"
e2e_assert_eq "$(e2e_sql "SELECT count(*) FROM user_events")" "$(e2e_sql "SELECT sum(inserted) FROM ingest_batches")" \
  "rows in user_events, against the rows the committed batches inserted"
# Every batch of every producer committed once, with no sequence missing: its acks are 1..last.
e2e_assert_eq 0 "$(e2e_sql "SELECT count(*) FROM producers p WHERE producer_id LIKE 'fo-%' AND last_sequence <>
  (SELECT count(*) FROM producer_acks a WHERE a.producer_id = p.producer_id AND a.sequence <= p.last_sequence)")" \
  "producers whose committed batches are not exactly 1..last_sequence"
e2e_log "PASS"
