#include "server/durability/wal/wal_reader.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/durability/wal/wal_segment_reader.h"

namespace ingest::server {
namespace {

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

absl::Status RemoveFile(const std::string& path, absl::string_view why) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(absl::StrCat("cannot delete ", path, ": ", ErrnoText(errno)));
  }
  Logger("wal")->warn("deleted {}: {}", path, why);
  return absl::OkStatus();
}

absl::Status RemoveLeftoverTmp(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return absl::OkStatus();  // a missing dir has no leftovers
  std::vector<std::string> leftovers;
  while (struct dirent* e = readdir(d)) {
    if (absl::EndsWith(e->d_name, ".wal.tmp")) leftovers.push_back(absl::StrCat(dir, "/", e->d_name));
  }
  closedir(d);
  for (const std::string& path : leftovers) {
    RETURN_IF_ERROR(RemoveFile(path, "a segment whose creation a crash interrupted (it held no records)"));
  }
  return absl::OkStatus();
}

// Completes the damage sentence with what follows the damage (segments[later..]) and, when
// repairing, deletes those segments.
absl::Status FinishDamage(const std::string& dir, const std::vector<uint64_t>& segments, size_t later,
                          std::string head, bool repair, WalScan& scan) {
  uint64_t later_bytes = 0;
  for (size_t i = later; i < segments.size(); ++i) later_bytes += FileSize(WalSegmentPath(dir, segments[i]));
  const size_t later_count = segments.size() - later;
  if (later_count == 0) {
    absl::StrAppend(&head, "; it is the tail of the log, as a crash during a write leaves it ",
                    "(records there were never acknowledged)");
  } else {
    absl::StrAppend(&head, "; ", later_count, later_count == 1 ? " later segment" : " later segments", " (",
                    later_bytes, " bytes) follow, so this is not a torn tail: records that were fsynced ",
                    "and acknowledged are lost from here on");
  }
  scan.damage = std::move(head);
  if (!repair) return absl::OkStatus();
  for (size_t i = later; i < segments.size(); ++i) {
    RETURN_IF_ERROR(RemoveFile(WalSegmentPath(dir, segments[i]), "it follows damage in the log"));
  }
  scan.repaired = true;
  return FsyncDirectory(dir);
}

}  // namespace

absl::StatusOr<WalScan> ScanWal(const std::string& dir, const WalRecordFn& fn, bool repair) {
  ASSIGN_OR_RETURN(std::vector<uint64_t> segments, ListWalSegments(dir));
  WalScan scan;
  scan.end = {segments.empty() ? 1 : segments.front(), kWalHeaderBytes};
  if (repair) RETURN_IF_ERROR(RemoveLeftoverTmp(dir));
  for (size_t i = 0; i < segments.size(); ++i) {
    const uint64_t segment = segments[i];
    if (i > 0 && segment != segments[i - 1] + 1) {
      std::string head = absl::StrCat("log segment ", WalSegmentPath(dir, segments[i - 1] + 1),
                                      " is missing between segments ", segments[i - 1], " and ", segment);
      RETURN_IF_ERROR(FinishDamage(dir, segments, i, std::move(head), repair, scan));
      return scan;
    }
    ASSIGN_OR_RETURN(WalSegmentReader reader, WalSegmentReader::Open(dir, segment, repair));
    ++scan.segments;
    if (absl::Status header = reader.CheckHeader(); !header.ok()) {
      if (header.code() != absl::StatusCode::kDataLoss) return header;
      std::string head = absl::StrCat("log segment ", reader.path(), " has a bad header: ", header.message(),
                                      "; none of its ", reader.size(), " bytes are replayed");
      if (i == 0) scan.end = {segment, kWalHeaderBytes};
      if (repair) RETURN_IF_ERROR(RemoveFile(reader.path(), "its header is not a valid log segment header"));
      RETURN_IF_ERROR(FinishDamage(dir, segments, i + 1, std::move(head), repair, scan));
      return scan;
    }
    uint64_t offset = kWalHeaderBytes;
    scan.end = {segment, offset};
    while (true) {
      ASSIGN_OR_RETURN(WalSegmentReader::Read read, reader.ReadAt(offset));
      if (read.kind == WalSegmentReader::Kind::kRecord) {
        fn(WalPosition{segment, offset}, read.payload);
        ++scan.records;
        scan.bytes += read.payload.size();
        offset = read.next;
        scan.end = {segment, offset};
        continue;
      }
      if (read.kind == WalSegmentReader::Kind::kEnd) {
        ASSIGN_OR_RETURN(uint64_t non_zero, reader.FirstNonZeroFrom(offset));
        if (non_zero == reader.size()) break;  // a clean end: on to the next segment
        read.problem = absl::StrCat("the records end here but the byte at offset ", non_zero, " is not zero");
      }
      std::string head = absl::StrCat("log segment ", reader.path(), " is damaged at offset ", offset, ": ",
                                      read.problem, "; the ", reader.size() - offset,
                                      " bytes from there to the end of the segment are not replayed");
      if (repair) {
        RETURN_IF_ERROR(reader.ZeroFrom(offset));
        Logger("wal")->warn("zero-filled {} from offset {} to its end ({} bytes) to cut off damage",
                            reader.path(), offset, reader.size() - offset);
      }
      RETURN_IF_ERROR(FinishDamage(dir, segments, i + 1, std::move(head), repair, scan));
      return scan;
    }
  }
  return scan;
}

absl::Status ReadWalRange(const std::string& dir, WalPosition from, WalPosition to, const WalRecordFn& fn) {
  if (to < from) {
    return absl::InvalidArgumentError(
        absl::StrCat("log range ", from.ToString(), " to ", to.ToString(), " ends before it starts"));
  }
  WalPosition pos = {from.segment, std::max(from.offset, kWalHeaderBytes)};
  while (pos < to) {
    absl::StatusOr<WalSegmentReader> reader = WalSegmentReader::Open(dir, pos.segment, /*writable=*/false);
    if (absl::IsNotFound(reader.status())) {
      return absl::DataLossError(absl::StrCat("log segment ", WalSegmentPath(dir, pos.segment),
                                              " is missing: it holds records of the range ", from.ToString(),
                                              " to ", to.ToString()));
    }
    if (!reader.ok()) return reader.status();
    if (absl::Status header = reader->CheckHeader(); !header.ok()) {
      return absl::Status(header.code(),
                          absl::StrCat("log segment ", reader->path(), ": ", header.message()));
    }
    while (pos < to) {
      ASSIGN_OR_RETURN(WalSegmentReader::Read read, reader->ReadAt(pos.offset));
      if (read.kind == WalSegmentReader::Kind::kDamage) {
        return absl::DataLossError(absl::StrCat("log segment ", reader->path(), " is damaged at offset ",
                                                pos.offset, ": ", read.problem));
      }
      if (read.kind == WalSegmentReader::Kind::kEnd) {
        if (pos.segment < to.segment) break;
        return absl::DataLossError(absl::StrCat("the log ends at ", pos.ToString(), ", before the end ",
                                                to.ToString(), " of the range to read"));
      }
      fn(pos, read.payload);
      pos.offset = read.next;
    }
    if (pos.segment < to.segment) pos = {pos.segment + 1, kWalHeaderBytes};
  }
  return absl::OkStatus();
}

}  // namespace ingest::server
