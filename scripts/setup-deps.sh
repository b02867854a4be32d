#!/usr/bin/env bash
# Installs every build and run dependency from Debian's packages. Idempotent: packages already
# installed are skipped, so a second run does no network work. Needs root (or sudo).
# --build-only: just what compiling needs (the Dockerfile's build stage has no use for
# PostgreSQL, Python or the deploy tools).
# --fuzz: what compiling needs, and Clang with libFuzzer for the fuzz targets (bench/fuzz).
# --docs: just Graphviz (`dot`), which scripts/architecture.sh draws docs/architecture.png with.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libpqxx-dev libpq-dev
  libabsl-dev libssl-dev zlib1g-dev
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  libcli11-dev
  prometheus-cpp-dev
  libtcmalloc-minimal4        # ingest-server's malloc (CMake option INGEST_TCMALLOC)
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
case "${1:-}" in
  --build-only) PACKAGES=("${BUILD_PACKAGES[@]}") ;;
  --fuzz) PACKAGES=("${BUILD_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}") ;;
  --docs) PACKAGES=("${DOCS_PACKAGES[@]}") ;;
  "") ;;
  *) echo "usage: scripts/setup-deps.sh [--build-only | --fuzz | --docs]" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
