#!/usr/bin/env bash
# deploy/haproxy/cluster.cfg.in, the balancer config of scripts/cluster.sh: filled in as that
# script does, HAProxy accepts it (haproxy -c), and the hand-written HTTP/2 frames of its gRPC
# health check say what its comments say: the client preface, SETTINGS, HEADERS of stream 1 that
# decode (HPACK) to POST /grpc.health.v1.Health/Check with content-type application/grpc and te
# trailers, DATA of stream 1 with END_STREAM holding an empty gRPC message; and both expect rules
# look for the DATA frame of stream 1 holding a HealthCheckResponse, the second for SERVING.
# Needs haproxy (scripts/setup-deps.sh) and python3; no server, no database.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
template="$root/deploy/haproxy/cluster.cfg.in"
command -v haproxy >/dev/null || { echo "FAIL: haproxy not found; run scripts/setup-deps.sh" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

awk -v run="$tmp" -v servers="    server cluster-1 127.0.0.1:50151"$'\n'"    server cluster-2 127.0.0.1:50161" '
  /^[[:space:]]*#/ { print; next }
  { gsub(/@FRONT@/, "127.0.0.1:50150"); gsub(/@RUN_DIR@/, run) }
  /^@SERVERS@$/ { print servers; next } { print }' "$template" >"$tmp/haproxy.cfg"
! grep -v '^[[:space:]]*#' "$tmp/haproxy.cfg" | grep '@[A-Z_]*@' || { echo "FAIL: placeholders left in the filled-in config" >&2; exit 1; }
haproxy -c -q -f "$tmp/haproxy.cfg" || { echo "FAIL: haproxy -c refuses the filled-in template" >&2; exit 1; }
echo "ok: haproxy -c accepts the filled-in template"

/usr/bin/python3 - "$tmp/haproxy.cfg" <<'PYEOF'
import re, sys

lines = [l.strip() for l in open(sys.argv[1])]
sent = b"".join(bytes.fromhex(l.split()[2]) for l in lines if l.startswith("tcp-check send-binary "))
expects = [l for l in lines if l.startswith("tcp-check expect ")]

def fail(msg):
    sys.exit(f"FAIL: {msg}")

preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
if not sent.startswith(preface):
    fail("the check does not start with the HTTP/2 client preface")
frames, i = [], len(preface)
while i < len(sent):
    if i + 9 > len(sent):
        fail(f"a truncated frame header at byte {i}")
    length = int.from_bytes(sent[i:i + 3], "big")
    kind, flags, stream = sent[i + 3], sent[i + 4], int.from_bytes(sent[i + 5:i + 9], "big")
    frames.append((kind, flags, stream, sent[i + 9:i + 9 + length]))
    i += 9 + length
if i != len(sent):
    fail("the last frame's length runs past the bytes sent")
if [(k, f, s) for k, f, s, _ in frames] != [(4, 0, 0), (1, 4, 1), (0, 1, 1)]:
    fail(f"frames (type, flags, stream) {[(k, f, s) for k, f, s, _ in frames]}, expected SETTINGS, "
         "HEADERS END_HEADERS on 1, DATA END_STREAM on 1")
if frames[0][3] != b"":
    fail("the SETTINGS frame is not empty")

STATIC = {1: ":authority", 2: ":method", 3: ":method", 4: ":path", 6: ":scheme", 31: "content-type"}
STATIC_VALUES = {2: "GET", 3: "POST", 6: "http"}

def decode(block):
    out, i = [], 0
    def string(i):
        if block[i] & 0x80:
            fail("a Huffman-coded string in the HEADERS frame")
        n = block[i]
        return block[i + 1:i + 1 + n].decode(), i + 1 + n
    while i < len(block):
        b = block[i]
        if b & 0x80:  # indexed field
            out.append((STATIC[b & 0x7F], STATIC_VALUES[b & 0x7F]))
            i += 1
            continue
        if b & 0xF0:
            fail(f"HPACK representation {b:#x}: only indexed fields and literals without indexing are expected")
        index, i = b & 0x0F, i + 1
        if index == 15:
            index, i = 15 + block[i], i + 1
        if index == 0:
            name, i = string(i)
        else:
            name = STATIC[index]
        value, i = string(i)
        out.append((name, value))
    return out

headers = decode(frames[1][3])
expected = [(":method", "POST"), (":scheme", "http"), (":path", "/grpc.health.v1.Health/Check"),
            (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers")]
if headers != expected:
    fail(f"the HEADERS frame decodes to {headers}, expected {expected}")
if frames[2][3] != bytes(5):
    fail(f"the DATA frame holds {frames[2][3].hex()}, expected an empty uncompressed gRPC message (0000000000)")
print("ok: the check sends preface, SETTINGS, HEADERS", headers, "and an empty HealthCheckRequest")

answer = lambda status: (7).to_bytes(3, "big") + bytes([0, 0]) + (1).to_bytes(4, "big") + bytes(4) + bytes([2, 8, status])
regex = re.search(r"rbinary (\S+)", expects[0]).group(1)
for status in (1, 2):
    if not re.search(regex, bytes.fromhex("000000040100000000").hex() + answer(status).hex()):
        fail(f"the first expect ({regex}) does not match an answer with status {status}")
binary = re.search(r" binary ([0-9a-f]+)", expects[1]).group(1)
if bytes.fromhex(binary) != answer(1) or "min-recv" not in expects[1]:
    fail(f"the second expect ({expects[1]}) is not min-recv + the DATA frame of a SERVING answer")
print("ok: the expect rules match a DATA frame of stream 1 holding a HealthCheckResponse, then SERVING")
PYEOF

# The compose file's cluster profile (deploy/haproxy/compose.cfg) runs the same health check:
# every tcp-check line and the check timings as in the template, and haproxy -c accepts it (its
# servers are compose services, unresolvable here, which HAProxy only warns about).
compose_cfg="$root/deploy/haproxy/compose.cfg"
check_lines() { grep -E '^[[:space:]]*(option tcp-check|tcp-check |timeout check|balance )' "$1" | sed 's/^[[:space:]]*//'; }
timings() { grep -oE 'check inter [0-9a-z]+ fastinter [0-9a-z]+ fall [0-9]+ rise [0-9]+' "$1"; }
diff <(check_lines "$template") <(check_lines "$compose_cfg") >"$tmp/check.diff" &&
  diff <(timings "$template") <(timings "$compose_cfg") >>"$tmp/check.diff" ||
  { echo "FAIL: $compose_cfg's health check differs from $template's:" >&2; cat "$tmp/check.diff" >&2; exit 1; }
haproxy -c -q -f "$compose_cfg" 2>"$tmp/compose.err" ||
  { echo "FAIL: haproxy -c refuses $compose_cfg:" >&2; cat "$tmp/compose.err" >&2; exit 1; }
echo "ok: $compose_cfg has the template's health check and haproxy -c accepts it"
