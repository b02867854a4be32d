#!/usr/bin/env bash
# Configures and builds (RelWithDebInfo) in $INGEST_BUILD_DIR (default: build).
#
#   scripts/build.sh            the release build: the four binaries, no tests, no failpoints
#   scripts/build.sh --tests    the test build (scripts/test.sh, CI): also every test and the
#                               test-only binaries with failpoints
#   scripts/build.sh --tests --sanitize=address|thread
#                               the test build with AddressSanitizer + UndefinedBehaviorSanitizer,
#                               or ThreadSanitizer, in build-asan/ or build-tsan/
#   scripts/build.sh --no-debug-info
#                               the release build without -g: the same machine code (GCC's debug
#                               info never changes it), compiled about 20% faster, for binaries
#                               that are stripped anyway (the Dockerfile), and for CI's test
#                               build (scripts/test.sh with CI=true): --no-debug-info --tests
#
# Both treat compiler warnings as errors. Other arguments go to `cmake --build`, e.g.
# `scripts/build.sh --target ingest-server`. Both builds share the folder: switching only adds or
# drops the test targets, nothing is compiled twice.
set -euo pipefail
cd "$(dirname "$0")/.."

# RelWithDebInfo's own flags, written out so that --no-debug-info can leave out -g alone.
OPT_FLAGS="-O2 -g -DNDEBUG"
if [[ "${1:-}" == "--no-debug-info" ]]; then
  OPT_FLAGS="-O2 -DNDEBUG"
  shift
fi
TESTS=OFF
if [[ "${1:-}" == "--tests" ]]; then
  TESTS=ON
  shift
fi
# --sanitize=address|thread: a sanitizer build, in its own folder (build-asan, build-tsan).
SANITIZE=""
if [[ "${1:-}" == --sanitize=* ]]; then
  SANITIZE="${1#--sanitize=}"
  shift
  [[ "$SANITIZE" == address || "$SANITIZE" == thread ]] ||
    { echo "build: --sanitize is address or thread, not '$SANITIZE'" >&2; exit 2; }
fi
default_dir=build
[[ "$SANITIZE" == address ]] && default_dir=build-asan
[[ "$SANITIZE" == thread ]] && default_dir=build-tsan
BUILD_DIR="${INGEST_BUILD_DIR:-$default_dir}"
# ThreadSanitizer sees absl::Mutex only in an Abseil built with it: .local/tsan/abseil, built once.
DEPS=()
if [[ "$SANITIZE" == thread ]]; then
  bash scripts/build-tsan-deps.sh
  DEPS=(-Dabsl_DIR="$(pwd)/.local/tsan/abseil/lib/cmake/absl")
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$OPT_FLAGS" \
  -DINGEST_BUILD_TESTS="$TESTS" -DINGEST_WERROR=ON -DINGEST_SANITIZE="$SANITIZE" "${DEPS[@]}"
cmake --build "$BUILD_DIR" -j"$(nproc)" "$@"
