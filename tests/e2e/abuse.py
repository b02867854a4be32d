"""Abusive clients of the ingest API, each checking the server's answer (contract, "Security").
Used by tests/e2e/abuse.sh (each abuse once, its answer checked) and bench/abuse.sh (each abuse
repeated for a while, beside a well-behaved producer whose throughput is measured).

Usage: abuse.py STUBS_DIR INGEST_ADDR KIND [SECONDS]
  KIND: oversized | too-many-events | stream-flood | slow-reader | idle | upload-claim |
        upload-chunks | upload-flood
  SECONDS: repeat the abuse until this many seconds passed (default: once). Every loop is bounded.
With INGEST_ABUSE_TOKEN_FILE set, every call carries the bearer token of its first line.
Limits assumed (abuse.sh starts the server with them): --max-message-bytes 4MiB,
--max-request-events 1000, --max-streams-per-peer 16, --max-uploads 2, --stream-idle-timeout 2s.
"""
import collections
import hashlib
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402
from ingest.v1 import event_pb2, ingest_pb2, ingest_pb2_grpc  # noqa: E402
from e2e_client import Log  # noqa: E402

INGEST_ADDR, KIND = sys.argv[2], sys.argv[3]
SECONDS = float(sys.argv[4]) if len(sys.argv) > 4 else 0
MAX_MESSAGE, MAX_EVENTS, MAX_PER_PEER, MAX_UPLOADS, IDLE = 4 << 20, 1000, 16, 2, 2.0
RUN = uuid.uuid4().hex[:8]
TIMEOUT = 30

log = Log(f"abuse {KIND}")
fail, check = log.fail, log.check
channel = grpc.insecure_channel(INGEST_ADDR, options=[("grpc.max_send_message_length", 64 << 20)])


class _CallDetails(collections.namedtuple("_CallDetails", ("method", "timeout", "metadata", "credentials",
                                                           "wait_for_ready", "compression")),
                   grpc.ClientCallDetails):
    pass


class _BearerToken(grpc.StreamStreamClientInterceptor, grpc.StreamUnaryClientInterceptor):
    """Adds `authorization: Bearer TOKEN` to every call (the token of INGEST_ABUSE_TOKEN_FILE)."""

    def __init__(self, token):
        self.metadata = (("authorization", f"Bearer {token}"),)

    def _with_token(self, d):
        return _CallDetails(d.method, d.timeout, tuple(d.metadata or ()) + self.metadata, d.credentials,
                            d.wait_for_ready, d.compression)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)


if os.environ.get("INGEST_ABUSE_TOKEN_FILE"):
    with open(os.environ["INGEST_ABUSE_TOKEN_FILE"]) as f:
        channel = grpc.intercept_channel(channel, _BearerToken(f.readline().strip()))
stub = ingest_pb2_grpc.IngestServiceStub(channel)


def event(i, **fields):
    e = event_pb2.Event(event_id=f"abuse-{RUN}-{i}", user_id="user_1", event_type=event_pb2.EVENT_TYPE_VIEW,
                        product_id="prod_1", price_cents=150, quantity=1)
    e.event_time.GetCurrentTime()
    for k, v in fields.items():
        setattr(e, k, v)
    return e


def stream_error(requests, timeout=TIMEOUT):
    """The status a StreamEvents call with `requests` ends with (reading every ack)."""
    return stream_error_of(stub.StreamEvents(requests, timeout=timeout))


def expect(err, code, needle, what):
    if err is None:
        fail(f"{what}: the server accepted it")
    check(err.code() == code and needle in (err.details() or ""), f"{what}: {err.code().name}: {err.details()}")


def oversized():
    batch = ingest_pb2.EventBatch(producer_id=f"abuse-{RUN}-big", sequence=1,
                                  events=[event(0, product_name="x" * (MAX_MESSAGE + 1024))])
    expect(stream_error(iter([batch])), grpc.StatusCode.RESOURCE_EXHAUSTED, "larger than max",
           f"a {batch.ByteSize()}-byte message")


def too_many_events():
    batch = ingest_pb2.EventBatch(producer_id=f"abuse-{RUN}-many", sequence=1,
                                  events=[event(i) for i in range(MAX_EVENTS + 1)])
    expect(stream_error(iter([batch])), grpc.StatusCode.RESOURCE_EXHAUSTED, "(--max-request-events 1000)",
           f"a batch of {MAX_EVENTS + 1} events")


class HeldStream:
    """A StreamEvents call that sends nothing until released."""

    def __init__(self):
        self.release = threading.Event()
        self.call = stub.StreamEvents(self._requests(), timeout=TIMEOUT)

    def _requests(self):
        self.release.wait(TIMEOUT)
        return
        yield  # a generator that yields nothing

    def finished(self):
        return self.call.done()


