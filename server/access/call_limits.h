// CallLimits: how many calls may be open at once (contract, "Security"): StreamEvents calls in
// total and per peer, and concurrent uploads; the idle timeout of streams; and how many batches a
// second each client's streams may send together (--max-batches-per-second). Each admitted call
// holds a ticket whose destruction frees its place; a call over a limit is refused with
// ResourceExhausted naming the limit and its flag; a client over its rate only waits.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/access/rate_budget.h"

namespace ingest::server {

struct CallLimitsConfig {
  size_t max_streams = 1024;                               // --max-streams
  size_t max_streams_per_peer = 64;                        // --max-streams-per-peer
  size_t max_uploads = 8;                                  // --max-uploads
  absl::Duration stream_idle_timeout = absl::Minutes(10);  // --stream-idle-timeout
  double max_batches_per_second = 0;                       // --max-batches-per-second, per client; 0: none
};

// The address part of gRPC's peer string ("ipv4:10.0.0.7:50432" → "10.0.0.7"), which the
// per-peer limit counts by.
std::string PeerHost(const std::string& peer);

class CallLimits {
 public:
  // Ends an idle stream with the given message.
  using EndIdle = std::function<void(const std::string& message)>;

  class StreamTicket {
   public:
    ~StreamTicket();
    // The stream now waits for its client's next message: the idle clock starts again.
    void Waiting(absl::Time now) { since_ns_.store(absl::ToUnixNanos(now), std::memory_order_relaxed); }
    // A message arrived: the stream is not idle while the server works on it (or pauses reading).
    void Busy() { since_ns_.store(INT64_MAX, std::memory_order_relaxed); }
    // A batch was read: how long the stream waits before reading the next one, so that its
    // client keeps to --max-batches-per-second (zero when it does, or without that limit).
    absl::Duration Pace(absl::Time now) { return rate_ ? rate_->Take(now) : absl::ZeroDuration(); }

   private:
    friend class CallLimits;
    StreamTicket(CallLimits* limits, std::string host, std::string client, EndIdle end)
        : limits_(limits), host_(std::move(host)), client_(std::move(client)), end_(std::move(end)) {}
    CallLimits* limits_;
    std::string host_;
    std::string client_;                // whose --max-batches-per-second it shares
    std::shared_ptr<RateBudget> rate_;  // null without that limit
    EndIdle end_;
    std::atomic<int64_t> since_ns_{0};
  };

  class UploadTicket {
   public:
    explicit UploadTicket(CallLimits* limits) : limits_(limits) {}
    ~UploadTicket();
    UploadTicket(const UploadTicket&) = delete;
    UploadTicket& operator=(const UploadTicket&) = delete;

   private:
    CallLimits* limits_;
  };

  explicit CallLimits(CallLimitsConfig config) : config_(config) {}

  // A place for a StreamEvents call from `peer`; ResourceExhausted over --max-streams or
  // --max-streams-per-peer. `end` is called (once) if the stream idles past the timeout. The
  // stream shares the batch rate of `client` (its token's Grant::client()), or of its peer's
  // address when `client` is empty.
  absl::StatusOr<std::unique_ptr<StreamTicket>> OpenStream(const std::string& peer, absl::Time now,
                                                           EndIdle end, const std::string& client = "");
  // A place for an UploadFile call; ResourceExhausted over --max-uploads.
  absl::StatusOr<std::unique_ptr<UploadTicket>> OpenUpload();

  // Ends every stream that has waited for a message longer than the idle timeout; how many.
  size_t EndIdleStreams(absl::Time now);

  size_t streams() const;
  size_t uploads() const { return uploads_.load(); }
  const CallLimitsConfig& config() const { return config_; }

 private:
  void Close(StreamTicket* ticket);

  const CallLimitsConfig config_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<StreamTicket*, bool> open_ ABSL_GUARDED_BY(mu_);  // value: already ended as idle
  absl::flat_hash_map<std::string, size_t> per_host_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::weak_ptr<RateBudget>> rates_ ABSL_GUARDED_BY(mu_);  // by client
  std::atomic<size_t> uploads_{0};
};

}  // namespace ingest::server
