#!/usr/bin/env bash
# Installs every build and run dependency from Debian's packages. Idempotent: packages already
# installed are skipped, so a second run does no network work. Needs root (or sudo).
# --build-only: just what compiling needs (the Dockerfile's build stage has no use for
# PostgreSQL, Python or the deploy tools).
# --fuzz: what compiling needs, and Clang with libFuzzer for the fuzz targets (bench/fuzz).
# --docs: just Graphviz (`dot`), which scripts/architecture.sh draws docs/architecture.png with.
# --docker: the container engine (docker.io), docker-compose and debootstrap (scripts/base-images.sh),
# then a running Docker daemon: when `docker info` cannot reach one, dockerd is started in the
# background (log .local/logs/dockerd.log) and waited for, at most 60 s.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libpqxx-dev libpq-dev
  libabsl-dev libssl-dev zlib1g-dev
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  libcli11-dev
  prometheus-cpp-dev
  libtcmalloc-minimal4        # ingest-server's malloc (CMake option INGEST_TCMALLOC)
  ccache                      # scripts/build.sh --ccache: CI's test build and the image's build stage share compiles
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  postgresql postgresql-client
  python3 python3-protobuf python3-grpcio
  procps util-linux curl
  openssl                     # scripts/make-certs.sh: the CA and certificates of TLS and mTLS
  prometheus docker-compose   # promtool checks deploy/ rules; docker-compose validates the compose file
  python3-yaml                # tests/deploy reads the resolved compose file
  clang-format                # tests/structure checks the house style (.clang-format)
  python3-matplotlib          # bench/report draws the plots of docs/performance.md
  haproxy socat               # scripts/cluster.sh: the load balancer in front of several servers, its stats socket
)
FUZZ_PACKAGES=(clang-14 libfuzzer-14-dev)
DOCS_PACKAGES=(graphviz)
DOCKER_PACKAGES=(docker.io docker-compose debootstrap iptables)
case "${1:-}" in
  --build-only) PACKAGES=("${BUILD_PACKAGES[@]}") ;;
  --fuzz) PACKAGES=("${BUILD_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}") ;;
  --docs) PACKAGES=("${DOCS_PACKAGES[@]}") ;;
  --docker) PACKAGES=("${DOCKER_PACKAGES[@]}") ;;
  "") ;;
  *) echo "usage: scripts/setup-deps.sh [--build-only | --fuzz | --docs | --docker]" >&2; exit 2 ;;
esac

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-deps: all ${#PACKAGES[@]} packages already installed"
    return 0
  fi
  if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
    echo "setup-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup-deps: done"
}

# Starts dockerd in the background unless a daemon already answers, and waits for it (bounded).
# Where the machine has no init system to run docker.io's service, this is what runs it.
start_docker_daemon() {
  if docker info >/dev/null 2>&1; then
    echo "setup-deps: the Docker daemon is running"
    return 0
  fi
  local log=.local/logs/dockerd.log
  mkdir -p .local/logs
  echo "setup-deps: starting dockerd (log $log)"
  $SUDO setsid dockerd >>"$log" 2>&1 </dev/null &
  local i
  for i in $(seq 60); do
    if docker info >/dev/null 2>&1; then
      echo "setup-deps: the Docker daemon answered after ${i}s"
      return 0
    fi
    sleep 1
  done
  echo "setup-deps: dockerd did not answer \`docker info\` within 60 s; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

install_missing
if [ "${1:-}" = --docker ]; then
  start_docker_daemon
fi
