// ProducerStream: one producer's bidi StreamEvents stream. It keeps up to `window` unacked
// batches, matches the in-order acks to them by sequence, and when the stream fails with a
// retriable status reconnects with capped exponential backoff and resends the unacked batches
// with their original sequences. Batches are sent as bytes encoded once (EncodeBatch) into
// pooled buffers, so that the generator costs little next to the server it loads.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for the acks
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/client_access.h"
#include "generator-client/acked_log.h"
#include "generator-client/batch_window.h"
#include "generator-client/catalog.h"
#include "generator-client/event_factory.h"
#include "generator-client/summary.h"
#include "generator-client/wire_buffer_pool.h"
#include "ingest/v1/ingest.pb.h"
#include "spdlog/spdlog.h"

namespace ingest::generator {

struct ProducerOptions {
  std::string target;
  ClientAccess access;  // TLS and token; default: plaintext, no token
  std::string producer_id;
  int events_per_batch = 10;
  uint64_t batches = 1;                                  // 0: until StopSending()
  absl::Duration batch_interval = absl::ZeroDuration();  // from one batch's start to the next
  // Added to every due time: producer k of n starts k/n of an interval late, so that n paced
  // producers spread their batches over the interval instead of sending them all at once.
  absl::Duration phase = absl::ZeroDuration();
  int window = 8;
  absl::Duration connect_timeout = absl::Seconds(10);  // give up after this long without progress
  absl::Duration drain_timeout = absl::Seconds(60);    // wait for acks once sending stopped
  uint64_t seed = 0;
  double invalid_ratio = 0;
};

struct ProducerResult {
  ProducerStats stats;
  absl::Status status;       // OK when every batch sent was acked
  bool unreachable = false;  // never connected; `status` holds the transport's last error
};

class ProducerStream {
 public:
  // `catalog` and `acked_log` (may be null) must outlive the stream.
  ProducerStream(ProducerOptions options, const Catalog& catalog, AckedLog* acked_log);

  // Sends the batches, then waits for their acks; blocks until done, given up, or aborted.
  ProducerResult Run();
  // Sends no new batch; batches already sent are still acked (within the drain timeout).
  void StopSending();
  // Stops waiting for anything; unacked batches count as not acked. `why` becomes the status.
  void Abort(const std::string& why);
  // Adds this producer's counts so far (not its latencies) to `totals`. Thread-safe, for a
  // progress line drawn while Run() goes on.
  void AddCountsTo(ProducerStats* totals);

 private:
  using Stream = grpc::ClientReaderWriter<grpc::ByteBuffer, v1::BatchAck>;
  struct Attempt {
    grpc::Status status;
    absl::Duration retry_after;  // from the retry-after-ms trailer, zero when absent
  };

  bool Connect(absl::Time give_up_at);  // false: not READY by then, or nothing left to do
  std::unique_ptr<Stream> OpenStream(grpc::ClientContext* ctx);
  Attempt RunStream();
  void ReadAcks(Stream* stream, grpc::ClientContext* ctx);
  // The next batch's bytes once the pacing and the window allow it; nullopt when sending stops.
  std::optional<grpc::ByteBuffer> NextBatch();
  void SleepUntil(absl::Time t);
  std::string ProbeError();

  bool SendingDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MarkSendingDone() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool DrainExpired() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ProducerOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  // StreamEvents with the request as bytes: the generated stub takes only a built EventBatch.
  grpc::internal::RpcMethod stream_events_;
  EventFactory factory_;  // writer thread only
  std::shared_ptr<WireBufferPool> buffers_;
  // Fetched in the constructor: creating a named logger from several threads at once races.
  std::shared_ptr<spdlog::logger> log_;
  absl::Time start_;

  absl::Mutex mu_;
  BatchWindow window_ ABSL_GUARDED_BY(mu_);
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool abort_ ABSL_GUARDED_BY(mu_) = false;
  std::string abort_reason_ ABSL_GUARDED_BY(mu_);
  bool reader_done_ ABSL_GUARDED_BY(mu_) = true;
  absl::Time drain_deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  grpc::ClientContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;  // of the open stream
  absl::Status protocol_error_ ABSL_GUARDED_BY(mu_);
};

// True for the stream endings worth a reconnect and resend (UNAVAILABLE, ABORTED, a lost
// connection); false for FAILED_PRECONDITION, INVALID_ARGUMENT, RESOURCE_EXHAUSTED and the like.
bool IsRetriable(grpc::StatusCode code);

}  // namespace ingest::generator
