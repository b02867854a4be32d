#!/usr/bin/env python3
"""The e2e tests' reader of ingest-server's /metrics (Prometheus text format 0.0.4).

  metrics_check.py scrape ADDR OUT        fetch http://ADDR/metrics into OUT (fails on non-200)
  metrics_check.py value OUT SELECTOR     the sum of the samples matching SELECTOR, e.g.
                                          'ingest_events_rejected_total{source="stream"}'
  metrics_check.py documented DOC OUT     every metric of DOC's metric table is in OUT, with the
                                          type and exactly the label names DOC gives it
"""
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from metric_table import HEADER, read_metric_table  # noqa: E402

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def parse(path):
    """(types {family: type}, samples [(name, {label: value}, float)])."""
    types, samples = {}, []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("# HELP"):
            continue
        if line.startswith("# TYPE"):
            _, _, name, kind = line.split(None, 3)
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            sys.exit(f"{path}:{n}: not a Prometheus sample line: {line!r}")
        labels, rest = {}, m.group(2) or ""
        pos = 0
        while pos < len(rest):
            lm = LABEL.match(rest, pos)
            if not lm:
                sys.exit(f"{path}:{n}: bad labels {rest!r}")
            labels[lm.group(1)] = lm.group(2)
            pos = lm.end()
        samples.append((m.group(1), labels, float(m.group(3))))
    return types, samples


def selector(text):
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$', text)
    if not m:
        sys.exit(f"bad selector {text!r}")
    want = dict(LABEL.findall(m.group(2) or ""))
    return m.group(1), want


def value(path, text):
    name, want = selector(text)
    _, samples = parse(path)
    found = [v for n, labels, v in samples if n == name and all(labels.get(k) == w for k, w in want.items())]
    if not found:
        sys.exit(f"no sample matches {text} in {path}")
    total = sum(found)
    print(int(total) if total == int(total) else total)


def documented(doc, path):
    """Every row of DOC's metric table against the scrape in PATH."""
    rows = read_metric_table(doc)
    if len(rows) < 10:
        sys.exit(f"{doc}: found {len(rows)} rows in its '{HEADER}' table; expected the full table")
    types, samples = parse(path)
    problems = []
    for name, kind, labels in rows:
        if types.get(name) != kind:
            problems.append(f"{name}: documented as {kind}, served as {types.get(name, 'nothing')}")
            continue
        series = name + "_count" if kind == "histogram" else name
        seen = [set(l) - {"le"} for n, l, _ in samples if n == series]
        if not seen:
            problems.append(f"{name}: no series served")
        for got in seen:
            if got != labels:
                problems.append(f"{name}: served with labels {sorted(got)}, documented {sorted(labels)}")
                break
    served = {n for n in types if n.startswith("ingest_")}
    undocumented = served - {n for n, _, _ in rows}
    if undocumented:
        problems.append(f"served but not in {doc}: {', '.join(sorted(undocumented))}")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{len(rows)} documented metrics served with their labels")


def main():
    cmd = sys.argv[1]
    if cmd == "scrape":
        with urllib.request.urlopen(f"http://{sys.argv[2]}/metrics", timeout=10) as r:
            if r.status != 200:
                sys.exit(f"GET /metrics answered {r.status}")
            open(sys.argv[3], "wb").write(r.read())
    elif cmd == "value":
        value(sys.argv[2], sys.argv[3])
    elif cmd == "documented":
        documented(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
