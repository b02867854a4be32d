# Helpers of compose_run_test.sh: phases with their times, README's compose lines, bounded waits,
# counts in the PostgreSQL container. Sourced; expects ROOT, WORK and the compose variables set.

say() { echo "container_test: $*"; }
die() {
  echo "container_test: FAIL: $*" >&2
  exit 1
}

# phase NAME: ends the running phase (printing its time) and starts NAME; `phase` alone ends it.
PHASE="" PHASE_START=0
PHASE_TIMES=()
phase() {
  local now
  now="$(date +%s)"
  if [ -n "$PHASE" ]; then
    say "-- $PHASE: $((now - PHASE_START)) s"
    PHASE_TIMES+=("$(printf '%-52s %5d s' "$PHASE" "$((now - PHASE_START))")")
  fi
  PHASE="${1:-}" PHASE_START="$now"
  [ -z "$PHASE" ] || printf '\n== %s ==\n' "$PHASE"
}
phase_summary() {
  say "time of each phase:"
  printf '  %s\n' "${PHASE_TIMES[@]}"
}

# The command lines of README.md's "Running it with Docker Compose" section (code blocks, comments
# dropped), one a line.
readme_lines() {
  python3 - "$ROOT/README.md" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("## Running it with Docker Compose", 1)[1].split("\n## ", 1)[0]
for block in re.findall(r"```sh\n(.*?)```", section, re.S):
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line:
            print(line)
EOF
}

# readme_has LINE: whether LINE is a line of README's compose section. grep reads to the end (no
# -q): with -q it could exit at the first match while python still writes, and under pipefail the
# writer's broken pipe would fail the lookup.
readme_has() { readme_lines | grep -Fx -- "$1" >/dev/null; }

# readme_run SECONDS LINE: runs LINE in the checkout, bounded, once it is checked to be a line of
# README's compose section, so the README says exactly what this test runs.
readme_run() {
  local seconds="$1" line="$2"
  readme_has "$line" ||
    die "README.md's compose section has no line '$line', which this test runs; update one of them"
  say "\$ $line"
  (cd "$ROOT" && timeout --kill-after=10 "$seconds" bash -c "$line") ||
    die "'$line' failed or took over $seconds s (exit $?)"
}

# free_ports N: N TCP ports on 127.0.0.1 that nothing listens on now.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every second until it succeeds.
wait_for() {
  local seconds="$1" what="$2" i
  shift 2
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then
      say "$what after ${i} s"
      return 0
    fi
    sleep 1
  done
  die "$what: not within $seconds s ($*)"
}

# sql QUERY: one value from the ecommerce_events database, as role ingest, inside the container.
sql() {
  (cd "$ROOT" && timeout 60 docker-compose exec -T postgres \
    psql -X -U ingest -d ecommerce_events -v ON_ERROR_STOP=1 -tAc "$1") ||
    die "psql in the postgres container failed: $1"
}

# check_rows WHAT PREFIX EXPECTED: user_events holds EXPECTED rows whose event_id starts with
# PREFIX, each id once.
check_rows() {
  local what="$1" prefix="$2" expected="$3" counts
  counts="$(sql "SELECT count(*) || ' ' || count(DISTINCT event_id) FROM user_events WHERE event_id LIKE '$prefix%'")"
  say "$what: $expected acked, user_events has ${counts% *} rows, ${counts#* } distinct"
  [ "$counts" = "$expected $expected" ] ||
    die "$what: user_events holds ${counts% *} rows (${counts#* } distinct ids) with ids $prefix*, not the $expected acked"
}

# json_field FILE FIELD: FIELD of the last JSON object line of FILE (a client's --json summary).
json_field() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
print(json.loads(lines[-1])[sys.argv[2]] if lines else "none")
EOF
}

# dump_logs SERVICE...: the last lines of each service's log, when something failed.
dump_logs() {
  local s
  for s in "$@"; do
    echo "--- last lines of $s ---" >&2
    (cd "$ROOT" && timeout 30 docker-compose --profile cluster logs --no-color --tail 40 "$s" >&2) || true
  done
}
