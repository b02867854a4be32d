# Sourced by scripts/demo.sh and scripts/cluster.sh: the processes they start in the background,
# found again through the pid files they write.
# shellcheck shell=bash

# pid_from_file FILE NAME: the pid FILE holds when that process runs and its command line names
# NAME (so a pid reused by another program is not taken for it); fails otherwise.
pid_from_file() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
  echo "$pid"
}

# exits_within PID SECONDS: waits for PID to exit, polling every 0.1 s; fails if it still runs
# after SECONDS.
exits_within() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$1" 2>/dev/null
}
