"""A client written only from proto/ (as any other language would): streams three batches with
one invalid event, checks the acks, flushes, checks the tables with psql, then resends a batch.

Usage: python_client.py STUBS_DIR INGEST_ADDR ADMIN_ADDR DSN
"""
import datetime
import subprocess
import sys
import uuid

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from ingest.v1 import admin_pb2, admin_pb2_grpc  # noqa: E402
from ingest.v1 import event_pb2, ingest_pb2, ingest_pb2_grpc  # noqa: E402

INGEST_ADDR, ADMIN_ADDR, DSN = sys.argv[2], sys.argv[3], sys.argv[4]
PRODUCER = "py-" + uuid.uuid4().hex[:12]
RPC_TIMEOUT = 60


def log(message):
    print(f"[python_client] {message}", flush=True)


def fail(message):
    print(f"[python_client] FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def check_eq(expected, actual, what):
    if expected != actual:
        fail(f"{what}: expected {expected!r}, got {actual!r}")
    log(f"ok: {what} = {actual!r}")


def sql(query):
    out = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", DSN,
                          "-c", query], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def make_event(sequence, index, event_type, quantity):
    event = event_pb2.Event(
        event_id=f"{PRODUCER}-{sequence}-{index}", user_id="user_42",
        event_type=event_type, product_id="prod_7", product_name="Desk lamp",
        product_category="home", price_cents=1999, session_id="sess_1",
        device_type=event_pb2.DEVICE_TYPE_MOBILE)
    event.quantity = quantity
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    event.event_time.FromDatetime(when.replace(tzinfo=None))
    return event


def make_batch(sequence, quantities):
    types = [event_pb2.EVENT_TYPE_VIEW, event_pb2.EVENT_TYPE_PURCHASE, event_pb2.EVENT_TYPE_CLICK]
    batch = ingest_pb2.EventBatch(producer_id=PRODUCER, sequence=sequence)
    for index, quantity in enumerate(quantities):
        batch.events.append(make_event(sequence, index, types[index % len(types)], quantity))
    return batch


def stream(stub, batches):
    try:
        return list(stub.StreamEvents(iter(batches), timeout=RPC_TIMEOUT))
    except grpc.RpcError as error:
        fail(f"StreamEvents ended with {error.code().name}: {error.details()}")


def flush(admin):
    try:
        response = admin.Flush(admin_pb2.FlushRequest(), timeout=RPC_TIMEOUT)
    except grpc.RpcError as error:
        fail(f"AdminService.Flush failed with {error.code().name}: {error.details()}")
    log(f"ok: Flush answered batch_id={response.batch_id} empty={response.empty}")


