// CallLimits: how many calls may be open at once (contract, "Security"): StreamEvents calls in
// total and per peer, and concurrent uploads; and the idle timeout of streams. Each admitted call
// holds a ticket whose destruction frees its place; a call over a limit is refused with
// ResourceExhausted naming the limit and its flag.
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

namespace ingest::server {

struct CallLimitsConfig {
  size_t max_streams = 1024;                               // --max-streams
  size_t max_streams_per_peer = 64;                        // --max-streams-per-peer
  size_t max_uploads = 8;                                  // --max-uploads
  absl::Duration stream_idle_timeout = absl::Minutes(10);  // --stream-idle-timeout
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

   private:
    friend class CallLimits;
    StreamTicket(CallLimits* limits, std::string host, EndIdle end)
        : limits_(limits), host_(std::move(host)), end_(std::move(end)) {}
    CallLimits* limits_;
    std::string host_;
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
  // --max-streams-per-peer. `end` is called (once) if the stream idles past the timeout.
  absl::StatusOr<std::unique_ptr<StreamTicket>> OpenStream(const std::string& peer, absl::Time now,
                                                           EndIdle end);
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
  std::atomic<size_t> uploads_{0};
};

}  // namespace ingest::server
