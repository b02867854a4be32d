#include "generator-client/wire_buffer_pool.h"

#include <vector>

#include "gtest/gtest.h"

namespace ingest::generator {
namespace {

TEST(WireBufferPoolTest, MessageSharesTheBufferAndReturnsItWhenTheLastCopyGoes) {
  auto pool = WireBufferPool::Create();
  std::unique_ptr<std::string> buffer = pool->Take();
  *buffer = "batch bytes";
  const std::string* kept = buffer.get();
  const char* data = buffer->data();
  {
    grpc::ByteBuffer message = pool->Wrap(std::move(buffer));
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(message.Dump(&slices).ok());
    ASSERT_EQ(slices.size(), 1u);
    EXPECT_EQ(reinterpret_cast<const char*>(slices[0].begin()), data) << "the bytes were copied";
    EXPECT_EQ(slices[0].size(), 11u);
    grpc::ByteBuffer copy = message;  // what a resend or gRPC itself holds
    slices.clear();
    message.Clear();
    EXPECT_EQ(pool->free_count(), 0u) << "returned while a copy still refers to it";
  }
  EXPECT_EQ(pool->free_count(), 1u);
  EXPECT_EQ(pool->Take().get(), kept);
}

TEST(WireBufferPoolTest, MessageOutlivesThePool) {
  auto pool = WireBufferPool::Create();
  std::unique_ptr<std::string> buffer = pool->Take();
  *buffer = "x";
  grpc::ByteBuffer message = pool->Wrap(std::move(buffer));
  pool.reset();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(message.Dump(&slices).ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(slices[0].begin()), slices[0].size()), "x");
}

}  // namespace
}  // namespace ingest::generator
