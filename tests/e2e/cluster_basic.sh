#!/usr/bin/env bash
# Three ingest-servers behind HAProxy (scripts/cluster.sh) on one database, producers connected
# to the balancer only: the balancer spreads their streams over all three servers; a server sent
# SIGTERM (with --drain-grace) answers NOT_SERVING, HAProxy's gRPC health check marks it DOWN
# while it still serves, new streams go to the two others, its own producers move over when it
# ends their streams; every producer has all its batches acked, and every acked event is stored
# exactly once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cluster_lib.sh"

export INGEST_CLUSTER_DRAIN_GRACE=6s INGEST_CLUSTER_SERVER_OPTS="--trigger 1s"
e2e_cluster_start 3

# balancer_status ID: HAProxy's status of server ID (UP, DOWN, UP_1/2 ...).
balancer_status() { "$CLUSTER" balancer | awk -v id="$1" '$1 == id { print $2 }'; }
for i in 1 2 3; do e2e_assert_eq UP "$(balancer_status "cluster-$i")" "HAProxy's status of cluster-$i"; done

# generate NAME PRODUCERS: a load through the balancer, in the background, until SIGTERM (90 s at
# most; not under `timeout`, which would pass the generator a second SIGTERM: "stop waiting for
# acks"); sets GEN_PID.
generate() {
  "$INGEST_GENERATOR" --target "$FRONT" --producer-id "$1" --producers "$2" --events 50 \
    --continuous --duration 90s --interval 100ms --acked-log "$E2E_TMP/acked-$1.log" --drain-timeout 60s \
    >"$E2E_TMP/$1.out" 2>"$E2E_TMP/$1.err" &
  GEN_PID=$!
  e2e_on_exit "kill $GEN_PID 2>/dev/null"
}
# servers_of PREFIX: the servers that committed batches from producers PREFIX-*, one line each.
servers_of() {
  e2e_sql "SELECT DISTINCT server_id FROM ingest_batches, unnest(sources) AS s WHERE s LIKE '$1-%' ORDER BY 1"
}
all_three() { [[ "$(servers_of early | wc -l)" == 3 ]]; }

generate early 6
early=$GEN_PID
e2e_wait_until 30 "batches of the early producers committed by each of the three servers" all_three
e2e_log "ok: the balancer spread 6 producers over $(servers_of early | tr '\n' ' ')"

pid1="$(cat "$INGEST_CLUSTER_DIR/server-1/pid")"
"$CLUSTER" drain 1 >>"$E2E_TMP/cluster-drain.log"
down() { [[ "$(balancer_status cluster-1)" == DOWN ]]; }
e2e_wait_until 6 "HAProxy to mark cluster-1 DOWN after its SIGTERM" down
# Out of rotation before it stopped: the server is still in its grace, serving.
kill -0 "$pid1" 2>/dev/null || e2e_fail "cluster-1 exited before HAProxy marked it DOWN"
e2e_log "ok: HAProxy marked cluster-1 DOWN while it still served ($("$CLUSTER" balancer | tr '\n' ';'))"
# Its open streams go on through the balancer during the grace: the sum of the durable (so acked)
# sequences of the producers connected to it still grows.
durable_on_1() {
  "$INGEST_ADMIN" --target "$(sed -n 's/^admin=//p' "$INGEST_CLUSTER_DIR/server-1/ready")" producers --json |
    "$E2E_PYTHON" -c 'import json, sys
print(sum(int(p["last_durable_sequence"]) for p in json.load(sys.stdin)["producers"] if p.get("connected")))'
}
before="$(durable_on_1)"
sleep 1
after="$(durable_on_1)"
((after > before)) || e2e_fail "no batch acked by cluster-1 after it left the rotation (durable sequences $before, then $after)"
e2e_log "ok: cluster-1's streams went on while it was DOWN in HAProxy (durable sequences $before, 1 s later $after)"

generate late 4
late=$GEN_PID
e2e_wait_until 60 "cluster-1 to drain and exit" bash -c "! kill -0 $pid1 2>/dev/null"
grep -q "stopped: last committed batch" "$INGEST_CLUSTER_DIR/server-1/server.log" ||
  e2e_fail "cluster-1's log does not say it stopped after committing"
# The early producers cluster-1 had go on through the two others: wait for a batch of each early
# producer committed after its exit.
gone_at="$(e2e_sql "SELECT now()")"
moved() {
  [[ "$(e2e_sql "SELECT count(DISTINCT s) FROM ingest_batches, unnest(sources) AS s
    WHERE s LIKE 'early-%' AND committed_at > '$gone_at'")" == 6 ]]
}
e2e_wait_until 30 "batches of all six early producers committed by cluster-2 and cluster-3" moved

for gen in "$early" "$late"; do kill -TERM "$gen" 2>/dev/null || true; done
for name in early late; do
  rc=0
  [[ $name == early ]] && gen=$early || gen=$late
  wait "$gen" || rc=$?
  [[ $rc -eq 0 ]] || { tail -n 5 "$E2E_TMP/$name.err" >&2; e2e_fail "the $name generator exited $rc (not every batch acked?)"; }
done
e2e_log "ok: both generators had every batch acked"
"$CLUSTER" stop >>"$E2E_TMP/cluster-stop.log" 2>&1

e2e_assert_eq "cluster-2 cluster-3" "$(servers_of late | tr '\n' ' ' | sed 's/ $//')" \
  "servers that took the producers started after cluster-1 left the rotation"
e2e_assert_acked_stored_once "3 servers, one drained"
e2e_assert_eq "$(wc -l <"$E2E_TMP/acked.sorted")" "$(e2e_sql 'SELECT count(*) FROM user_events')" \
  "rows of user_events against events acked"
