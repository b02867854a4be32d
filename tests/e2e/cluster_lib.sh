# Sourced by the e2e tests of several servers (after lib.sh): scripts/cluster.sh on this test's
# database, its folder under $E2E_TMP and free ports, stopped when the test exits.
# shellcheck shell=bash

command -v haproxy >/dev/null && command -v socat >/dev/null ||
  e2e_fail "haproxy or socat not found; run scripts/setup-deps.sh"
CLUSTER="$INGEST_SOURCE_DIR/scripts/cluster.sh"

# e2e_cluster_start N: a fresh database, then N servers behind HAProxy; sets FRONT, the address
# producers use. Set INGEST_CLUSTER_DRAIN_GRACE and INGEST_CLUSTER_SERVER_OPTS before.
e2e_cluster_start() {
  e2e_create_db
  export INGEST_CLUSTER_DIR="$E2E_TMP/cluster" INGEST_CLUSTER_DSN="$E2E_DSN" INGEST_CLUSTER_PORT_BASE=0
  INGEST_CLUSTER_PORT="$(e2e_free_port)"
  export INGEST_CLUSTER_PORT
  FRONT="127.0.0.1:$INGEST_CLUSTER_PORT"
  e2e_on_exit '"$CLUSTER" stop >>"$E2E_TMP/cluster-stop.log" 2>&1'
  "$CLUSTER" start "$1" >"$E2E_TMP/cluster-start.log" 2>&1 ||
    { cat "$E2E_TMP/cluster-start.log" >&2; e2e_fail "scripts/cluster.sh start $1 failed (output above)"; }
  e2e_log "$1 servers behind HAProxy on $FRONT"
}
