// WireBufferPool: buffers for batches' wire bytes, handed to gRPC without a copy and reused once
// gRPC and the batch window have both let go of them, so a steady stream allocates no buffer per
// batch. Thread-safe: gRPC releases a buffer on whichever thread drops the last reference.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace ingest::generator {

class WireBufferPool : public std::enable_shared_from_this<WireBufferPool> {
 public:
  // Buffers kept for reuse at most; more are freed when they come back.
  static constexpr size_t kMaxFree = 64;

  static std::shared_ptr<WireBufferPool> Create() {
    return std::shared_ptr<WireBufferPool>(new WireBufferPool);
  }

  // A buffer to fill: a returned one when there is one, else a new empty one.
  std::unique_ptr<std::string> Take();
  // A message holding the bytes of `buffer`, not copied; `buffer` comes back to the pool when the
  // message and every copy of it (gRPC's included) are gone.
  grpc::ByteBuffer Wrap(std::unique_ptr<std::string> buffer);

  size_t free_count();

 private:
  WireBufferPool() = default;
  static void Release(void* lease);

  absl::Mutex mu_;
  std::vector<std::unique_ptr<std::string>> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::generator
