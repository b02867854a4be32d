// StreamEvents over real gRPC on loopback, with the in-memory sink behind the window.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include "common/status_util.h"
#include "common/time_text.h"
#include "server/intake/ingest_service.h"
#include "server/intake/worker_pool.h"
#include "tests/testing/memory_sink.h"

namespace ingest::server {
namespace {

using ::testing::HasSubstr;
using Stream = grpc::ClientReaderWriter<v1::EventBatch, v1::BatchAck>;

v1::EventBatch MakeBatch(const std::string& producer, uint64_t seq, int events, int bad_index = -1) {
  v1::EventBatch b;
  b.set_producer_id(producer);
  b.set_sequence(seq);
  for (int i = 0; i < events; ++i) {
    v1::Event* e = b.add_events();
    e->set_event_id(producer + "-" + std::to_string(seq) + "-" + std::to_string(i));
    e->set_user_id("u");
    e->set_event_type(v1::EVENT_TYPE_CLICK);
    e->set_product_id("p");
    e->set_price_cents(100);
    *e->mutable_event_time() = ToProtoTime(absl::FromUnixSeconds(1767225600));
    if (i == bad_index) e->set_quantity(0);
  }
  return b;
}

class EventStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_.Start();
    batcher_.Start();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::IngestService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    batcher_.Stop();
    writer_.Stop();
  }

  std::unique_ptr<Stream> Open(grpc::ClientContext* ctx) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return stub_->StreamEvents(ctx);
  }

  // Streams only: no log budget and no uploads.
  IngestContext Context() {
    IngestContext ctx;
    ctx.producers = &producers_;
    ctx.batcher = &batcher_;
    ctx.streams = &streams_;
    ctx.metrics = &metrics_;
    ctx.clock = SystemClock::Get();
    ctx.ack_mode = AckMode::kCommitted;
    ctx.loads = &loads_;
    return ctx;
  }

  // Loads a producer's state from the sink, noting the thread that asked.
  absl::StatusOr<std::optional<ProducerRecord>> Load(const std::string& id) {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof(name));
    {
      absl::MutexLock lock(&load_mu_);
      load_threads_.push_back(name);
    }
    return sink_.LoadProducer(id);
  }

  MemorySink sink_;
  BatchWriter writer_{&sink_, Backoff{absl::Milliseconds(1), absl::Milliseconds(5)}, 0};
  MicroBatcher batcher_{WindowLimits{absl::Milliseconds(20), 100000, 1 << 30}, SystemClock::Get(), &writer_,
                        1};
  absl::Mutex load_mu_;
  std::vector<std::string> load_threads_ ABSL_GUARDED_BY(load_mu_);  // one per load
  ProducerRegistry producers_{[this](const std::string& id) { return Load(id); }};
  WorkerPool loads_{"producer-load", 2};
  StreamDirectory streams_;
  Metrics metrics_;
  IngestServiceImpl service_{Context()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

TEST_F(EventStreamTest, OneAckPerBatchInOrderOnceCommitted) {
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  for (uint64_t s = 1; s <= 3; ++s) ASSERT_TRUE(stream->Write(MakeBatch("p1", s, 4, s == 2 ? 1 : -1)));
  stream->WritesDone();
  std::vector<v1::BatchAck> acks;
  v1::BatchAck ack;
  while (stream->Read(&ack)) acks.push_back(ack);
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(acks.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(acks[i].sequence(), static_cast<uint64_t>(i + 1));
  EXPECT_EQ(acks[1].accepted(), 3u);
  EXPECT_EQ(acks[1].rejected(), 1u);
  ASSERT_EQ(acks[1].rejections_size(), 1);
  EXPECT_EQ(acks[1].rejections(0).index(), 1u);
  EXPECT_EQ(acks[1].rejections(0).code(), "out_of_range");
  EXPECT_THAT(acks[1].rejections(0).reason(), HasSubstr("quantity"));
  EXPECT_EQ(sink_.rows().size(), 11u) << "every accepted event is a row when its ack arrives";
  EXPECT_EQ(sink_.rejects().size(), 1u);
}

TEST_F(EventStreamTest, WithAckCommittedTheAckCountsRowsTheDatabaseRefusedAndAResendGetsTheSame) {
  sink_.RefuseProduct("refuse-me");
  v1::EventBatch batch = MakeBatch("p4", 1, 5, 1);  // index 1 rejected at validation
  batch.mutable_events(3)->set_product_id("refuse-me");
  for (int attempt = 0; attempt < 2; ++attempt) {
    grpc::ClientContext ctx;
    auto stream = Open(&ctx);
    ASSERT_TRUE(stream->Write(batch));
    stream->WritesDone();
    v1::BatchAck ack;
    ASSERT_TRUE(stream->Read(&ack));
    ASSERT_TRUE(stream->Finish().ok());
    SCOPED_TRACE(attempt == 0 ? "the ack" : "the ack of a resend");
    EXPECT_EQ(ack.accepted(), 3u) << "stored rows only";
    EXPECT_EQ(ack.rejected(), 2u);
    ASSERT_EQ(ack.rejections_size(), 2);
    EXPECT_EQ(ack.rejections(0).index(), 1u);
    EXPECT_EQ(ack.rejections(0).code(), "out_of_range");
    EXPECT_EQ(ack.rejections(1).index(), 3u);
    EXPECT_EQ(ack.rejections(1).event_id(), "p4-1-3");
    EXPECT_EQ(ack.rejections(1).code(), "db_refused");
  }
  EXPECT_EQ(sink_.rows().size(), 3u);
}

TEST_F(EventStreamTest, ANewProducersStateIsLoadedOnTheLoadsPoolNeverOnAnRpcThread) {
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  for (uint64_t s = 1; s <= 3; ++s) ASSERT_TRUE(stream->Write(MakeBatch("p9", s, 2)));
  stream->WritesDone();
  v1::BatchAck ack;
  for (uint64_t s = 1; s <= 3; ++s) {
    ASSERT_TRUE(stream->Read(&ack));
    EXPECT_EQ(ack.sequence(), s) << "acks stay in order across the hop to the pool";
  }
  ASSERT_TRUE(stream->Finish().ok());
  absl::MutexLock lock(&load_mu_);
  EXPECT_EQ(load_threads_, std::vector<std::string>{"producer-load"})
      << "loaded once, for the first batch, on the pool: the database round trip never blocks gRPC";
}

TEST_F(EventStreamTest, AResendGetsTheOriginalAckAndStoresNothing) {
  {
    grpc::ClientContext ctx;
    auto stream = Open(&ctx);
    ASSERT_TRUE(stream->Write(MakeBatch("p2", 1, 3, 0)));
    stream->WritesDone();
    v1::BatchAck ack;
    ASSERT_TRUE(stream->Read(&ack));
    ASSERT_TRUE(stream->Finish().ok());
  }
  const int attempts = sink_.write_attempts();
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  ASSERT_TRUE(stream->Write(MakeBatch("p2", 1, 3, 0)));
  stream->WritesDone();
  v1::BatchAck ack;
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.sequence(), 1u);
  EXPECT_EQ(ack.accepted(), 2u);
  EXPECT_EQ(ack.rejected(), 1u);
  ASSERT_TRUE(stream->Finish().ok());
  EXPECT_EQ(sink_.write_attempts(), attempts) << "a resend is not written again";
  EXPECT_EQ(sink_.rejects().size(), 1u);
  EXPECT_EQ(metrics_.totals().duplicates, 1u);
}

TEST_F(EventStreamTest, AGapIsAckedUpToItThenEndsWithFailedPrecondition) {
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  ASSERT_TRUE(stream->Write(MakeBatch("p3", 1, 1)));
  stream->Write(MakeBatch("p3", 3, 1));
  stream->WritesDone();
  v1::BatchAck ack;
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.sequence(), 1u);
  EXPECT_FALSE(stream->Read(&ack));
  grpc::Status st = stream->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("expected 2"));
  EXPECT_EQ(RetryAfterHint(ctx), absl::ZeroDuration()) << "retrying the same batches cannot help";
}

