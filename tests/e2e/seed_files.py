#!/usr/bin/env python3
"""Writes seed-style CSV event files the way a generator in another language would, with the
bad rows it chooses, and prints what the contract's rules predict for each file as JSON:
{file: {"accepted": N, "rejected": N, "rejections": {line: code}}} (no entry for a file whose
header is unusable). Usage: seed_files.py OUTDIR RUN_ID [good|mixed|bad-header|all] [ROWS]"""
import json
import os
import sys

out_dir, run = sys.argv[1], sys.argv[2]
which = sys.argv[3] if len(sys.argv) > 3 else "all"
rows_wanted = int(sys.argv[4]) if len(sys.argv) > 4 else 40
expect = {}


def quote(field):
    if any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


class Writer:
    """Counts physical lines, so each row's expected line number is known."""

    def __init__(self, name, newline="\n", bom=False):
        self.name, self.newline, self.line = name, newline, 0
        self.path = os.path.join(out_dir, name)
        self.f = open(self.path + ".tmp", "w", encoding="utf-8", newline="")
        if bom:
            self.f.write("\ufeff")
        self.result = {"accepted": 0, "rejected": 0, "rejections": {}}

    def row(self, fields, code=None):
        text = ",".join(quote(f) for f in fields) + self.newline
        start = self.line + 1
        self.f.write(text)
        self.line += text.count("\n")
        if code is None:
            self.result["accepted"] += 1
        else:
            self.result["rejected"] += 1
            self.result["rejections"][str(start)] = code

    def header(self, names):
        self.row(names)
        self.result["accepted"] -= 1

    def blank(self):
        self.f.write(self.newline)
        self.line += 1

    def close(self, record=True):
        self.f.close()
        os.rename(self.path + ".tmp", self.path)  # complete files only, like the seed generator
        if record:
            expect[self.name] = self.result


def good_user_events(name, n, tag):
    w = Writer(name)
    w.header(["event_id", "user_id", "event_type", "product_id", "product_name", "product_category",
              "product_price", "quantity", "event_timestamp", "session_id", "device_type"])
    types = ["view", "add_to_cart", "remove_from_cart", "purchase", "wishlist", "click"]
    stamps = ["2026-11-20 10:00:00", "2026-11-20T10:00:00.123456789Z", "2026-11-20T12:00:00+02:00",
              "2026-11-20 10:00:00.5"]
    for i in range(n):
        product = "Mug, \"large\"\nblue" if i == 3 else f"Product {i % 7}"
        w.row([f"{run}-{tag}-{i}", f"user_{i % 13:04d}", types[i % 6], f"prod_{i % 7:02d}", product,
               "Kitchen", f"{i % 50}.{i % 100:02d}", "" if i % 4 == 0 else str(1 + i % 3), stamps[i % 4],
               f"sess_{i // 5}", ["mobile", "Desktop", "TABLET", ""][i % 4]])
    w.close()


def mixed_raw_events(name):
    w = Writer(name, newline="\r\n", bom=True)
    w.header(["timestamp", "event_id", "User_Id ", "event_type", "price", "product_id", "ingest_note", "quantity",
              "device_type"])
    ok = lambda i, **kw: [kw.get("ts", "2026-11-21 08:30:00"), f"{run}-raw-{i}", kw.get("user", f"user_{i:04d}"),
                          kw.get("type", ["view", "click", "buy"][i % 3]), kw.get("price", "19.99"),
                          f"prod_{i % 5:02d}", "note, with comma", kw.get("qty", "2"), kw.get("device", "mobile")]
    i = 0
    for _ in range(10):
        w.row(ok(i)); i += 1
    w.blank()
    w.row(ok(i, price="12.345"), "bad_number"); i += 1
    w.row(ok(i, type="teleport"), "bad_enum"); i += 1
    w.row(ok(i, ts="2025-02-30 10:00:00"), "bad_timestamp"); i += 1
    w.row(ok(i)[:-1], "wrong_field_count"); i += 1
    w.row(ok(i, user=""), "missing_field"); i += 1
    w.row(ok(i, qty="0"), "out_of_range"); i += 1
    w.blank()
    w.row(ok(i, device="smartwatch"), "bad_enum"); i += 1
    w.row(ok(i, price="1e3"), "bad_number"); i += 1
    for _ in range(10):
        w.row(ok(i)); i += 1
    w.close()


def bad_header(name):
    w = Writer(name)
    w.header(["event_id", "user_id", "event_type", "product_id", "timestamp"])
    w.row([f"{run}-nohdr-0", "user_0001", "view", "prod_01", "2026-11-21 08:30:00"])
    w.close(record=False)


os.makedirs(out_dir, exist_ok=True)
if which in ("good", "all"):
    good_user_events(f"events_batch_0001_{run}.csv", rows_wanted, "good")
if which in ("mixed", "all"):
    mixed_raw_events(f"events_batch_0002_{run}.csv")
if which in ("bad-header", "all"):
    bad_header(f"events_batch_0003_{run}.csv")
if which == "more":
    good_user_events(f"events_batch_0004_{run}.csv", rows_wanted, "more")
print(json.dumps(expect, sort_keys=True))
