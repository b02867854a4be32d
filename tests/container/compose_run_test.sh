#!/usr/bin/env bash
# The containers for real, as README.md's "Running it with Docker Compose" says to run them:
#   1. scripts/base-images.sh makes the base images out of Debian's packages (only those missing),
#      and POSTGRES_IMAGE / HAPROXY_IMAGE choose them;
#   2. `docker-compose build` builds the ingest image, `docker-compose up -d` starts the default
#      services;
#   3. through the published ports: a stream of events (event-generator) and a CSV file
#      (file-bridge --once); after `ingest-admin flush`, psql inside the postgres container finds
#      every acked event in user_events, each once;
#   4. more events, then `docker-compose kill ingest-server` before their micro-batch is committed
#      and `docker-compose start ingest-server`: the acked events come back from the checkpoints
#      volume, every acked event of both rounds once;
#   5. the cluster profile: events and a file through HAProxy, spread over the servers; then all
#      three servers killed and started again, every acked event once;
#   6. `docker-compose --profile cluster down -v` (also when a step failed).
# The compose and script lines are README's, line for line: each is looked up there before it runs.
# The project name and published ports are the test's own (COMPOSE_PROJECT_NAME, INGEST_*_PORT),
# so a compose project or demo of a developer on this machine is left alone. Each phase's time is
# printed at the end.
#
#   compose_run_test.sh EVENT_GENERATOR FILE_BRIDGE INGEST_ADMIN
#
# Exit 77 (ctest: skipped), with one line saying why, when no Docker daemon answers: scripts/test.sh
# installs and starts one (scripts/setup-deps.sh --docker) where it can.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: compose_run_test.sh EVENT_GENERATOR FILE_BRIDGE INGEST_ADMIN" >&2; exit 2; }
GEN="$1" BRIDGE="$2" ADMIN="$3"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d /tmp/ingest-container-test.XXXXXX)"
# shellcheck source=tests/container/lib.sh
source "$(dirname "$0")/lib.sh"

if ! timeout 20 docker info >/dev/null 2>&1; then
  echo "container_test: SKIPPED: no Docker daemon answers \`docker info\`; scripts/setup-deps.sh --docker installs and starts one"
  rm -rf "$WORK"
  exit 77
fi

unset COMPOSE_FILE COMPOSE_PROFILES
export COMPOSE_PROJECT_NAME="ingest-ctest-$$"
read -r INGEST_PORT INGEST_ADMIN_PORT INGEST_METRICS_PORT INGEST_CLUSTER_PORT < <(free_ports 4)
export INGEST_PORT INGEST_ADMIN_PORT INGEST_METRICS_PORT INGEST_CLUSTER_PORT
say "project $COMPOSE_PROJECT_NAME; ingest 127.0.0.1:$INGEST_PORT, admin :$INGEST_ADMIN_PORT, metrics :$INGEST_METRICS_PORT, cluster :$INGEST_CLUSTER_PORT"

# On every exit: README's last line, which removes the containers, the network and the volumes.
DOWN="docker-compose --profile cluster down -v"
finish() {
  local rc=$?
  phase "down -v"
  if [ "$rc" -ne 0 ]; then
    dump_logs postgres migrate ingest-server ingest-server-1 haproxy
  fi
  if ! readme_has "$DOWN"; then
    echo "container_test: FAIL: README.md's compose section has no line '$DOWN', which this test runs" >&2
    rc=1
  fi
  (cd "$ROOT" && timeout 300 $DOWN >"$WORK/down.log" 2>&1) ||
    { echo "container_test: $DOWN failed; project $COMPOSE_PROJECT_NAME may be left:" >&2; cat "$WORK/down.log" >&2; rc=1; }
  phase
  phase_summary
  rm -rf "$WORK"
  exit "$rc"
}
trap finish EXIT

admin() { "$ADMIN" --target "127.0.0.1:$INGEST_ADMIN_PORT" --timeout 10s "$@"; }

# stream TARGET NAME PRODUCERS: 5 batches of 100 events from each producer NAME-1..; prints the
# number of acked events (their ids are in $WORK/NAME.acked).
stream() {
  local target="$1" name="$2" producers="$3"
  timeout 120 "$GEN" --target "$target" --producer-id "$name" --producers "$producers" --events 100 \
    --batches 5 --interval 100ms --acked-log "$WORK/$name.acked" --json >"$WORK/$name.json" 2>"$WORK/$name.err" ||
    { cat "$WORK/$name.err" >&2; die "event-generator $name to $target: not every batch acked"; }
  wc -l <"$WORK/$name.acked"
}

