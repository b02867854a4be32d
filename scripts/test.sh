#!/usr/bin/env bash
# Every test: installs the dependencies, builds, creates a fresh PostgreSQL cluster for the tests
# (destroyed and recreated each run), runs ctest and stops the cluster. Exits with ctest's status.
#
#   scripts/test.sh                 all tests
#   scripts/test.sh -L unit         only the hermetic unit tests (any ctest arguments work)
#   scripts/test.sh -R pg_outage    one test by name
#   scripts/test.sh --sanitize=address   every test, built with AddressSanitizer and
#                                        UndefinedBehaviorSanitizer (in build-asan/)
#   scripts/test.sh --sanitize=thread    the concurrency tests (threads, locks, the log's group
#                                        commit; no gRPC, whose libraries are not instrumented),
#                                        built with ThreadSanitizer (in build-tsan/) against an
#                                        Abseil built with it once (scripts/build-tsan-deps.sh)
# A sanitizer's report fails the test it happened in (the process exits non-zero).
#
# Environment: INGEST_BUILD_DIR (default build); INGEST_TEST_PG_PORT (default 55433) and
# INGEST_TEST_PG_ROOT (default /var/tmp/ingest-pg-test-$port) place the test cluster, apart from
# the demo's; E2E_OUTAGE_SECONDS sets the PostgreSQL outage of e2e_pg_outage (default 10);
# CI=true builds without debug info and through ccache (scripts/build.sh --no-debug-info --ccache).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
# The ThreadSanitizer run: the tests of code that shares state between threads without gRPC
# (whose own synchronization stays invisible: Debian's libgrpc is not instrumented), the
# parallel parts of a batch over their PostgreSQL connections included. Only these are built
# in build-tsan/.
TSAN_TESTS=(server_wal_writer_test server_durable_log_test server_window_test server_batch_writer_test
  server_producers_test server_file_registry_test server_worker_pool_test server_database_probe_test
  server_event_lookup_test generator_csv_file_writer_test integration_parted_write_test
  server_authenticator_test server_call_limits_test)

SANITIZE=()
BUILD_SELECT=()
CTEST_SELECT=()
if [[ "${1:-}" == --sanitize=* ]]; then
  SANITIZE=("$1")
  case "$1" in
    --sanitize=address) BUILD_DIR="${INGEST_BUILD_DIR:-build-asan}" ;;
    --sanitize=thread)
      BUILD_DIR="${INGEST_BUILD_DIR:-build-tsan}"
      BUILD_SELECT=(--target "${TSAN_TESTS[@]}")
      CTEST_SELECT=(-R "^($(IFS='|'; echo "${TSAN_TESTS[*]}"))\$") ;;
    *) echo "test: --sanitize is address or thread, not '${1#--sanitize=}'" >&2; exit 2 ;;
  esac
  shift
  export ASAN_OPTIONS="abort_on_error=0:halt_on_error=1:detect_leaks=1"
  export LSAN_OPTIONS="suppressions=$REPO/tests/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$REPO/tests/sanitizers/tsan.supp"
fi
BUILD_DIR="${BUILD_DIR:-${INGEST_BUILD_DIR:-build}}"
LOGS="$REPO/.local/logs"
mkdir -p "$LOGS"

section() { printf '\n== %s ==\n' "$*"; }

section "Dependencies"
bash scripts/setup-deps.sh

section "Docker for the container test"
# The container test runs docker-compose.yml for real; where no daemon can be started (no root, no
# kernel support), it is skipped and says why, and every other test still runs.
# When it is among the tests to run, the base images (scripts/base-images.sh) and the package
# layers of the Dockerfile are made now, in the background: downloads and unpacking, which cost
# little CPU beside the build below. The test itself still runs both steps (then finding them
# made) and compiles the image; each is made only when missing.
PREP_PID=""
if ! bash scripts/setup-deps.sh --docker; then
  echo "test: no Docker daemon could be started; the container test will be skipped"
elif [[ $# -eq 0 || "$*" == *container* ]]; then
  echo "test: making the container test's base images and package layers in the background (.local/logs/container-prep.log)"
  (
    SECONDS=0
    bash scripts/base-images.sh && DOCKER_BUILDKIT=0 docker build -q --target runtime-deps . >/dev/null
    echo "container images prepared in ${SECONDS}s"
  ) >"$LOGS/container-prep.log" 2>&1 &
  PREP_PID=$!
fi

if [[ "${SANITIZE[*]}" == --sanitize=thread ]]; then
  section "Abseil with ThreadSanitizer (.local/tsan/, built once)"
  bash scripts/build-tsan-deps.sh
fi

section "Build ($BUILD_DIR/, output in .local/logs/build-test.log)"
# In CI (CI=true) the test build leaves out debug info: the same machine code (-O2), about a
# quarter less compile and link time on a build made once and never debugged. And it compiles
# through ccache (.local/ccache), with the flags of the Dockerfile's build stage, so that the
# container test's `docker-compose build` finds the four binaries' objects there instead of
# compiling them a second time. Elsewhere the build keeps -g for gdb and perf, and no ccache.
CI_BUILD=()
[[ "${CI:-}" == true && ${#SANITIZE[@]} -eq 0 ]] && CI_BUILD=(--no-debug-info --ccache)
SECONDS=0
if ! INGEST_BUILD_DIR="$BUILD_DIR" bash scripts/build.sh "${CI_BUILD[@]}" --tests "${SANITIZE[@]}" "${BUILD_SELECT[@]}" >"$LOGS/build-test.log" 2>&1; then
  echo "--- last lines of .local/logs/build-test.log ---" >&2
  tail -n 60 "$LOGS/build-test.log" >&2
  echo "test: the build failed (full output: .local/logs/build-test.log)" >&2
  exit 1
fi
echo "built in ${SECONDS}s"
grep "^build: ccache" "$LOGS/build-test.log" || true
if [[ -n "$PREP_PID" ]]; then
  # Bounded by the steps themselves (debootstrap and apt give up on a dead network).
  if wait "$PREP_PID"; then
    tail -n 1 "$LOGS/container-prep.log"
  else
    echo "test: preparing the container images failed (.local/logs/container-prep.log); the container test makes them itself"
  fi
fi

section "PostgreSQL for the tests"
# The demo's INGEST_PG_* may be exported in this shell; the test cluster never reuses them.
export INGEST_PG_PORT="${INGEST_TEST_PG_PORT:-55433}"
export INGEST_PG_ROOT="${INGEST_TEST_PG_ROOT:-/var/tmp/ingest-pg-test-$INGEST_PG_PORT}"
export INGEST_PG_SCRIPT="$REPO/scripts/pg.sh"
"$INGEST_PG_SCRIPT" destroy
trap '"$INGEST_PG_SCRIPT" stop || true' EXIT
"$INGEST_PG_SCRIPT" start
eval "$("$INGEST_PG_SCRIPT" env)"
export PGPASSFILE INGEST_PG_PORT INGEST_PG_ROOT
# Tests create their own databases as the owning role (CREATEDB); the serving role (no rights of
# its own on them until `ingest-server migrate --grant-to`) is for the tests of least privilege.
export INGEST_TEST_DSN="$INGEST_OWNER_DSN"
export INGEST_TEST_SERVING_DSN="$INGEST_DB_DSN"
echo "INGEST_TEST_DSN=$INGEST_TEST_DSN"
echo "INGEST_TEST_SERVING_DSN=$INGEST_TEST_SERVING_DSN"

section "ctest"
rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "${CTEST_SELECT[@]}" "$@" || rc=$?
exit $rc
