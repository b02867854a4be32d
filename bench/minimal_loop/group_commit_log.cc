#include "bench/minimal_loop/group_commit_log.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ingest::bench {

absl::StatusOr<std::unique_ptr<GroupCommitLog>> GroupCommitLog::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open --log-file ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<GroupCommitLog>(new GroupCommitLog(fd));
}

GroupCommitLog::GroupCommitLog(int fd) : fd_(fd) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "log-sync");
    SyncLoop();
  });
}

GroupCommitLog::~GroupCommitLog() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
  ::close(fd_);
}

absl::Status GroupCommitLog::Append(const std::vector<absl::string_view>& pieces,
                                    std::function<void()> durable) {
  std::vector<iovec> iov;
  iov.reserve(pieces.size());
  size_t size = 0;
  for (absl::string_view p : pieces) {
    iov.push_back(iovec{const_cast<char*>(p.data()), p.size()});
    size += p.size();
  }
  // Under the lock, so that the file's order is the order of the completions.
  absl::MutexLock lock(&mu_);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::writev(fd_, iov.data(), static_cast<int>(iov.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return absl::UnavailableError(absl::StrCat("cannot append to the log: ", std::strerror(errno)));
    done += static_cast<size_t>(n);
    while (n > 0 && !iov.empty()) {  // drop what was written (a short write is rare but legal)
      size_t take = std::min(static_cast<size_t>(n), iov.front().iov_len);
      iov.front().iov_base = static_cast<char*>(iov.front().iov_base) + take;
      iov.front().iov_len -= take;
      n -= static_cast<ssize_t>(take);
      if (iov.front().iov_len == 0) iov.erase(iov.begin());
    }
  }
  waiting_.push_back(std::move(durable));
  ++totals_.appends;
  totals_.bytes += size;
  return absl::OkStatus();
}

GroupCommitLog::Totals GroupCommitLog::totals() {
  absl::MutexLock lock(&mu_);
  return totals_;
}

void GroupCommitLog::SyncLoop() {
  std::vector<std::function<void()>> group;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || !waiting_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (waiting_.empty()) return;  // stopping, and nothing left to sync
      group.swap(waiting_);
      ++totals_.syncs;
    }
    // Every append of `group` finished before it was queued, so this covers all of them.
    if (::fdatasync(fd_) != 0) {
      std::fprintf(stderr, "ingest-minimal-loop: fdatasync failed: %s; exiting, nothing more is acked\n",
                   std::strerror(errno));
      std::_Exit(1);
    }
    for (auto& durable : group) durable();
    group.clear();
  }
}

}  // namespace ingest::bench
