"""With --ack committed, an answer is sent once the rows are in PostgreSQL, so it counts what was
stored: rows PostgreSQL refused (here a CHECK constraint the test adds) are rejections with code
db_refused in the stream's ack, in a resend's ack and in the upload's result.

Usage: ack_committed.py STUBS_DIR INGEST_ADDR DSN
"""
import datetime
import os
import sys
import uuid

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402
from ingest.v1 import event_pb2, ingest_pb2, ingest_pb2_grpc  # noqa: E402
import e2e_client  # noqa: E402
from e2e_client import Log, chunks  # noqa: E402

INGEST_ADDR, DSN = sys.argv[2], sys.argv[3]
RUN = uuid.uuid4().hex[:8]
TIMEOUT = 60
REFUSED = "refuse-me"  # the product_id the database's CHECK constraint refuses
log = Log("ack_committed")


def event(index, product):
    e = event_pb2.Event(event_id=f"{RUN}-s-{index}", user_id="user_1", event_type=event_pb2.EVENT_TYPE_VIEW,
                        product_id=product, price_cents=150)
    e.event_time.FromDatetime(datetime.datetime.utcnow() - datetime.timedelta(minutes=1))
    return e


stub = ingest_pb2_grpc.IngestServiceStub(grpc.insecure_channel(INGEST_ADDR))
batch = ingest_pb2.EventBatch(producer_id=f"ack-{RUN}", sequence=1)
batch.events.extend([event(0, "p"), event(1, "p"), event(2, REFUSED), event(3, "p")])
batch.events[1].quantity = 0  # rejected at validation (out_of_range)

for what in ("the ack", "the ack of a resend"):
    acks = list(stub.StreamEvents(iter([batch]), timeout=TIMEOUT))
    log.check(len(acks) == 1, f"{what}: one ack")
    ack = acks[0]
    log.check((ack.accepted, ack.rejected) == (2, 2), f"{what} counts 2 stored, 2 rejected: {ack.accepted}/{ack.rejected}")
    listed = [(r.index, r.code) for r in ack.rejections]
    log.check(listed == [(1, "out_of_range"), (2, "db_refused")], f"{what} lists both, by index: {listed}")
    log.check("23514" in ack.rejections[1].reason, f"{what} gives the SQLSTATE: {ack.rejections[1].reason}")

data = e2e_client.csv_file(RUN, "f", 10, product=lambda i: REFUSED if i in (3, 7) else "prod_01")
result = stub.UploadFile(chunks(f"refused-{RUN}.csv", data), timeout=TIMEOUT)
log.check((result.accepted, result.rejected) == (8, 2),
          f"the upload's result counts the refused rows: {result.accepted}/{result.rejected}")
log.check([r.code for r in result.rejections] == ["db_refused"] * 2, "both listed as db_refused")

stored = e2e_client.sql(DSN, f"SELECT count(*) FROM user_events WHERE event_id LIKE '{RUN}-%'")
log.check(stored == "10", f"the rows acked as accepted are the rows stored (2 + 8): {stored}")
log("PASS")
