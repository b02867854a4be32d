#!/usr/bin/env python3
"""monitoring_test.sh's checks of the dashboard and the alert rules against the metric table of
the runbook. Usage: monitoring_check.py DEPLOY_DIR DOCS EXPRS_OUT DOCS_DIR"""
import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from metric_table import HEADER, read_metric_table  # noqa: E402

deploy, docs_path, exprs_out, repo_docs_dir = sys.argv[1:5]
problems = []


def problem(text):
    if text not in problems:
        problems.append(text)


# --- the metric table of the runbook: | `name` | type | `label`, `label` | what |
table = read_metric_table(docs_path)
documented = {name: labels for name, _, labels in table}  # metric name -> set of labels
histograms = {name for name, kind, _ in table if kind == "histogram"}
if not documented:
    print(f"monitoring_test: no metric table ({HEADER} …) found in {docs_path}")
    sys.exit(1)

BUILTIN_METRICS = {"up": {"job", "instance"}}
ALWAYS_LABELS = {"job", "instance"}


def labels_of(metric):
    """Documented labels of a metric name as used in PromQL, or None when it is unknown."""
    if metric in BUILTIN_METRICS:
        return BUILTIN_METRICS[metric]
    if metric in documented:
        return documented[metric] | ALWAYS_LABELS
    for suffix in ("_bucket", "_sum", "_count"):
        base = metric[: -len(suffix)]
        if metric.endswith(suffix) and base in histograms:
            return documented[base] | ALWAYS_LABELS | ({"le"} if suffix == "_bucket" else set())
    return None


# --- a small PromQL scanner: enough to find metric names, matchers and grouping labels.
TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<number>0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<var>\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],@])
""", re.VERBOSE)
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile", "limitk", "limit_ratio"}


def tokens(expr):
    out, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read {expr[pos:pos + 20]!r}")
        pos = m.end()
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group()))
    return out


def scan(expr):
    """Returns (metrics, matcher labels by metric, grouping labels) of a PromQL expression."""
    toks = tokens(expr)
    metrics, matchers, grouping = [], [], set()
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else None
        if kind == "ident" and text.lower() in GROUPING and nxt == "(":
            j = i + 2
            while toks[j][1] != ")":
                if toks[j][0] == "ident":
                    grouping.add(toks[j][1])
                j += 1
            i = j + 1
            continue
        if kind == "ident" and (nxt == "(" or text in AGGREGATIONS and nxt in ("by", "without")):
            i += 1  # a function, or an aggregation with its grouping first
            continue
        if kind == "ident" and text.lower() not in KEYWORDS:
            metrics.append(text)
            if nxt == "{":
                j = i + 2
                while toks[j][1] != "}":
                    if toks[j][0] == "ident" and toks[j + 1][1] in ("=", "!=", "=~", "!~"):
                        matchers.append((text, toks[j][1]))
                    j += 1
                i = j + 1
                continue
        if text == "{":  # a selector without a metric name: {__name__=...}
            problem(f"selector without a metric name in {expr!r}")
        if text == "[":  # range or subquery: durations and $__rate_interval
            while toks[i][1] != "]":
                i += 1
        i += 1
    return metrics, matchers, grouping


def check_expr(where, expr):
    try:
        metrics, matchers, grouping = scan(expr)
    except (ValueError, IndexError) as e:
        problem(f"{where}: cannot scan expression {expr!r}: {e}")
        return
    if not metrics:
        problem(f"{where}: expression {expr!r} uses no metric")
    known_labels = set(ALWAYS_LABELS)
    for metric in metrics:
        labels = labels_of(metric)
        if labels is None:
            problem(f"{where}: unknown metric '{metric}': it is not in the metric table of {docs_path}")
        else:
            known_labels |= labels
    for metric, label in matchers:
        labels = labels_of(metric)
        if labels is not None and label not in labels:
            problem(f"{where}: metric '{metric}' has no label '{label}' in the metric table of {docs_path}")
    for label in grouping - known_labels:
        problem(f"{where}: groups by '{label}', a label of none of its metrics in {docs_path}")


exprs_for_promtool = []  # (record name, expr) to let promtool parse the dashboard's queries

# --- the Grafana dashboard
with open(f"{deploy}/grafana/provisioning/datasources/prometheus.yml", encoding="utf-8") as f:
    datasources = yaml.safe_load(f)["datasources"]
ds_uid = next((d.get("uid") for d in datasources if d.get("type") == "prometheus"), None)
if not ds_uid:
    problem("grafana/provisioning/datasources/prometheus.yml: no prometheus datasource with a uid")

dashboard_path = f"{deploy}/grafana/dashboards/ingest.json"
try:
    with open(dashboard_path, encoding="utf-8") as f:
        dashboard = json.load(f)
except (OSError, json.JSONDecodeError) as e:
    print(f"monitoring_test: {dashboard_path}: {e}")
    sys.exit(1)


def check_datasource(where, ds):
    if not isinstance(ds, dict) or ds.get("uid") != ds_uid or ds.get("type") != "prometheus":
        problem(f"{where}: datasource {ds!r} is not the provisioned one "
                f"{{'type': 'prometheus', 'uid': {ds_uid!r}}}")


def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))


panels = list(all_panels(dashboard.get("panels", [])))
if not [p for p in panels if p.get("type") != "row"]:
    problem(f"{dashboard_path}: no panels")
ids = {}
for p in panels:
    where = f"dashboard panel '{p.get('title', '?')}' (id {p.get('id')})"
    if p.get("id") in ids:
        problem(f"{where}: id also used by panel '{ids[p.get('id')]}'")
    ids[p.get("id")] = p.get("title")
    if p.get("type") == "row":
        continue
    check_datasource(where, p.get("datasource"))
    targets = p.get("targets") or []
    if not targets:
        problem(f"{where}: no targets")
    for t in targets:
        expr = (t.get("expr") or "").strip()
        if not expr:
            problem(f"{where}: target {t.get('refId')} has no expr")
            continue
        check_datasource(f"{where} target {t.get('refId')}", t.get("datasource"))
        check_expr(where, expr)
        exprs_for_promtool.append((f"panel_{p.get('id')}_{t.get('refId')}", expr))
for v in dashboard.get("templating", {}).get("list", []):
    if v.get("type") != "query":
        continue
    where = f"dashboard variable '{v.get('name')}'"
    check_datasource(where, v.get("datasource"))
    query = v.get("query")
    query = query.get("query", "") if isinstance(query, dict) else query or ""
    m = re.fullmatch(r"\s*label_values\((.*),\s*[a-zA-Z_]+\)\s*", query)
    check_expr(where, m.group(1) if m else query)

# --- the alerts
alerts_path = f"{deploy}/prometheus/alerts.yml"
with open(alerts_path, encoding="utf-8") as f:
    groups = yaml.safe_load(f)["groups"]


def anchors(path):
    """GitHub's heading anchors of a Markdown file: lower case, punctuation dropped, spaces to hyphens."""
    out, fenced = set(), False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fenced = not fenced
            m = re.match(r"#+\s+(.*)", line)
            if m and not fenced:
                out.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out