def main():
    stub = ingest_pb2_grpc.IngestServiceStub(grpc.insecure_channel(INGEST_ADDR))
    admin = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(ADMIN_ADDR))
    # Batch 2, position 1 has quantity 0: the contract rejects it (1..10000) with out_of_range.
    batches = [make_batch(1, [1, 2, 1]), make_batch(2, [3, 0, 1]), make_batch(3, [2, 5])]
    bad_id = batches[1].events[1].event_id
    log(f"producer {PRODUCER}: streaming 3 batches (8 events, {bad_id} has quantity 0)")

    acks = stream(stub, batches)
    check_eq([1, 2, 3], [a.sequence for a in acks], "ack sequences, one per batch, in order")
    check_eq([(3, 0), (2, 1), (2, 0)], [(a.accepted, a.rejected) for a in acks],
             "(accepted, rejected) per ack")
    rejection = acks[1].rejections[0] if acks[1].rejections else None
    if rejection is None:
        fail("the ack of batch 2 lists no rejection")
    check_eq(1, rejection.index, "rejection index")
    check_eq(bad_id, rejection.event_id, "rejection event_id")
    check_eq("out_of_range", rejection.code, "rejection code")
    if "quantity" not in rejection.reason:
        fail(f"rejection reason does not name the field quantity: {rejection.reason!r}")
    log(f"ok: rejection reason names quantity: {rejection.reason!r}")

    flush(admin)
    like = f"event_id LIKE '{PRODUCER}-%'"
    check_eq("7", sql(f"SELECT count(*) FROM user_events WHERE {like}"), "rows in user_events")
    check_eq("0", sql(f"SELECT count(*) FROM user_events WHERE event_id = '{bad_id}'"),
             "rows of the invalid event in user_events")
    check_eq(f"1|{PRODUCER}|stream|out_of_range|{rejection.reason}",
             sql(f"SELECT position, origin, source, code, reason FROM rejected_events "
                 f"WHERE event_id = '{bad_id}'"),
             "the invalid event in rejected_events (position|origin|source|code|reason)")
    check_eq("purchase|19.99|2|39.98|mobile|stream",
             sql(f"SELECT event_type, product_price, quantity, total_price, device_type, source "
                 f"FROM user_events WHERE event_id = '{PRODUCER}-1-1'"),
             "row of event 1-1 (type|price|quantity|total|device|source)")
    batch_rows = sql("SELECT count(*) FROM ingest_batches")

    log("resending batch 2 on a new stream")
    resent = stream(stub, [batches[1]])
    check_eq(1, len(resent), "acks for the resent batch")
    if resent[0] != acks[1]:
        fail(f"the resend's ack differs from the original:\n{resent[0]}\nvs\n{acks[1]}")
    log("ok: the resend got the original ack (same counts and rejection)")
    flush(admin)
    check_eq("7", sql(f"SELECT count(*) FROM user_events WHERE {like}"),
             "rows in user_events after the resend")
    check_eq("1", sql(f"SELECT count(*) FROM rejected_events WHERE event_id = '{bad_id}'"),
             "rows of the invalid event in rejected_events after the resend")
    check_eq(batch_rows, sql("SELECT count(*) FROM ingest_batches"),
             "rows in ingest_batches after the resend (nothing new stored)")

    log("resending sequence 2 with different content")
    changed = make_batch(2, [1, 1, 1])
    try:
        list(stub.StreamEvents(iter([changed]), timeout=RPC_TIMEOUT))
        fail("a reused sequence with different content was accepted")
    except grpc.RpcError as error:
        check_eq(grpc.StatusCode.FAILED_PRECONDITION, error.code(), "status of the reused sequence")
        if "different content" not in error.details():
            fail(f"the status message does not say 'different content': {error.details()!r}")
        log(f"ok: {error.details()!r}")

    # A NUL character is valid UTF-8 but PostgreSQL text cannot hold it: the ack must say so,
    # rather than accept the event and have the database refuse it later.
    nul_batch = make_batch(4, [1, 1])
    nul_batch.events[0].product_name = "Desk\x00lamp"
    nul_id = nul_batch.events[0].event_id
    log(f"streaming batch 4, whose event {nul_id} has a NUL in product_name")
    nul_acks = stream(stub, [nul_batch])
    check_eq([(1, 1)], [(a.accepted, a.rejected) for a in nul_acks], "(accepted, rejected) of batch 4")
    check_eq("bad_utf8", nul_acks[0].rejections[0].code, "code of the event with a NUL")
    check_eq("product_name holds a NUL character (byte 5), which PostgreSQL text cannot store",
             nul_acks[0].rejections[0].reason, "reason of the event with a NUL")
    flush(admin)
    check_eq("0", sql(f"SELECT count(*) FROM user_events WHERE event_id = '{nul_id}'"),
             "rows of the event with a NUL in user_events")
    check_eq("0|bad_utf8", sql(f"SELECT position, code FROM rejected_events WHERE event_id = '{nul_id}'"),
             "the event with a NUL in rejected_events (position|code)")
    check_eq("1", sql(f"SELECT count(*) FROM user_events WHERE event_id = '{nul_batch.events[1].event_id}'"),
             "the other event of batch 4 in user_events")
    log("all client checks passed")


if __name__ == "__main__":
    main()
