#include "server/durability/wal/wal_writer.h"

#include <pthread.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "common/failpoint.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/durability/wal/wal_segment.h"

namespace ingest::server {
namespace {

uint64_t FileSize(const std::string& path, bool* exists) {
  struct stat st;
  *exists = stat(path.c_str(), &st) == 0;
  return *exists ? static_cast<uint64_t>(st.st_size) : 0;
}

WalPosition After(const WalPosition& pos, size_t payload_bytes) {
  return {pos.segment, pos.offset + kWalFrameBytes + payload_bytes};
}

}  // namespace

absl::StatusOr<std::unique_ptr<WalWriter>> WalWriter::Open(WalOptions options, WalPosition end) {
  if (options.segment_bytes <= kWalHeaderBytes + kWalFrameBytes) {
    return absl::InvalidArgumentError(absl::StrCat("log segment size ", options.segment_bytes,
                                                   " is too small: it must exceed ",
                                                   kWalHeaderBytes + kWalFrameBytes, " bytes"));
  }
  RETURN_IF_ERROR(MakeDirectories(options.dir));
  WalPosition tail = end;
  if (tail.segment == 0) tail = {1, kWalHeaderBytes};
  tail.offset = std::max(tail.offset, kWalHeaderBytes);
  ASSIGN_OR_RETURN(std::vector<uint64_t> segments, ListWalSegments(options.dir));
  if (!segments.empty() && segments.back() > tail.segment) {
    return absl::FailedPreconditionError(absl::StrCat(
        "log segment ", WalSegmentPath(options.dir, segments.back()), " lies after the position ",
        tail.ToString(), " where writing should continue; scan the log with repair first"));
  }
  uint64_t bytes_on_disk = 0;
  for (uint64_t s : segments) {
    bool exists = false;
    bytes_on_disk += FileSize(WalSegmentPath(options.dir, s), &exists);
  }
  bool exists = false;
  const uint64_t size = FileSize(WalSegmentPath(options.dir, tail.segment), &exists);
  int fd = -1;
  uint64_t capacity = options.segment_bytes;
  if (exists) {
    if (tail.offset > size) {
      return absl::InvalidArgumentError(absl::StrCat("position ", tail.ToString(), " lies past the end of ",
                                                     WalSegmentPath(options.dir, tail.segment), " (", size,
                                                     " bytes)"));
    }
    ASSIGN_OR_RETURN(fd, OpenWalSegment(options.dir, tail.segment));
    capacity = size;
  }
  return std::unique_ptr<WalWriter>(new WalWriter(std::move(options), tail, capacity, fd, bytes_on_disk));
}

WalWriter::WalWriter(WalOptions options, WalPosition tail, uint64_t tail_capacity, int fd,
                     uint64_t bytes_on_disk)
    : options_(std::move(options)),
      tail_(tail),
      tail_capacity_(tail_capacity),
      durable_end_(tail),
      fd_(fd),
      fd_segment_(fd >= 0 ? tail.segment : 0),
      current_segment_(tail.segment),
      bytes_on_disk_(bytes_on_disk) {
  thread_ = std::thread([this] { SyncLoop(); });
}

WalWriter::~WalWriter() { Stop(); }

absl::StatusOr<WalPosition> WalWriter::Append(std::string payload, Done done) {
  const uint64_t frame_bytes = kWalFrameBytes + payload.size();
  if (payload.empty()) return absl::InvalidArgumentError("an empty log record cannot be written");
  if (frame_bytes > options_.segment_bytes - kWalHeaderBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a log record of ", payload.size(), " bytes does not fit in a log segment of ",
                     options_.segment_bytes, " bytes (at most ",
                     options_.segment_bytes - kWalHeaderBytes - kWalFrameBytes, " bytes of payload)"));
  }
  Pending item;
  EncodeWalFrame(static_cast<uint32_t>(payload.size()), WalRecordChecksum(payload), item.frame);
  item.payload = std::move(payload);
  item.done = std::move(done);
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::FailedPreconditionError("the log writer is stopped");
  if (tail_.offset + frame_bytes > tail_capacity_) {
    tail_ = {tail_.segment + 1, kWalHeaderBytes};
    tail_capacity_ = options_.segment_bytes;
  }
  item.pos = tail_;
  tail_.offset += frame_bytes;
  queued_bytes_ += frame_bytes;
  if (queue_.empty()) work_.Signal();
  queue_.push_back(std::move(item));
  return queue_.back().pos;
}

WalPosition WalWriter::end() const {
  absl::MutexLock lock(&mu_);
  return tail_;
}

WalPosition WalWriter::durable_end() const {
  absl::MutexLock lock(&mu_);
  return durable_end_;
}

uint64_t WalWriter::pending_bytes() const {
  absl::MutexLock lock(&mu_);
  return queued_bytes_ + writing_bytes_;
}

