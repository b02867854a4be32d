// Fuzz target of the write-ahead log's segment reader (ScanWal over WalSegmentReader). The input
// becomes segment 1 of a log in a temporary directory of this process; its first byte says how:
//   bit 0 clear  the rest is the segment file, any bytes;
//   bit 0 set    the rest describes records (a length byte, then that many payload bytes),
//                written with the log's own header and frames and followed by zero padding:
//                ScanWal must give back exactly those records, undamaged. When the first byte
//                is 0xff, a length byte of 0xf0 or more is a large payload instead (64 KiB to
//                1 MiB, up to about 2.5 MiB in all) that crosses the reader's 1 MiB windows;
//   bit 1 set    a damaged log is also repaired, then scanned again: it must scan clean with
//                the same records (a repair writes and fsyncs, so only some inputs ask for one).
// Either way the scan must agree with a reference reading of the format written here from the
// description in wal_format.h (records, where the log ends, whether it is damaged), and
// ReadWalRange must read the same records.
//
// A real fuzzing run: bench/fuzz 600 wal_segment.
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/logging.h"
#include "server/durability/wal/wal_format.h"
#include "server/durability/wal/wal_reader.h"
#include "tests/fuzz/fuzz_invariant.h"

namespace {

using ingest::fuzz::Require;
using ingest::server::WalPosition;
using Records = std::vector<std::pair<WalPosition, std::string>>;

// A directory of this process's own, removed at exit.
class LogDir {
 public:
  LogDir() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/wal_segment_fuzz.XXXXXX");
    Require(mkdtemp(pattern.data()) != nullptr, "cannot create a temporary directory");
    path_ = pattern;
    ingest::SetLogLevel("off").IgnoreError();  // repairs log a warning each
  }
  ~LogDir() {
    unlink(segment().c_str());
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }
  std::string segment() const { return ingest::server::WalSegmentPath(path_, 1); }

 private:
  std::string path_;
};

struct Expected {
  Records records;
  uint64_t end = ingest::server::kWalHeaderBytes;
  bool damaged = false;
};

uint32_t Le32(absl::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

// The format as wal_format.h describes it, read straight from memory.
Expected ReferenceRead(absl::string_view seg) {
  Expected out;
  static const char kHeader[12] = {'I', 'N', 'G', 'W', 'A', 'L', 0, 0, 1, 0, 0, 0};
  const bool header_ok = seg.size() >= 32 && std::memcmp(seg.data(), kHeader, 12) == 0 && seg[12] == 1 &&
                         seg.substr(13, 7) == absl::string_view("\0\0\0\0\0\0\0", 7);
  if (!header_ok) {
    out.damaged = true;
    return out;
  }
  size_t at = 32;
  while (seg.size() - at >= 8 && Le32(seg, at) != 0) {
    const uint32_t length = Le32(seg, at);
    if (length > seg.size() - at - 8) break;
    uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(seg.data() + at), 4);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(seg.data() + at + 8), length);
    if (static_cast<uint32_t>(crc) != Le32(seg, at + 4)) break;
    out.records.emplace_back(WalPosition{1, at}, std::string(seg.substr(at + 8, length)));
    at += 8 + length;
  }
  out.end = at;
  // Damage unless what follows the last record is all zeros (a short frame included).
  out.damaged = seg.substr(at).find_first_not_of('\0') != absl::string_view::npos;
  return out;
}

// A segment stops taking large payloads past 1.5 MiB: by then it crosses the reader's 1 MiB
// window, and each run writes and reads it several times.
constexpr size_t kMaxLargeSegment = 3 << 19;

// Records described by `spec`, framed as the log writes them, then zero padding.
std::string BuildSegment(absl::string_view spec, bool large, Records* written) {
  std::string seg = ingest::server::EncodeWalHeader(1);
  while (!spec.empty()) {
    const uint8_t n = static_cast<uint8_t>(spec[0]);
    spec.remove_prefix(1);
    std::string payload;
    if (large && n >= 0xf0) {
      if (seg.size() > kMaxLargeSegment) break;
      payload.assign((n - 0xef) * size_t{65536}, static_cast<char>(n));
    } else {
      payload = std::string(spec.substr(0, n));
      spec.remove_prefix(payload.size());
    }
    if (payload.empty()) break;
    written->emplace_back(WalPosition{1, seg.size()}, payload);
    char frame[ingest::server::kWalFrameBytes];
    ingest::server::EncodeWalFrame(static_cast<uint32_t>(payload.size()),
                                   ingest::server::WalRecordChecksum(payload), frame);
    seg.append(frame, sizeof(frame));
    seg += payload;
  }
  seg.append(written->size() * 7, '\0');
  return seg;
}

Records Scan(const LogDir& dir, bool repair, ingest::server::WalScan* scan) {
  Records got;
  auto result = ingest::server::ScanWal(
      dir.path(),
      [&](WalPosition p, absl::string_view payload) { got.emplace_back(p, std::string(payload)); }, repair);
  Require(result.ok(), absl::StrCat("ScanWal failed: ", result.status().ToString()));
  *scan = *result;
  return got;
}

void CheckScan(const LogDir& dir, const Expected& want, bool repair) {
  ingest::server::WalScan scan;
  const Records got = Scan(dir, /*repair=*/false, &scan);
  Require(got == want.records && scan.records == want.records.size(),
          absl::StrCat(got.size(), " records scanned where the reference reads ", want.records.size()));
  Require(scan.end == WalPosition{1, want.end},
          absl::StrCat("the scan ends at ", scan.end.ToString(), ", the reference at 1:", want.end));
  Require(scan.damage.empty() != want.damaged,
          absl::StrCat("damage '", scan.damage, "' where the reference says ",
                       want.damaged ? "damaged" : "clean"));
  Records ranged;
  absl::Status range = ingest::server::ReadWalRange(
      dir.path(), WalPosition{1, 0}, scan.end,
      [&](WalPosition p, absl::string_view payload) { ranged.emplace_back(p, std::string(payload)); });
  Require(range.ok() && ranged == got, absl::StrCat("ReadWalRange to the scan's end: ", range.ToString()));
  if (!want.damaged || !repair) return;
  Scan(dir, /*repair=*/true, &scan);
  Require(scan.repaired, "damage was not repaired");
  const Records again = Scan(dir, /*repair=*/false, &scan);
  Require(scan.damage.empty() && again == got && scan.end == WalPosition{1, want.end},
          absl::StrCat("after the repair the log scans as ", again.size(), " records to ",
                       scan.end.ToString(), ", damage '", scan.damage, "'"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static LogDir dir;
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool structured = (data[0] & 1) != 0;
  Records written;
  const std::string seg = structured ? BuildSegment(rest, data[0] == 0xff, &written) : std::string(rest);
  std::ofstream(dir.segment(), std::ios::binary | std::ios::trunc).write(seg.data(), seg.size());
  const Expected want = ReferenceRead(seg);
  if (structured) {
    Require(!want.damaged && want.records == written, "the reference misreads a well-formed segment");
  }
  CheckScan(dir, want, /*repair=*/(data[0] & 2) != 0);
  return 0;
}
