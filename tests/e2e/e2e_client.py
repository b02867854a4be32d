"""What the Python end-to-end clients share: logging that fails the test, psql, CSV files and
UploadFile requests. Each client puts the generated stubs on sys.path before importing this."""
import hashlib
import subprocess
import sys

from ingest.v1 import ingest_pb2  # noqa: E402


class Log:
    def __init__(self, name):
        self.name = name

    def __call__(self, message):
        print(f"[{self.name}] {message}", flush=True)

    def fail(self, message):
        print(f"[{self.name}] FAIL: {message}", file=sys.stderr, flush=True)
        sys.exit(1)

    def check(self, cond, what):
        if not cond:
            self.fail(what)
        self(f"ok: {what}")


def sql(dsn, query):
    out = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", query],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def csv_file(run, tag, rows, product=lambda i: "prod_01"):
    lines = ["event_id,user_id,event_type,product_id,price,timestamp"]
    lines += [f"{run}-{tag}-{i},user_{i:04d},view,{product(i)},1.50,2026-11-20 10:00:00" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def chunks(name, data, sha=None, size=None, header_first=True, piece=1000):
    header = ingest_pb2.FileChunk(header=ingest_pb2.FileHeader(
        file_name=name, sha256=sha or hashlib.sha256(data).hexdigest(),
        size_bytes=len(data) if size is None else size))
    if header_first:
        yield header
    for i in range(0, len(data), piece):
        yield ingest_pb2.FileChunk(data=data[i:i + piece])
