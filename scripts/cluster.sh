#!/usr/bin/env bash
# Several ingest-servers behind HAProxy on this machine (loopback only), sharing one PostgreSQL,
# each with its own server id (cluster-I) and checkpoint dir. Producers connect to the balancer
# only; HAProxy checks each server's gRPC health service and stops sending new calls to one that
# drains (docs/operations.md, "Several servers behind HAProxy").
#
#   scripts/cluster.sh start [N]      N servers (default 3), then HAProxy in front of them
#   scripts/cluster.sh stop           SIGTERM every server (each drains and commits), then HAProxy
#   scripts/cluster.sh status         each server (pid, id, ports, health) and HAProxy's view
#   scripts/cluster.sh balancer       HAProxy's view only, a line a server, for scripts:
#                                     ID STATUS CHECK OPEN_CALLS CALLS_SO_FAR
#   scripts/cluster.sh kill I         SIGKILL server I (what it acked is in its log; start-server
#                                     I or adopt I commits it)
#   scripts/cluster.sh drain I [--wait]  SIGTERM server I: it answers NOT_SERVING at once, HAProxy
#                                     takes it out of rotation, it serves on for --drain-grace,
#                                     then commits and exits (--wait: until it has exited)
#   scripts/cluster.sh start-server I [OPTION...]  server I again: same id, ports and checkpoint
#                                     dir, OPTIONs added to its command line
#   scripts/cluster.sh adopt I        commit the log of stopped server I (ingest-server --adopt on
#                                     its checkpoint dir) without starting it, as when its
#                                     machine is gone but its disk is not
#
# Environment:
#   INGEST_BUILD_DIR            the built binaries (default build); INGEST_SERVER and
#                               INGEST_ADMIN name ingest-server and ingest-admin elsewhere
#   INGEST_CLUSTER_DIR          runtime files (default .local/cluster): server-I/ (checkpoints/,
#                               server.log, ready, pid), haproxy.cfg, haproxy.log, haproxy.pid,
#                               haproxy.sock (HAProxy's runtime API)
#   INGEST_CLUSTER_PORT         the balancer's port on 127.0.0.1, the producers' target (default 50150)
#   INGEST_CLUSTER_PORT_BASE    server I listens on BASE+10*(I-1) (ingest), +1 (admin), +2
#                               (metrics); default 50151; 0: free ports, kept by start-server
#   INGEST_CLUSTER_DSN          libpq conninfo of the servers' database (PGPASSFILE from the
#                               environment); unset: the demo's private PostgreSQL (scripts/pg.sh
#                               start), migrated by its owning role and served as `ingest`
#   INGEST_CLUSTER_DRAIN_GRACE  each server's --drain-grace (default 3s: above HAProxy's ~1.5 s
#                               to mark a NOT_SERVING server DOWN)
#   INGEST_CLUSTER_SERVER_OPTS  more ingest-server options for every server, e.g. "--trigger 1s"
#   INGEST_CLUSTER_READY_SECONDS  how long start and start-server wait for a server to listen
#                               (default 120; a restarted server first commits what its log holds)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

BUILD_DIR="${INGEST_BUILD_DIR:-build}"
DIR="${INGEST_CLUSTER_DIR:-.local/cluster}"
FRONT_PORT="${INGEST_CLUSTER_PORT:-50150}"
PORT_BASE="${INGEST_CLUSTER_PORT_BASE:-50151}"
GRACE="${INGEST_CLUSTER_DRAIN_GRACE:-3s}"
SERVER="${INGEST_SERVER:-$BUILD_DIR/server/ingest-server}"
ADMIN="${INGEST_ADMIN:-$BUILD_DIR/admin-cli/ingest-admin}"
TEMPLATE="deploy/haproxy/cluster.cfg.in"
BACKEND="ingest_servers"