# upload TARGET NAME: one CSV file of 200 rows (5% invalid) with event ids NAME-*, uploaded with
# file-bridge --once; prints the rows the server accepted.
upload() {
  local target="$1" name="$2"
  "$GEN" --csv-out "$WORK/$name/input" --catalog-out "" --producer-id "$name" --events 200 --batches 1 \
    --invalid-ratio 0.05 >/dev/null 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; die "event-generator --csv-out failed"; }
  timeout 120 "$BRIDGE" --once --target "$target" --watch "$WORK/$name/input" --archive "$WORK/$name/archive" \
    --failed "$WORK/$name/failed" --settle 200ms --json >"$WORK/$name.json" 2>>"$WORK/$name.err" ||
    { cat "$WORK/$name.err" >&2; die "file-bridge --once to $target failed"; }
  [ "$(json_field "$WORK/$name.json" files_archived)" = 1 ] || die "file-bridge did not archive the file: $(cat "$WORK/$name.json")"
  json_field "$WORK/$name.json" rows_accepted
}

default_services() {
  local tag="c$$" streamed uploaded more committed
  phase "default services: events and a file"
  streamed="$(stream "127.0.0.1:$INGEST_PORT" "$tag-s1" 2)"
  uploaded="$(upload "127.0.0.1:$INGEST_PORT" "$tag-f1")"
  admin flush >/dev/null || die "ingest-admin flush through 127.0.0.1:$INGEST_ADMIN_PORT failed"
  check_rows "stream" "$tag-s1-" "$streamed"
  check_rows "file" "$tag-f1-" "$uploaded"

  phase "default services: kill -9 and start ingest-server"
  more="$(stream "127.0.0.1:$INGEST_PORT" "$tag-s2" 2)"
  readme_run 60 "docker-compose kill ingest-server"
  committed="$(sql "SELECT count(*) FROM user_events WHERE event_id LIKE '$tag-s2-%'")"
  say "$committed of the $more events acked just before the kill were committed; the rest are in the checkpoints volume"
  readme_run 60 "docker-compose start ingest-server"
  wait_for 120 "ingest-server serving again" admin health
  admin flush >/dev/null || die "ingest-admin flush after the restart failed"
  check_rows "stream before the kill" "$tag-s1-" "$streamed"
  check_rows "stream acked just before the kill" "$tag-s2-" "$more"
  check_rows "file" "$tag-f1-" "$uploaded"
}

# cluster_flush: ingest-admin flush on each cluster server, inside its container.
cluster_flush() {
  local n
  for n in 1 2 3; do
    (cd "$ROOT" && timeout 60 docker-compose exec -T "ingest-server-$n" ingest-admin flush >/dev/null) ||
      die "ingest-admin flush in ingest-server-$n failed"
  done
}

cluster_profile() {
  local tag="k$$" streamed uploaded servers
  phase "cluster profile: up"
  readme_run 600 "docker-compose --profile cluster up -d"
  wait_for 60 "HAProxy passing calls" "$ADMIN" --target "127.0.0.1:$INGEST_CLUSTER_PORT" --timeout 3s health

  phase "cluster profile: events and a file through HAProxy"
  streamed="$(stream "127.0.0.1:$INGEST_CLUSTER_PORT" "$tag-s1" 3)"
  uploaded="$(upload "127.0.0.1:$INGEST_CLUSTER_PORT" "$tag-f1")"
  cluster_flush
  check_rows "stream through HAProxy" "$tag-s1-" "$streamed"
  check_rows "file through HAProxy" "$tag-f1-" "$uploaded"
  servers="$(sql "SELECT count(DISTINCT server_id) FROM ingest_batches b, unnest(b.sources) s WHERE s LIKE '$tag-s1-%'")"
  say "the stream's batches were committed by $servers servers"
  [ "$servers" -ge 2 ] || die "HAProxy sent all three producers to one server"

  phase "cluster profile: kill -9 and start the servers"
  streamed="$(stream "127.0.0.1:$INGEST_CLUSTER_PORT" "$tag-s2" 3)"
  readme_run 60 "docker-compose kill ingest-server-1 ingest-server-2 ingest-server-3"
  readme_run 180 "docker-compose start ingest-server-1 ingest-server-2 ingest-server-3"
  wait_for 120 "HAProxy passing calls again" "$ADMIN" --target "127.0.0.1:$INGEST_CLUSTER_PORT" --timeout 3s health
  cluster_flush
  check_rows "stream through HAProxy, acked before the kill" "$tag-s2-" "$streamed"
}

phase "base images (scripts/base-images.sh)"
readme_run 1200 "scripts/base-images.sh"
line="export POSTGRES_IMAGE=ingest-postgres:local HAPROXY_IMAGE=ingest-haproxy:local"
readme_has "$line" || die "README.md's compose section has no line '$line'"
eval "$line"

phase "image build (docker-compose build)"
readme_run 1800 "docker-compose build"

phase "default services: up"
readme_run 600 "docker-compose up -d"
wait_for 60 "ingest-server serving on 127.0.0.1:$INGEST_PORT" admin health

default_services
cluster_profile
