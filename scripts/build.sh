#!/usr/bin/env bash
# Configures and builds (RelWithDebInfo) in $INGEST_BUILD_DIR (default: build).
#
#   scripts/build.sh            the release build: the four binaries, no tests, no failpoints
#   scripts/build.sh --tests    the test build (scripts/test.sh, CI): also every test and the
#                               test-only binaries with failpoints
#
# Both treat compiler warnings as errors. Other arguments go to `cmake --build`, e.g.
# `scripts/build.sh --target ingest-server`. Both builds share the folder: switching only adds or
# drops the test targets, nothing is compiled twice.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${INGEST_BUILD_DIR:-build}"
TESTS=OFF
if [[ "${1:-}" == "--tests" ]]; then
  TESTS=ON
  shift
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINGEST_BUILD_TESTS="$TESTS" -DINGEST_WERROR=ON
cmake --build "$BUILD_DIR" -j"$(nproc)" "$@"
