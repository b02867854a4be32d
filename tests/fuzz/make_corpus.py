#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets whose inputs are binary or many small values:
corpus/values, corpus/received_batch, corpus/wal_record, corpus/wal_segment, corpus/checkpoint.

The files are committed; run this again only to change the seeds (it rewrites the files it
names, and leaves other files, such as regression inputs a fuzzer found, alone). The encodings
are written out by hand from the formats' descriptions (proto/ingest/v1/*.proto,
server/durability/wal/wal_format.h, server/durability/wal_record.h,
server/durability/checkpoint/checkpoint_format.h), so the seeds do not depend on a build.

Usage: tests/fuzz/make_corpus.py
"""

import os
import struct
import zlib

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    assert len(data) <= 64 * 1024, (target, name)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


# --- protobuf wire format -------------------------------------------------------------------

def varint(v):
    v &= (1 << 64) - 1  # negative int32/int64 as 10-byte two's complement
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field_varint(number, v):
    return varint(number << 3) + varint(v)


def field_bytes(number, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def event(event_id="e-1", user_id="u-1", event_type=1, product_id="p-1", name="Lamp",
          category="home", price=1299, quantity=None, seconds=1749990000, nanos=0, session="s-1",
          device=1, time=True):
    out = b""
    for number, text in ((1, event_id), (2, user_id)):
        if text:
            out += field_bytes(number, text)
    if event_type:
        out += field_varint(3, event_type)
    for number, text in ((4, product_id), (5, name), (6, category)):
        if text:
            out += field_bytes(number, text)
    if price:
        out += field_varint(7, price)
    if quantity is not None:
        out += field_varint(8, quantity)
    if time:
        out += field_bytes(9, field_varint(1, seconds) + (field_varint(2, nanos) if nanos else b""))
    if session:
        out += field_bytes(10, session)
    if device:
        out += field_varint(11, device)
    return out


def batch(events, producer="producer-1", sequence=1):
    out = field_bytes(1, producer) + field_varint(2, sequence)
    for e in events:
        out += field_bytes(3, e)
    return out


def rejection(index, event_id, reason, code):
    return field_bytes(4, field_varint(1, index) + field_bytes(2, event_id) + field_bytes(3, reason) +
                       field_bytes(4, code))


def ack(sequence, accepted, rejections):
    out = field_varint(1, sequence) + field_varint(2, accepted) + field_varint(3, len(rejections))
    return out + b"".join(rejections)


GOOD = event()
PURCHASE = event(event_id="e-2", event_type=4, price=5, quantity=3, nanos=123456000, device=2)
NO_ID = event(event_id="")
BAD_UTF8 = event(event_id="e-3", name=b"\xff\xfe lamp")
FUTURE = event(event_id="e-4", seconds=1900000000)
NEGATIVE = event(event_id="e-5", price=-1, quantity=-2, event_type=99)


# --- the targets ----------------------------------------------------------------------------

def values():
    seeds = {
        "price_whole": "12", "price_cents": "12.99", "price_point_five": ".5", "price_five_point": "5.",
        "price_zeros": "000.10", "price_max": "99999999.99", "price_too_large": "100000000.00",
        "price_negative": "-1.00", "price_three_places": "1.234", "price_exponent": "1e5",
        "quantity_one": "1", "quantity_max": "10000", "quantity_zero": "0", "quantity_leading": "0007",
        "ts_utc": "2025-06-15T10:20:30Z", "ts_space": "2025-06-15 10:20:30", "ts_fraction":
        "2025-06-15T10:20:30.123456789+02:00", "ts_offset_short": "2025-06-15t10:20:30-0530",
        "ts_offset_hours": "2025-06-15T10:20:30+23", "ts_leap_day": "2024-02-29T00:00:00z",
        "ts_no_leap_day": "2025-02-29T00:00:00Z", "ts_hour_24": "2025-06-15T24:00:00Z",
        "ts_year_0": "0000-01-01T00:00:00+01:00", "ts_year_9999": "9999-12-31T23:59:59.999999-23:59",
        "ts_ten_digits": "2025-06-15T10:20:30.1234567890Z", "ts_offset_60": "2025-06-15T10:20:30+00:60",
        "type_view": "view", "type_buy": "BUY", "type_cart": "Add_To_Cart", "device_tablet": "tablet",
        "device_upper": "MOBILE", "empty": "", "utf8": "\u00e9t\u00e9", "invalid_utf8": b"\xc3\x28\x00",
    }
    for name, text in seeds.items():
        write("values", name, text)


def received_batch():
    seeds = {
        "empty": b"",
        "one_good": batch([GOOD]),
        "mixed": batch([GOOD, PURCHASE, NO_ID, BAD_UTF8, FUTURE, NEGATIVE], sequence=7),
        "no_events": batch([], producer="p", sequence=2**64 - 1),
        "producer_not_utf8": batch([GOOD], producer=b"\xff"),
        "producer_nul": batch([GOOD], producer=b"a\x00b"),
        "truncated": batch([GOOD, PURCHASE])[:-5],
        "unknown_fields": batch([GOOD + field_varint(15, 1) + field_bytes(16, "x")]) + field_varint(9, 3),
        "event_time_twice": batch([GOOD + field_bytes(9, field_varint(2, 500000000))]),
        "wrong_wire_type": batch([field_bytes(3, "not a varint") + field_varint(1, 5) + GOOD]),
        "group": batch([GOOD]) + varint(5 << 3 | 3) + field_varint(1, 1) + varint(5 << 3 | 4),
        "negative_int32_ten_bytes": batch([event(quantity=-1, device=-1)]),
    }
    for name, data in seeds.items():
        write("received_batch", name, data)


def wal_record(source, sequence, received_us, origin, content_hash, ack_bytes, body):
    out = struct.pack("<BBQq", 1, source, sequence, received_us)
    for part in (origin.encode(), content_hash, ack_bytes):
        out += struct.pack("<I", len(part)) + part
    return out + body


def file_part(events, reject_payloads, done=None):
    out = b"".join(field_bytes(1, e) for e in events)
    out += b"".join(field_bytes(2, p) for p in reject_payloads)
    if done:
        name, size, accepted, rejected = done
        out += field_bytes(3, field_bytes(1, name) + field_varint(2, size) + field_varint(3, accepted) +
                           field_varint(4, rejected))
    return out


def wal_records():
    """The records the seeds of wal_record and wal_segment are made of."""
    stream_body = batch([GOOD, NO_ID, PURCHASE], sequence=3)
    stream_ack = ack(3, 2, [rejection(1, "", "event_id is empty; it is required", "missing_field")])
    part = file_part([GOOD, PURCHASE], [b"x,y,z"], done=("orders.csv", 120, 2, 1))
    part_ack = ack(1, 2, [rejection(3, "", "line 3: wrong number of fields", "wrong_field_count")])
    return {
        "stream": wal_record(0, 3, 1750000000000000, "producer-1", bytes(32), stream_ack, stream_body),
        "stream_all_good": wal_record(0, 1, 1, "p", b"\x01" * 32, ack(1, 1, []), batch([GOOD])),
        "file_part": wal_record(1, 1, 1750000000000000, "orders.csv", b"a" * 64, part_ack, part),
        "file_part_not_last": wal_record(1, 2, 5, "f.csv", b"b" * 64, ack(2, 1, []), file_part([GOOD], [])),
    }


def wal_record_seeds():
    for name, record in wal_records().items():
        write("wal_record", "record_" + name, b"\x00" + record)
    write("wal_record", "record_truncated", b"\x00" + wal_records()["stream"][:30])
    write("wal_record", "record_version_2", b"\x00\x02" + wal_records()["stream"][1:])
    write("wal_record", "record_bad_ack", b"\x00" + wal_record(0, 1, 1, "p", b"", b"\xff", batch([GOOD])))
    write("wal_record", "batch_mixed", b"\x01" + batch([GOOD, PURCHASE, NO_ID, BAD_UTF8, FUTURE, NEGATIVE]))
    write("wal_record", "batch_good", b"\x01" + batch([GOOD]))
    write("wal_record", "part_done", b"\x02" + file_part([GOOD, NO_ID], [b"a,b", b""], ("a.csv", 9, 2, 2)))
    write("wal_record", "part_empty", b"\x02")


def frame(payload):
    crc = zlib.crc32(struct.pack("<I", len(payload)) + payload)
    return struct.pack("<II", len(payload), crc) + payload


def segment_header(number=1, version=1, magic=b"INGWAL\x00\x00"):
    return magic + struct.pack("<IQ", version, number) + bytes(12)


def wal_segment_seeds():
    records = list(wal_records().values())
    body = b"".join(frame(r) for r in records)
    seeds = {
        "clean": segment_header() + body + bytes(256),
        "clean_no_padding": segment_header() + body,
        "header_only": segment_header(),
        "empty": b"",
        "short_header": segment_header()[:20],
        "bad_magic": segment_header(magic=b"INGWAL\x00\x01") + body,
        "bad_version": segment_header(version=2) + body,
        "other_segment": segment_header(number=2) + body,
        "torn_tail": segment_header() + body + frame(records[0])[:-7] + bytes(64),
        "bad_checksum": segment_header() + frame(records[0]) + frame(b"x" * 10)[:-1] + b"y" + frame(b"z"),
        "past_the_end": segment_header() + frame(records[0]) + struct.pack("<II", 1000, 0) + b"abc",
        "garbage_after_end": segment_header() + body + bytes(40) + b"\x01",
        "short_frame_at_end": segment_header() + frame(b"hello") + b"\x00\x00\x01",
    }
    # The first byte: bit 0 clear (the file as is); bit 1 set to repair damage, on half of them.
    for i, (name, data) in enumerate(seeds.items()):
        write("wal_segment", "file_" + name, bytes([2 * (i % 2)]) + data)
    # The first byte: bit 0 set (records described); 0xff allows large payloads.
    specs = {
        "records_small": b"\x01\x03abc\x01z\x05hello",
        "records_large": b"\xff\xf0\x02hi\xff\x00\x01x",
        "records_none": b"\x01",
        "records_straddle": b"\xff\xfe\xfa\x04data",
        "records_0xf0_small": b"\x03\xf0" + bytes(range(240)),
    }
    for name, spec in specs.items():
        write("wal_segment", "spec_" + name, spec)


def checkpoint_entry(lines):
    body = "".join(line + "\n" for line in lines).encode()
    return body + b"crc32=%08x\n" % zlib.crc32(body)


def checkpoint_seeds():
    offsets = ["v1", "batch_id=42", "first=3:32", "end=4:4096", "window_start_us=1750000000000000",
               "window_end_us=1750000010000000", "events=1000"]
    commit = ["v1", "batch_id=42", "committed_at_us=1750000011000000"]
    seeds = {
        "offsets": checkpoint_entry(offsets),
        "commit": checkpoint_entry(commit),
        "offsets_unknown_key": checkpoint_entry(offsets + ["future_key=1"]),
        "offsets_reversed_range": checkpoint_entry(offsets[:2] + ["first=4:4096", "end=3:32"] + offsets[4:]),
        "offsets_missing_events": checkpoint_entry(offsets[:-1]),
        "offsets_bad_position": checkpoint_entry(offsets[:2] + ["first=3", "end=4:x"] + offsets[4:]),
        "duplicate_key": checkpoint_entry(commit + ["batch_id=43"]),
        "not_key_value": checkpoint_entry(commit + ["no equals sign"]),
        "version_2": checkpoint_entry(["v2"] + commit[1:]),
        "bad_checksum": checkpoint_entry(commit)[:-3] + b"0\n",
        "truncated": checkpoint_entry(commit)[:-1],
        "uppercase_checksum": checkpoint_entry(commit)[:-9] + checkpoint_entry(commit)[-9:].upper(),
        "empty": b"",
        "negative_numbers": checkpoint_entry(["v1", "batch_id=-1", "committed_at_us=-5"]),
    }
    for name, data in seeds.items():
        write("checkpoint", "file_" + name, b"\x00" + data)
    write("checkpoint", "fields_zero", b"\x01")
    write("checkpoint", "fields_some", b"\x01" + struct.pack("<QQQQQqqQHc", 42, 3, 32, 4, 4096, 1, 2, 1000, 9, b"x"))
    write("checkpoint", "fields_max", b"\x01" + b"\xff" * 80)


def main():
    values()
    received_batch()
    wal_record_seeds()
    wal_segment_seeds()
    checkpoint_seeds()


if __name__ == "__main__":
    main()
