"""A producer that moves between servers, with exact sequences (producers_across_servers.sh).

Usage: across_servers.py STUBS_DIR ADDR PRODUCER FIRST LAST ACKED_LOG

Sends batches FIRST..LAST of PRODUCER on one stream to ADDR and checks each ack: batch N holds
10 events PRODUCER-N-0..9, batch 39 one more that is invalid (quantity 0), and batches 35 and 42
the event PRODUCER-dup priced N cents, so the table shows which batch's values won. The content
of a batch depends only on its sequence: sending it again is a resend. Acked valid event ids are
appended to ACKED_LOG.
"""
import datetime
import os
import sys

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402
from ingest.v1 import event_pb2, ingest_pb2, ingest_pb2_grpc  # noqa: E402
from e2e_client import Log  # noqa: E402

ADDR, PRODUCER, FIRST, LAST, ACKED_LOG = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
WHEN = datetime.datetime(2026, 11, 20, 10, 0, 0)
log = Log("across_servers")


def event(event_id, price_cents, quantity=1):
    e = event_pb2.Event(event_id=event_id, user_id="user_1", event_type=event_pb2.EVENT_TYPE_VIEW,
                        product_id="prod_01", price_cents=price_cents, quantity=quantity)
    e.event_time.FromDatetime(WHEN)
    return e


def batch(seq):
    b = ingest_pb2.EventBatch(producer_id=PRODUCER, sequence=seq)
    b.events.extend(event(f"{PRODUCER}-{seq}-{i}", 100 + i) for i in range(10))
    if seq in (35, 42):
        b.events.append(event(f"{PRODUCER}-dup", seq))
    if seq == 39:
        b.events.append(event(f"{PRODUCER}-bad", 100, quantity=0))
    return b


def valid_ids(b):
    return [e.event_id for e in b.events if e.quantity != 0]


batches = [batch(seq) for seq in range(FIRST, LAST + 1)]
stub = ingest_pb2_grpc.IngestServiceStub(grpc.insecure_channel(ADDR))
try:
    acks = list(stub.StreamEvents(iter(batches), timeout=60))
except grpc.RpcError as e:
    log.fail(f"batches {FIRST}..{LAST} of {PRODUCER} to {ADDR}: {e.code().name}: {e.details()}")
log.check([a.sequence for a in acks] == list(range(FIRST, LAST + 1)), f"acks {FIRST}..{LAST} of {PRODUCER} from {ADDR}")
for b, a in zip(batches, acks):
    expected = (len(valid_ids(b)), len(b.events) - len(valid_ids(b)))
    if (a.accepted, a.rejected) != expected:
        log.fail(f"ack of batch {b.sequence}: {a.accepted}/{a.rejected}, expected {expected[0]}/{expected[1]}")
with open(ACKED_LOG, "a") as out:
    for b in batches:
        out.write("".join(f"{i}\n" for i in valid_ids(b)))
log(f"ok: every ack counts its batch's valid and invalid events")