void WalWriter::Stop() {
  absl::MutexLock stop_lock(&stop_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    work_.Signal();
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status WalWriter::RemoveSegmentsBefore(uint64_t segment) {
  const uint64_t limit = std::min(segment, current_segment_.load());
  ASSIGN_OR_RETURN(std::vector<uint64_t> segments, ListWalSegments(options_.dir));
  bool removed = false;
  for (uint64_t s : segments) {
    if (s >= limit) break;
    const std::string path = WalSegmentPath(options_.dir, s);
    bool exists = false;
    const uint64_t size = FileSize(path, &exists);
    if (unlink(path.c_str()) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot delete log segment ", path, ": ", ErrnoText(errno)));
    }
    bytes_on_disk_ -= size;
    removed = true;
    Logger("wal")->debug("deleted log segment {} ({} bytes): every record in it is committed", path, size);
  }
  return removed ? FsyncDirectory(options_.dir) : absl::OkStatus();
}

void WalWriter::SyncLoop() {
  pthread_setname_np(pthread_self(), "wal-sync");
  std::vector<Pending> batch;
  std::vector<absl::Status> statuses;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !stopping_) work_.Wait(&mu_);
      if (queue_.empty()) break;  // stopping, and everything queued is done
      batch.swap(queue_);
      writing_bytes_ = queued_bytes_;
      queued_bytes_ = 0;
    }
    statuses.assign(batch.size(), absl::OkStatus());
    WriteBatch(batch, statuses);
    {
      absl::MutexLock lock(&mu_);
      for (size_t k = batch.size(); k-- > 0;) {
        if (statuses[k].ok()) {
          durable_end_ = After(batch[k].pos, batch[k].payload.size());
          break;
        }
      }
      writing_bytes_ = 0;
    }
    for (size_t k = 0; k < batch.size(); ++k) batch[k].done(statuses[k]);
    batch.clear();
  }
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void WalWriter::WriteBatch(std::vector<Pending>& batch, std::vector<absl::Status>& statuses) {
  std::vector<iovec> iov;
  size_t i = 0;
  while (i < batch.size()) {
    const uint64_t segment = batch[i].pos.segment;
    size_t j = i;
    while (j < batch.size() && batch[j].pos.segment == segment) ++j;
    if (segment != fd_segment_) {
      absl::Status st = SwitchToSegment(segment);
      if (!st.ok()) {
        for (size_t k = i; k < batch.size(); ++k) statuses[k] = st;
        FailQueuedFrom(batch[i].pos, st);
        break;
      }
    }
    // Records of one segment were given consecutive positions, so one pwritev covers them.
    iov.clear();
    for (size_t k = i; k < j; ++k) {
      iov.push_back({batch[k].frame, kWalFrameBytes});
      iov.push_back({batch[k].payload.data(), batch[k].payload.size()});
    }
    if (int err = PwritevAll(fd_, iov.data(), static_cast<int>(iov.size()), batch[i].pos.offset); err != 0) {
      const WalPosition last = After(batch[j - 1].pos, batch[j - 1].payload.size());
      Fatal(absl::StrCat("writing ", last.offset - batch[i].pos.offset, " bytes at offset ",
                         batch[i].pos.offset, " of log segment ", WalSegmentPath(options_.dir, segment)),
            err);
    }
    dirty_ = true;
    i = j;
  }
  if (dirty_) SyncOpenSegment();
}

absl::Status WalWriter::SwitchToSegment(uint64_t segment) {
  if (fd_ >= 0) {
    // The old segment is durable before the new one exists: a later segment then proves that
    // every record before it was fdatasynced, which lets a scan tell a torn tail from data loss.
    if (dirty_) SyncOpenSegment();
    close(fd_);
    fd_ = -1;
    fd_segment_ = 0;
  }
  absl::StatusOr<int> fd = CreateWalSegment(options_.dir, segment, options_.segment_bytes);
  if (!fd.ok()) {
    if (!creation_failing_) {
      Logger("wal")->error(
          "{}; appends get UNAVAILABLE until a new segment can be created (each append retries)",
          fd.status().message());
    }
    creation_failing_ = true;
    absl::MutexLock lock(&refusal_mu_);
    refusal_ = std::string(fd.status().message());
    return fd.status();
  }
  if (creation_failing_) {
    Logger("wal")->info("created log segment {} after earlier failures", segment);
    absl::MutexLock lock(&refusal_mu_);
    refusal_.clear();
  }
  creation_failing_ = false;
  fd_ = *fd;
  fd_segment_ = segment;
  current_segment_ = segment;
  bytes_on_disk_ += options_.segment_bytes;
  return absl::OkStatus();
}

std::string WalWriter::RefusalReason() const {
  absl::MutexLock lock(&refusal_mu_);
  return refusal_;
}

void WalWriter::FailQueuedFrom(WalPosition failed, const absl::Status& status) {
  std::vector<Pending> failed_items;
  {
    absl::MutexLock lock(&mu_);
    failed_items.swap(queue_);  // queued after the batch, so all at or after `failed`
    queued_bytes_ = 0;
    tail_ = {failed.segment, kWalHeaderBytes};
    tail_capacity_ = options_.segment_bytes;
  }
  for (Pending& item : failed_items) item.done(status);
}

void WalWriter::SyncOpenSegment() {
  if (FailpointArmed("wal_fsync_eio")) {
    Fatal(absl::StrCat("fdatasync of log segment ", WalSegmentPath(options_.dir, fd_segment_),
                       " [failpoint wal_fsync_eio]"),
          EIO);
  }
  if (fdatasync(fd_) != 0) {
    Fatal(absl::StrCat("fdatasync of log segment ", WalSegmentPath(options_.dir, fd_segment_)), errno);
  }
  dirty_ = false;
  syncs_.fetch_add(1);
}

// Retrying a failed write or fsync is unsafe: after an fsync error Linux may already have dropped
// the dirty pages or marked them clean, so a second fsync can succeed while the data never
// reached the disk (the PostgreSQL "fsyncgate" of 2018). Records whose done already ran are
// durable; the rest were never acknowledged. Dying here and recovering from what the disk holds
// is the only answer that keeps "ack = durable" true.
void WalWriter::Fatal(const std::string& what, int err) {
  auto logger = Logger("wal");
  logger->critical(
      "{} failed: {}; the process exits with status {} so that the restart recovers from "
      "the log on disk (retrying a failed fsync is unsafe)",
      what, ErrnoText(err), kWalFatalExitCode);
  logger->flush();
  std::_Exit(kWalFatalExitCode);
}

}  // namespace ingest::server