def stream_flood():
    held = [HeldStream() for _ in range(MAX_PER_PEER + 8)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sum(h.finished() for h in held) < 8:  # at least 8 over the limit
        time.sleep(0.05)
    refused = [h for h in held if h.finished()]
    for h in held:
        h.release.set()
    open_streams = len(held) - len(refused)  # other streams from this host (a producer beside) count too
    check(len(refused) >= 8 and open_streams <= MAX_PER_PEER,
          f"{len(held)} streams from one peer: {len(refused)} refused at once, {open_streams} served")
    expect(refused[0].call.exception(), grpc.StatusCode.RESOURCE_EXHAUSTED, "(--max-streams-per-peer 16)",
           "the first refused stream")
    retry = dict(refused[0].call.trailing_metadata() or ()).get("retry-after-ms")
    check(retry is not None, f"the refusal carries retry-after-ms ({retry})")
    for h in held:  # released: each half-closes, and the accepted ones end OK
        stream_error_of(h.call)


def stream_error_of(call):
    try:
        for _ in call:
            pass
    except grpc.RpcError as e:
        return e
    return None


def slow_reader():
    """Sends batches whose acks are large (every event invalid) and never reads them: the server
    stops reading once its acks back up, so this producer is held back, not buffered."""
    sent = [0]
    stop = threading.Event()
    producer = f"abuse-{RUN}-slow-{uuid.uuid4().hex[:6]}"  # new each round: a reused id restarts at 1

    def requests():
        seq = 0
        while not stop.is_set() and seq < 5000:
            seq += 1
            sent[0] = seq
            yield ingest_pb2.EventBatch(producer_id=producer, sequence=seq,
                                        events=[event(seq * 1000 + i, user_id="") for i in range(200)])

    call = stub.StreamEvents(requests(), timeout=TIMEOUT)
    # Held back: the count of batches sent stops growing (for 2 s), however long a slow server
    # (a sanitizer build, a busy machine) takes to fill its 256 unacked batches.
    deadline = time.monotonic() + 25
    last, still_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if sent[0] != last:
            last, still_since = sent[0], time.monotonic()
        elif time.monotonic() - still_since >= 2:
            break
    held = time.monotonic() - still_since >= 2
    stop.set()
    check(held and sent[0] < 5000,
          f"a reader that never reads its acks is held back by flow control ({sent[0]} batches sent, then none "
          f"for {time.monotonic() - still_since:.1f} s)")
    call.cancel()


def idle():
    h = HeldStream()
    start = time.monotonic()
    while time.monotonic() - start < IDLE + 10 and not h.finished():
        time.sleep(0.1)
    h.release.set()
    took = time.monotonic() - start
    expect(h.call.exception(), grpc.StatusCode.UNAVAILABLE, "(--stream-idle-timeout)",
           f"a stream silent for {took:.1f}s")


def upload(chunks):
    try:
        stub.UploadFile(chunks, timeout=TIMEOUT)
    except grpc.RpcError as e:
        return e
    return None


def header(name, size, sha="0" * 64):
    return ingest_pb2.FileChunk(header=ingest_pb2.FileHeader(file_name=name, sha256=sha, size_bytes=size))


def upload_claim():
    expect(upload(iter([header("huge.csv", 10 * 10**9), ingest_pb2.FileChunk(data=b"x" * 1000)])),
           grpc.StatusCode.RESOURCE_EXHAUSTED, "(--max-upload-bytes)", "an upload that claims 10 GB")


def upload_chunks():
    data = b"event_id,user_id,event_type,product_id,price,timestamp\n"
    sha = hashlib.sha256(data).hexdigest()
    expect(upload(iter([ingest_pb2.FileChunk(data=data), header("a.csv", len(data), sha)])),
           grpc.StatusCode.INVALID_ARGUMENT, "first FileChunk must be the header", "data before the header")
    expect(upload(iter([header("a.csv", len(data), sha), header("a.csv", len(data), sha)])),
           grpc.StatusCode.INVALID_ARGUMENT, "a second FileHeader arrived", "a second header")
    expect(upload(iter([header("a.csv", len(data), sha), ingest_pb2.FileChunk(data=data + b"x")])),
           grpc.StatusCode.INVALID_ARGUMENT, "more data arrived", "more data than the header said")
    expect(upload(iter([])), grpc.StatusCode.INVALID_ARGUMENT, "ended before its FileHeader", "no chunk at all")


def upload_flood():
    release = threading.Event()
    calls = []

    def held(i):
        yield header(f"held-{i}.csv", 100)
        release.wait(TIMEOUT)

    for i in range(MAX_UPLOADS + 2):
        calls.append(stub.UploadFile.future(held(i), timeout=TIMEOUT))
        time.sleep(0.2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sum(c.done() for c in calls) < 2:
        time.sleep(0.05)
    refused = [c for c in calls if c.done()]
    release.set()
    check(len(refused) == 2, f"{len(calls)} uploads at once: {len(refused)} refused")
    expect(refused[0].exception(), grpc.StatusCode.RESOURCE_EXHAUSTED, "(--max-uploads 2)",
           "an upload over the limit")
    for c in calls:
        c.exception()


KINDS = {"oversized": oversized, "too-many-events": too_many_events, "stream-flood": stream_flood,
         "slow-reader": slow_reader, "idle": idle, "upload-claim": upload_claim, "upload-chunks": upload_chunks,
         "upload-flood": upload_flood}
if KIND not in KINDS:
    fail(f"unknown kind {KIND}; one of {', '.join(KINDS)}")
end = time.monotonic() + SECONDS
rounds = 0
while True:
    KINDS[KIND]()
    rounds += 1
    if time.monotonic() >= end or rounds >= 100000:
        break
log(f"{rounds} round(s)")