die() { echo "cluster: $*" >&2; exit 1; }
usage() { sed -n '7,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ "$FRONT_PORT" =~ ^[0-9]+$ && "$PORT_BASE" =~ ^[0-9]+$ ]] ||
  die "INGEST_CLUSTER_PORT and INGEST_CLUSTER_PORT_BASE must be numbers"
[[ "$DIR" == /* ]] || DIR="$(pwd)/$DIR"  # the HAProxy config names its socket by this path

# shellcheck source=scripts/process.sh
source scripts/process.sh

# ---- servers --------------------------------------------------------------------------------

server_dir() { echo "$DIR/server-$1"; }

# The pid of server I when it runs (the pid file names a live ingest-server), else fails.
server_pid() { pid_from_file "$(server_dir "$1")/pid" ingest-server; }

# The server numbers that have a folder, in order.
server_numbers() {
  local d
  for d in "$DIR"/server-*; do [[ -d "$d" ]] && echo "${d##*/server-}"; done | sort -n
}

# ready_addr I ROLE: the address server I wrote for ROLE (ingest, admin, metrics) in its ready file.
ready_addr() { sed -n "s/^$2=//p" "$(server_dir "$1")/ready" 2>/dev/null || true; }

# The database and PGPASSFILE of the servers: INGEST_CLUSTER_DSN, or the demo's PostgreSQL.
# Kept in $DIR/env for later start-server calls.
prepare_database() {
  local dsn="${INGEST_CLUSTER_DSN:-}" demo=no
  if [[ -z "$dsn" ]]; then
    demo=yes
    scripts/pg.sh start
    eval "$(scripts/pg.sh env)"
    export PGPASSFILE
    "$SERVER" migrate --db "$INGEST_OWNER_DSN" --grant-to "$INGEST_SERVING_ROLE" >/dev/null ||
      die "could not migrate the schema as $INGEST_OWNER_DSN"
    dsn="$INGEST_DB_DSN"
  fi
  printf 'CLUSTER_DSN=%q\nCLUSTER_PGPASSFILE=%q\nCLUSTER_DEMO_PG=%q\n' "$dsn" "${PGPASSFILE:-}" "$demo" >"$DIR/env"
}

load_database() {
  [[ -f "$DIR/env" ]] || die "no cluster in $DIR yet; run: scripts/cluster.sh start"
  # shellcheck disable=SC1091 # written by prepare_database
  source "$DIR/env"
  [[ -z "$CLUSTER_PGPASSFILE" ]] || export PGPASSFILE="$CLUSTER_PGPASSFILE"
}

# launch_server I INGEST ADMIN METRICS [OPTION...]: starts server I in the background.
launch_server() {
  local i="$1" ingest="$2" admin="$3" metrics="$4" sdir
  shift 4
  sdir="$(server_dir "$i")"
  mkdir -p "$sdir/checkpoints"
  rm -f "$sdir/ready"
  echo "--- started $(date -u +%FT%TZ) ---" >>"$sdir/server.log"
  # Every call reaches a server from the balancer's address: the per-client limit of open
  # streams is the server's whole limit.
  # shellcheck disable=SC2086 # INGEST_CLUSTER_SERVER_OPTS: options, one word each
  setsid nohup "$SERVER" --server-id "cluster-$i" --listen "$ingest" --admin-listen "$admin" \
    --metrics-listen "$metrics" --db "$CLUSTER_DSN" --checkpoint-dir "$sdir/checkpoints" \
    --ready-file "$sdir/ready" --drain-grace "$GRACE" --max-streams-per-peer 1024 \
    ${INGEST_CLUSTER_SERVER_OPTS:-} "$@" >>"$sdir/server.log" 2>&1 </dev/null &
  echo $! >"$sdir/pid"
}

# wait_ready I: until server I wrote its ready file (INGEST_CLUSTER_READY_SECONDS at most, default
# 120: a server listens only once it has written what its log holds); fails when it exits first.
wait_ready() {
  local i="$1" sdir pid limit="${INGEST_CLUSTER_READY_SECONDS:-120}" deadline
  sdir="$(server_dir "$i")"
  pid="$(cat "$sdir/pid")"
  deadline=$((SECONDS + limit))
  until [[ -s "$sdir/ready" ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$sdir/server.log" >&2
      die "server $i exited during start-up (log $sdir/server.log, tail above)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 5 "$sdir/server.log" >&2
      die "server $i (pid $pid) not listening after $limit s; it keeps running (still writing what its log holds? tail of $sdir/server.log above); scripts/cluster.sh status shows when it serves"
    fi
    sleep 0.1
  done
}

# port_of I OFFSET: server I's port for OFFSET (0 ingest, 1 admin, 2 metrics), or 0 for any.
port_of() { ((PORT_BASE == 0)) && echo 0 || echo $((PORT_BASE + 10 * ($1 - 1) + $2)); }

# wait_exit PID SECONDS: until PID is gone; SIGKILL after SECONDS.
wait_exit() {
  local pid="$1"
  exits_within "$pid" "$2" && return 0
  echo "cluster: pid $pid still running after $2 s; killing it (what it acked is in its log)" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# stopped_line I: the last line of server I's log that says how it ended.
stopped_line() {
  grep -E 'stopped:|cannot start' "$(server_dir "$1")/server.log" | tail -n 1 | sed 's/^.*\] //' || true
}

# ---- HAProxy: haproxy_pid, haproxy_api, balancer_rows, write_config, start_haproxy, stop_haproxy

# shellcheck source=scripts/cluster-haproxy.sh
source scripts/cluster-haproxy.sh

# ---- commands -------------------------------------------------------------------------------

need_tools() {
  local bin
  for bin in "$SERVER" "$ADMIN"; do
    [[ -x "$bin" ]] || die "$bin is missing; run: scripts/build.sh"
  done
  command -v haproxy >/dev/null && command -v socat >/dev/null ||
    die "haproxy or socat not found; run: scripts/setup-deps.sh"
}

cmd_start() {
  local n="${1:-3}" i
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 20)) || die "N must be 1..20, not '$n'"
  need_tools
  for i in $(server_numbers); do
    ! server_pid "$i" >/dev/null || die "server $i is running already; run: scripts/cluster.sh stop"
  done
  ! haproxy_pid >/dev/null || die "HAProxy is running already; run: scripts/cluster.sh stop"
  mkdir -p "$DIR"
  prepare_database
  load_database
  for ((i = 1; i <= n; i++)); do
    launch_server "$i" "127.0.0.1:$(port_of "$i" 0)" "127.0.0.1:$(port_of "$i" 1)" "127.0.0.1:$(port_of "$i" 2)"
  done
  for ((i = 1; i <= n; i++)); do wait_ready "$i"; done
  echo "$n" >"$DIR/servers"
  for i in $(server_numbers); do
    ((i <= n)) || echo "cluster: $(server_dir "$i") is not in this cluster; if it holds a log to commit: scripts/cluster.sh start-server $i"
  done
  write_config "$n"
  start_haproxy "$n"
  echo "cluster: $n ingest-servers behind HAProxy on 127.0.0.1:$FRONT_PORT (files in $DIR)"
  echo "try: $BUILD_DIR/generator-client/event-generator --target 127.0.0.1:$FRONT_PORT --producers 6 --batches 20"
  echo "     scripts/cluster.sh status"
}

cmd_stop() {
  local i pid stopping=()
  # SIGTERM to all first: they drain at the same time, each within its grace and drain.
  for i in $(server_numbers); do
    if pid="$(server_pid "$i")"; then
      kill -TERM "$pid"
      stopping+=("$i:$pid")
    fi
  done
  for i in "${stopping[@]}"; do
    wait_exit "${i#*:}" 90
    echo "server ${i%%:*} (pid ${i#*:}): $(stopped_line "${i%%:*}")"
  done
  ((${#stopping[@]} > 0)) || echo "cluster: no server is running in $DIR"
  stop_haproxy
  if grep -q '^CLUSTER_DEMO_PG=yes' "$DIR/env" 2>/dev/null; then
    echo "cluster: the demo's PostgreSQL keeps running (scripts/pg.sh stop)"
  fi
}

# server_health ADMIN: SERVING, NOT_SERVING or unreachable.
server_health() { timeout 5 "$ADMIN" --target "$1" health 2>/dev/null || echo unreachable; }

cmd_status() {
  local i pid n health rc=0
  [[ -f "$DIR/servers" ]] || { echo "cluster: no cluster in $DIR"; return 3; }
  n="$(cat "$DIR/servers")"
  printf '%-3s %-8s %-11s %-17s %-17s %-17s %s\n' I pid id ingest admin metrics health
  for i in $(server_numbers); do
    if pid="$(server_pid "$i")"; then
      health="$(server_health "$(ready_addr "$i" admin)")"
    else
      pid="-" health="stopped"
      ((i > n)) || rc=1
    fi
    ((i <= n)) || health+=" (not one of HAProxy's servers)"
    printf '%-3s %-8s %-11s %-17s %-17s %-17s %s\n' "$i" "$pid" "cluster-$i" "$(ready_addr "$i" ingest)" \
      "$(ready_addr "$i" admin)" "$(ready_addr "$i" metrics)" "$health"
  done
  if ! pid="$(haproxy_pid)"; then
    echo "HAProxy: not running (127.0.0.1:$FRONT_PORT)"
    return 1
  fi
  echo
  echo "HAProxy (pid $pid) on 127.0.0.1:$FRONT_PORT, backend $BACKEND:"
  printf '%-11s %-12s %-10s %-10s %s\n' id status check open_calls calls_so_far
  balancer_rows | while read -r id status check cur total; do
    printf '%-11s %-12s %-10s %-10s %s\n' "$id" "$status" "$check" "$cur" "$total"
  done
  return $rc
}

# server_number I: I when it is a number of a server folder, else a usage error.
server_number() {
  [[ "${1:-}" =~ ^[0-9]+$ && -d "$(server_dir "${1:-0}")" ]] || die "no server '${1:-}' in $DIR (see: scripts/cluster.sh status)"
  echo "$1"
}

cmd_kill() {
  local i pid
  i="$(server_number "${1:-}")"
  pid="$(server_pid "$i")" || die "server $i is not running"
  kill -KILL "$pid"
  wait_exit "$pid" 10
  echo "server $i (pid $pid) killed; its log is committed by: scripts/cluster.sh start-server $i (or adopt $i)"
}

cmd_drain() {
  local i pid
  i="$(server_number "${1:-}")"
  pid="$(server_pid "$i")" || die "server $i is not running"
  kill -TERM "$pid"
  echo "server $i (pid $pid): SIGTERM sent; NOT_SERVING for $GRACE, then it drains"
  if [[ "${2:-}" == --wait ]]; then
    wait_exit "$pid" 90
    echo "server $i: $(stopped_line "$i")"
  fi
}

cmd_start_server() {
  local i ingest admin metrics
  i="${1:-}"
  [[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1)) || die "start-server needs a server number, not '$i'"
  shift
  need_tools
  load_database
  ! server_pid "$i" >/dev/null || die "server $i is running already"
  ingest="$(ready_addr "$i" ingest)" admin="$(ready_addr "$i" admin)" metrics="$(ready_addr "$i" metrics)"
  launch_server "$i" "${ingest:-127.0.0.1:$(port_of "$i" 0)}" "${admin:-127.0.0.1:$(port_of "$i" 1)}" \
    "${metrics:-127.0.0.1:$(port_of "$i" 2)}" "$@"
  wait_ready "$i"
  echo "server $i (pid $(cat "$(server_dir "$i")/pid")): ingest $(ready_addr "$i" ingest), admin $(ready_addr "$i" admin)"
  (($(cat "$DIR/servers" 2>/dev/null || echo 0) >= i)) ||
    echo "cluster: server $i is not one of HAProxy's servers; it commits its log but gets no calls"
}

cmd_adopt() {
  local i
  i="$(server_number "${1:-}")"
  need_tools
  load_database
  ! server_pid "$i" >/dev/null || die "server $i is running; it commits its own log (drain it first to hand its work over)"
  "$SERVER" --db "$CLUSTER_DSN" --adopt "$(server_dir "$i")/checkpoints" 2>&1 | tee -a "$(server_dir "$i")/server.log"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  balancer) haproxy_pid >/dev/null || die "HAProxy is not running"; balancer_rows ;;
  kill) cmd_kill "${2:-}" ;;
  drain) cmd_drain "${2:-}" "${3:-}" ;;
  start-server) shift; cmd_start_server "$@" ;;
  adopt) cmd_adopt "${2:-}" ;;
  -h | --help | help) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) usage ;;
esac