TEST_F(EventStreamTest, AStreamTheServerCannotTakeEndsUnavailableWithARetryHint) {
  batcher_.Stop();  // as while draining: new batches are refused
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  stream->Write(MakeBatch("p9", 1, 1));
  stream->WritesDone();
  v1::BatchAck ack;
  EXPECT_FALSE(stream->Read(&ack));
  grpc::Status st = stream->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(RetryAfterHint(ctx), kServerRetryAfter);
}

TEST_F(EventStreamTest, ASequenceReusedWithOtherContentEndsTheStream) {
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  ASSERT_TRUE(stream->Write(MakeBatch("p4", 1, 2)));
  stream->Write(MakeBatch("p4", 1, 3));
  stream->WritesDone();
  v1::BatchAck ack;
  while (stream->Read(&ack)) {
  }
  grpc::Status st = stream->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("sequence 1 reused with different content"));
}

TEST_F(EventStreamTest, AnEmptyProducerIdIsInvalidArgument) {
  grpc::ClientContext ctx;
  auto stream = Open(&ctx);
  stream->Write(MakeBatch("", 1, 1));
  stream->WritesDone();
  v1::BatchAck ack;
  EXPECT_FALSE(stream->Read(&ack));
  grpc::Status st = stream->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("producer_id"));
}

TEST_F(EventStreamTest, ASecondStreamForAProducerEndsTheFirstWithAborted) {
  grpc::ClientContext ctx1;
  auto first = Open(&ctx1);
  ASSERT_TRUE(first->Write(MakeBatch("p5", 1, 1)));
  v1::BatchAck ack;
  ASSERT_TRUE(first->Read(&ack));
  grpc::ClientContext ctx2;
  auto second = Open(&ctx2);
  ASSERT_TRUE(second->Write(MakeBatch("p5", 2, 1)));
  ASSERT_TRUE(second->Read(&ack));
  EXPECT_EQ(ack.sequence(), 2u);
  EXPECT_FALSE(first->Read(&ack));
  grpc::Status st = first->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(st.error_message(), HasSubstr("superseded by a newer stream"));
  second->WritesDone();
  EXPECT_TRUE(second->Finish().ok());
}

}  // namespace
}  // namespace ingest::server
