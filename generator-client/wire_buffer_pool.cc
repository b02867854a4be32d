#include "generator-client/wire_buffer_pool.h"

#include <grpcpp/support/slice.h>

#include <utility>

namespace ingest::generator {
namespace {

// What a slice's destroy callback needs to hand its buffer back.
struct Lease {
  std::shared_ptr<WireBufferPool> pool;
  std::unique_ptr<std::string> buffer;
};

}  // namespace

std::unique_ptr<std::string> WireBufferPool::Take() {
  absl::MutexLock lock(&mu_);
  if (free_.empty()) return std::make_unique<std::string>();
  std::unique_ptr<std::string> buffer = std::move(free_.back());
  free_.pop_back();
  return buffer;
}

grpc::ByteBuffer WireBufferPool::Wrap(std::unique_ptr<std::string> buffer) {
  char* data = buffer->data();
  const size_t size = buffer->size();
  auto* lease = new Lease{shared_from_this(), std::move(buffer)};
  grpc::Slice slice(data, size, &WireBufferPool::Release, lease);
  return grpc::ByteBuffer(&slice, 1);
}

size_t WireBufferPool::free_count() {
  absl::MutexLock lock(&mu_);
  return free_.size();
}

void WireBufferPool::Release(void* p) {
  std::unique_ptr<Lease> lease(static_cast<Lease*>(p));
  absl::MutexLock lock(&lease->pool->mu_);
  if (lease->pool->free_.size() < kMaxFree) lease->pool->free_.push_back(std::move(lease->buffer));
}

}  // namespace ingest::generator
