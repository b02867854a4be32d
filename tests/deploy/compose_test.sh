#!/usr/bin/env bash
# Checks docker-compose.yml and the Dockerfile against the binaries just built, without a
# container engine: a compose file that names a flag a binary lost, a port the server does not
# listen on or a binary the image lacks would otherwise only fail at `docker-compose up`.
#   compose_test.sh [--compose FILE] BINARY...
# BINARY: the built binaries (ctest passes the four). FILE defaults to the checkout's
# docker-compose.yml; relative paths in it resolve against the checkout either way.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
compose="$root/docker-compose.yml"
if [ "${1:-}" = "--compose" ]; then
  compose="$2"
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: compose_test.sh [--compose FILE] BINARY..." >&2; exit 2; }

command -v docker-compose >/dev/null || { echo "compose_test: docker-compose not found; run scripts/setup-deps.sh" >&2; exit 1; }
python3 -c "import yaml" 2>/dev/null || { echo "compose_test: python3-yaml missing; run scripts/setup-deps.sh" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. The file as docker-compose itself reads it, alone and with each profile, with the default
# images and ports and with those a machine without an image registry or with ports taken uses.
check_config() {
  local profile="$1" args=(-f "$compose" --project-directory "$root")
  [ -z "$profile" ] || args+=(--profile "$profile")
  if ! docker-compose "${args[@]}" config >"$tmp/config.yml" 2>"$tmp/err"; then
    echo "compose_test: FAIL: docker-compose ${profile:+--profile $profile }config rejects $compose:" >&2
    cat "$tmp/err" >&2
    exit 1
  fi
}
for profile in "" monitoring cluster; do
  POSTGRES_IMAGE=ingest-postgres:local HAPROXY_IMAGE=ingest-haproxy:local INGEST_PORT=51051 \
    INGEST_CLUSTER_PORT=51061 check_config "$profile"
  grep -q 'image: ingest-postgres:local' "$tmp/config.yml" && grep -q '127.0.0.1:51061:50051' "$tmp/config.yml" ||
    { echo "compose_test: FAIL: POSTGRES_IMAGE or INGEST_CLUSTER_PORT does not reach $compose" >&2; exit 1; }
done
for profile in "" monitoring cluster; do
  check_config "$profile"
done

# 2 and 3. The resolved file (every service, whatever its profile) against the binaries, the
# Dockerfile and the HAProxy config.
python3 "$(dirname "$0")/compose_check.py" "$tmp/config.yml" "$@"
