#!/usr/bin/env bash
# Configures and builds everything (RelWithDebInfo) in $INGEST_BUILD_DIR (default: build).
# Extra arguments go to `cmake --build`, e.g. `scripts/build.sh --target ingest-server`.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${INGEST_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j"$(nproc)" "$@"
