// DirLock: an exclusive lock on a checkpoint directory for the life of the process, so that two
// servers (a restarted one and one adopting its dir, or two started with the same
// --checkpoint-dir) never write one log at once. flock(2) on <dir>/LOCK: the kernel drops it when
// the process dies, kill -9 included, so a dead server's dir can be adopted at once.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace ingest::server {

class DirLock {
 public:
  // Takes the lock or fails at once: FailedPrecondition naming the process that holds it.
  static absl::StatusOr<DirLock> Acquire(const std::string& dir);

  DirLock(DirLock&& other) noexcept;
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace ingest::server
