#!/usr/bin/env bash
# The monitoring files in deploy/ against promtool and the runbook:
#   1. promtool check config prometheus.yml and check rules alerts.yml;
#   2. promtool test rules alerts_test.yml (which alerts fire on which series);
#   3. the Grafana dashboard: valid JSON, unique panel ids, every panel with a query, every query
#      on the provisioned datasource (uid from grafana/provisioning/datasources/prometheus.yml);
#   4. every PromQL expression of the dashboard and of alerts.yml parses (promtool) and uses only
#      metrics of the metric table in docs/operations.md (a histogram also as _bucket, _sum,
#      _count) or Prometheus' own `up`; label matchers use the labels the table lists;
#   5. every alert names an existing section of docs/operations.md in its runbook annotation and
#      is listed in the runbook; the runbook's relative links lead to files and sections that exist.
# A separate end-to-end test checks that every metric of the table is served by a live server,
# so dashboard ⊂ runbook ⊂ server.
#
#   tests/deploy/monitoring_test.sh [DEPLOY_DIR [OPERATIONS_MD]]
#
# Defaults: deploy/ and docs/operations.md of this checkout. Exit 0 when all holds, 1 with one
# line per problem. Needs promtool (Debian package prometheus) and python3-yaml, both installed
# by scripts/setup-deps.sh.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "$0")/../.." && pwd)"
DEPLOY_DIR="$(cd "${1:-$SOURCE_DIR/deploy}" && pwd)"
DOCS="$(realpath "${2:-$SOURCE_DIR/docs/operations.md}")"
PROMTOOL="${PROMTOOL:-promtool}"

if ! command -v "$PROMTOOL" >/dev/null; then
  echo "monitoring_test: $PROMTOOL not found; install it with scripts/setup-deps.sh (package prometheus)" >&2
  exit 1
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "monitoring_test: python3 cannot import yaml; install python3-yaml (scripts/setup-deps.sh)" >&2
  exit 1
fi
[[ -f "$DOCS" ]] || { echo "monitoring_test: no runbook at $DOCS" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Every step runs, so one run lists every problem; the test fails if any step did.
failed=()
step() { printf '\n== %s ==\n' "$*"; }
check() {
  local what="$1"
  shift
  if ! "$@"; then
    failed+=("$what")
  fi
}

step "promtool check config and rules ($DEPLOY_DIR/prometheus)"
# rule_files are relative to the config's directory.
check "promtool check config prometheus.yml" \
  bash -c 'cd "$1" && "$2" check config prometheus.yml' _ "$DEPLOY_DIR/prometheus" "$PROMTOOL"
check "promtool check rules alerts.yml" \
  bash -c 'cd "$1" && "$2" check rules alerts.yml' _ "$DEPLOY_DIR/prometheus" "$PROMTOOL"

step "promtool test rules alerts_test.yml"
check "promtool test rules alerts_test.yml" \
  bash -c 'cd "$1" && "$2" test rules alerts_test.yml' _ "$DEPLOY_DIR/prometheus" "$PROMTOOL"

step "dashboard and alert expressions against $DOCS"
check "dashboard and alerts against the runbook" \
  python3 "$(dirname "$0")/monitoring_check.py" "$DEPLOY_DIR" "$DOCS" "$WORK/dashboard_exprs.yml" "$SOURCE_DIR/docs"

step "promtool parses every dashboard query (as recording rules dashboard_panel_ID_REFID)"
if [[ -s "$WORK/dashboard_exprs.yml" ]]; then
  check "promtool parses the dashboard's queries" "$PROMTOOL" check rules "$WORK/dashboard_exprs.yml"
else
  echo "skipped: the dashboard could not be read"
fi

echo
if ((${#failed[@]})); then
  printf 'monitoring_test: FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "monitoring_test: OK"
