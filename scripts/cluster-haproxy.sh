# Sourced by scripts/cluster.sh: the HAProxy in front of its servers (config from
# deploy/haproxy/cluster.cfg.in, start, stop, and its view of the servers through the runtime
# API). Uses cluster.sh's DIR, FRONT_PORT, TEMPLATE, BACKEND, die, ready_addr and wait_exit, and
# pid_from_file (scripts/process.sh).
# shellcheck shell=bash

haproxy_pid() { pid_from_file "$DIR/haproxy.pid" haproxy; }

# HAProxy's runtime API: COMMAND's answer.
haproxy_api() { echo "$1" | socat -t 2 - "UNIX-CONNECT:$DIR/haproxy.sock"; }

# One line a server of the backend: ID STATUS CHECK OPEN_CALLS CALLS_SO_FAR (a status with
# spaces, "UP 1/2", is written UP_1/2).
balancer_rows() {
  haproxy_api "show stat" | awk -F, -v be="$BACKEND" '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == be && $2 != "BACKEND" {
      s = $col["status"]; gsub(/ /, "_", s)
      c = $col["check_status"]; gsub(/ /, "_", c)
      print $2, s, (c == "" ? "-" : c), $col["scur"], $col["stot"] }'
}

# write_config N: haproxy.cfg from the template, with the servers' ingest addresses.
write_config() {
  local i servers=""
  for ((i = 1; i <= $1; i++)); do
    servers+="    server cluster-$i $(ready_addr "$i" ingest)"$'\n'
  done
  awk -v front="127.0.0.1:$FRONT_PORT" -v run="$DIR" -v servers="${servers%$'\n'}" '
    /^[[:space:]]*#/ { print; next }
    { gsub(/@FRONT@/, front); gsub(/@RUN_DIR@/, run) }
    /^@SERVERS@$/ { print servers; next } { print }' "$TEMPLATE" >"$DIR/haproxy.cfg"
  haproxy -c -q -f "$DIR/haproxy.cfg" || die "HAProxy refuses $DIR/haproxy.cfg (errors above)"
}

# start_haproxy N: HAProxy in the foreground of its own session, until it sees N servers UP.
start_haproxy() {
  local pid deadline=$((SECONDS + 30)) up=0
  echo "--- started $(date -u +%FT%TZ) ---" >>"$DIR/haproxy.log"
  setsid nohup haproxy -db -f "$DIR/haproxy.cfg" >>"$DIR/haproxy.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$DIR/haproxy.pid"
  while ((up < $1)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$DIR/haproxy.log" >&2
      die "HAProxy exited during start-up (is 127.0.0.1:$FRONT_PORT in use? log $DIR/haproxy.log, tail above)"
    fi
    ((SECONDS < deadline)) || die "HAProxy sees $up of $1 servers UP after 30 s; see: scripts/cluster.sh status"
    sleep 0.2
    up="$(balancer_rows 2>/dev/null | awk '$2 == "UP"' | wc -l)"
  done
}

stop_haproxy() {
  local pid
  pid="$(haproxy_pid)" || return 0
  kill -TERM "$pid"
  wait_exit "$pid" 10
  echo "HAProxy (pid $pid) stopped"
}