with open(docs_path, encoding="utf-8") as f:
    docs_text = f.read()
headings = anchors(docs_path)
# Other files are looked up from the checkout's docs/, where the runbook lives, so a copy of the
# runbook elsewhere is checked the same way.
for target in re.findall(r"\]\(([^)\s]+)\)", docs_text):
    if re.match(r"[a-z]+:", target):
        continue  # http:, https:, mailto:
    path, _, anchor = target.partition("#")
    full = os.path.normpath(os.path.join(repo_docs_dir, path)) if path else docs_path
    if not os.path.exists(full):
        problem(f"{docs_path}: link to {target}: no file {full}")
    elif anchor and full.endswith(".md") and anchor not in anchors(full):
        problem(f"{docs_path}: link to {target}: no section #{anchor} in {full}")
alert_count = 0
for group in groups:
    for rule in group.get("rules", []):
        name = rule.get("alert") or rule.get("record")
        where = f"alert '{name}'" if rule.get("alert") else f"recording rule '{name}'"
        check_expr(where, rule["expr"])
        if not rule.get("alert"):
            continue
        alert_count += 1
        if not rule.get("for"):
            problem(f"{where}: no 'for'")
        if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            problem(f"{where}: severity label missing or not critical/warning/info")
        ann = rule.get("annotations", {})
        for key in ("summary", "description", "runbook"):
            if not ann.get(key):
                problem(f"{where}: no '{key}' annotation")
        runbook = ann.get("runbook", "")
        m = re.fullmatch(r"docs/operations\.md#(.+)", runbook)
        if not m or m.group(1) not in headings:
            problem(f"{where}: runbook '{runbook}' names no section of {docs_path}")
        if f"`{name}`" not in docs_text:
            problem(f"{where}: not listed (as `{name}`) in {docs_path}")
if alert_count == 0:
    problem(f"{alerts_path}: no alerts")

# promtool parses the dashboard's queries as recording rules (Grafana variables filled in).
rules = []
for record, expr in exprs_for_promtool:
    expr = expr.replace("$__rate_interval", "1m").replace("$instance", ".*")
    rules.append({"record": f"dashboard_{record}", "expr": expr})
with open(exprs_out, "w", encoding="utf-8") as f:
    yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)

print(f"{len(documented)} metrics in the runbook's table; {len(exprs_for_promtool)} dashboard queries in "
      f"{len([p for p in panels if p.get('type') != 'row'])} panels; {alert_count} alerts")
for p in problems:
    print(f"monitoring_test: {p}")
sys.exit(1 if problems else 0)
