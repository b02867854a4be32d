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
#   scripts/build.sh --ccache   compiles through ccache, its cache in .local/ccache (settings:
#                               scripts/ccache.conf) and every path relative to the checkout
#                               (CCACHE_BASEDIR), so that the same sources compiled with the same
#                               flags in another folder find the objects: CI's test build fills it
#                               (scripts/test.sh with CI=true), and the image's build stage (the
#                               Dockerfile, in /src) reads it from the build context. For builds
#                               made once; a developer's build folder, rebuilt a few files at a
#                               time, goes without it.
#
# The options come first, in any order. Both builds treat compiler warnings as errors. Other
# arguments go to `cmake --build`, e.g. `scripts/build.sh --target ingest-server`. The release and
# test builds share the folder: switching only adds or drops the test targets, nothing is compiled
# twice.
set -euo pipefail
cd "$(dirname "$0")/.."

# RelWithDebInfo's own flags, written out so that --no-debug-info can leave out -g alone.
OPT_FLAGS="-O2 -g -DNDEBUG"
TESTS=OFF
SANITIZE=""  # --sanitize=address|thread: a sanitizer build, in its own folder (build-asan, build-tsan)
CCACHE=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-debug-info) OPT_FLAGS="-O2 -DNDEBUG" ;;
    --tests) TESTS=ON ;;
    --sanitize=*) SANITIZE="${1#--sanitize=}"
      [[ "$SANITIZE" == address || "$SANITIZE" == thread ]] ||
        { echo "build: --sanitize is address or thread, not '$SANITIZE'" >&2; exit 2; } ;;
    --ccache) CCACHE=true ;;
    *) break ;;
  esac
  shift
done
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
LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=)  # empty: a folder once built with --ccache goes without
if $CCACHE; then
  command -v ccache >/dev/null || { echo "build: --ccache needs ccache (scripts/setup-deps.sh installs it)" >&2; exit 2; }
  CCACHE_DIR="$(pwd)/.local/ccache"
  CCACHE_BASEDIR="$(pwd)"
  export CCACHE_DIR CCACHE_BASEDIR
  mkdir -p "$CCACHE_DIR"
  cp scripts/ccache.conf "$CCACHE_DIR/ccache.conf"
  ccache --zero-stats >/dev/null
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# Ninja: the whole build as one graph, each compile started from the build folder; on 2 cores the
# test build took 10m45s against 12m34s with make (docs/performance.md). A folder configured for
# make before is configured afresh (CMake keeps one generator per folder): its objects are
# compiled once more.
if [[ -f "$BUILD_DIR/CMakeCache.txt" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$BUILD_DIR/CMakeCache.txt"; then
  echo "build: $BUILD_DIR/ was configured for another generator; configuring it afresh for Ninja"
  rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
fi
cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$OPT_FLAGS" \
  -DINGEST_BUILD_TESTS="$TESTS" -DINGEST_WERROR=ON -DINGEST_SANITIZE="$SANITIZE" "${DEPS[@]}" "${LAUNCHER[@]}"
cmake --build "$BUILD_DIR" -j"$(nproc)" "$@"
if $CCACHE; then
  ccache --print-stats | awk '/^(direct|preprocessed)_cache_hit/ { hits += $2 } /^cache_miss/ { misses = $2 }
    END { printf "build: ccache served %d of %d compiles from .local/ccache\n", hits, hits + misses }'
fi
