"""The metric table of docs/operations.md, as the tests read it: the rows under the header
`| Metric | Type | Labels | What it measures |`, each `| `name` | type | `label`, `label` | … |`
(`—` for no labels). Shared by tests/e2e/metrics_check.py (against a live scrape) and
tests/deploy/monitoring_check.py (against the dashboard and the alert rules)."""
import re

HEADER = "| Metric | Type | Labels |"


def read_metric_table(path):
    """[(name, type, {label, ...}), ...] in the order of the table; [] when there is none."""
    rows, in_table = [], False
    for line in open(path, encoding="utf-8"):
        if line.startswith(HEADER):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append((cells[0].strip("`"), cells[1], set(re.findall(r"`([a-zA-Z_][a-zA-Z0-9_]*)`", cells[2]))))
    return rows
