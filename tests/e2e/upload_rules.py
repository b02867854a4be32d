"""UploadFile's rules, from a client written only from proto/: every refusal says what was
wrong and stores nothing; two concurrent uploads of one file ingest it once.

Usage: upload_rules.py STUBS_DIR INGEST_ADDR ADMIN_ADDR DSN MAX_UPLOAD_BYTES
"""
import hashlib
import os
import sys
import threading
import uuid

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402
from ingest.v1 import admin_pb2, admin_pb2_grpc  # noqa: E402
from ingest.v1 import ingest_pb2_grpc  # noqa: E402
import e2e_client  # noqa: E402
from e2e_client import Log, chunks  # noqa: E402

INGEST_ADDR, ADMIN_ADDR, DSN, MAX_UPLOAD = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
RUN = uuid.uuid4().hex[:8]
TIMEOUT = 60


log = Log("upload_rules")
fail, check = log.fail, log.check


def sql(query):
    return e2e_client.sql(DSN, query)


def csv_file(tag, rows):
    return e2e_client.csv_file(RUN, tag, rows)


stub = ingest_pb2_grpc.IngestServiceStub(grpc.insecure_channel(INGEST_ADDR))
admin = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(ADMIN_ADDR))


def refused(what, code, needle, requests):
    try:
        stub.UploadFile(requests, timeout=TIMEOUT)
    except grpc.RpcError as e:
        check(e.code() == code and needle in e.details(), f"{what}: {e.code().name}: {e.details()}")
        return
    fail(f"{what}: the upload was accepted")


data = csv_file("a", 50)
refused("sha256 different from the data", grpc.StatusCode.INVALID_ARGUMENT, "but the data received has sha256",
        chunks("a.csv", data, sha="0" * 64))
refused("size different from the data", grpc.StatusCode.INVALID_ARGUMENT, f"size_bytes {len(data) + 1}",
        chunks("a.csv", data, size=len(data) + 1))
refused("data before the header", grpc.StatusCode.INVALID_ARGUMENT, "first FileChunk must be the header",
        chunks("a.csv", data, header_first=False))
refused("a sha256 that is not hex", grpc.StatusCode.INVALID_ARGUMENT, "is not 64 hexadecimal digits",
        chunks("a.csv", data, sha="xyz"))
big = csv_file("big", MAX_UPLOAD // 40 + 10)
refused("a header over --max-upload-bytes", grpc.StatusCode.RESOURCE_EXHAUSTED, "--max-upload-bytes",
        chunks("big.csv", big))
refused("more data than the header's size_bytes", grpc.StatusCode.INVALID_ARGUMENT,
        "more data arrived (1000 bytes so far) than the header's size_bytes 100", chunks("big.csv", big, size=100))
refused("an unusable header", grpc.StatusCode.INVALID_ARGUMENT, "no timestamp column",
        chunks("nots.csv", b"event_id,user_id,event_type,product_id,price\ne1,u1,view,p1,1.00\n"))
admin.Flush(admin_pb2.FlushRequest(), timeout=TIMEOUT)
check(sql(f"SELECT count(*) FROM user_events WHERE event_id LIKE '{RUN}-%'") == "0",
      "nothing stored from the refused uploads")

# Two concurrent uploads of one file (different names): one ingests, the other is a duplicate.
twin = csv_file("twin", 20000)
results, errors = [], []


def upload(name):
    try:
        results.append(stub.UploadFile(chunks(name, twin, piece=65536), timeout=TIMEOUT))
    except grpc.RpcError as e:
        errors.append(e)


threads = [threading.Thread(target=upload, args=(f"twin-{k}.csv",)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(not errors, f"both concurrent uploads answered ({[e.details() for e in errors]})")
check(sorted(r.duplicate for r in results) == [False, True], "one ingested, the other answered as a duplicate")
check(all(r.accepted == 20000 and r.rejected == 0 for r in results), "both answers carry the counts 20000/0")
check(sorted(r.file_name for r in results) == ["twin-0.csv", "twin-1.csv"], "each answer names its own request")
admin.Flush(admin_pb2.FlushRequest(), timeout=TIMEOUT)
check(sql(f"SELECT count(*) FROM user_events WHERE event_id LIKE '{RUN}-twin-%'") == "20000",
      "the twin file's rows are stored once")
check(sql(f"SELECT count(*) FROM ingested_files WHERE sha256 = '{hashlib.sha256(twin).hexdigest()}'") == "1",
      "one ingested_files row for the twin file")
log("PASS")
