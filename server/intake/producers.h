// ProducerRegistry: the contract's per-producer sequence rules. It remembers, per producer_id,
// the last sequence received and the acks (with content hashes) of the last 1024 batches, and
// decides whether an incoming batch is new, a resend to answer with its original ack, or an
// error. State missing from memory is loaded from the database through a loader.
//
// Several servers (docs/operations.md, "Several servers"): a stream's first batch claims the
// producer (Claim) before it is admitted. When another server took the producer's previous
// stream, the state in memory may be stale and that server's log may hold acked batches not yet
// committed: the state is merged with the database's, and the first batch may skip ahead (a gap
// is accepted once). Otherwise this server's memory is the newest state there is.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ingest/v1/ingest.pb.h"
#include "server/model/producer_record.h"

namespace ingest::server {

// What this server saw of a producer since it started (AdminService.ListProducers).
struct ProducerActivity {
  std::string producer_id;
  uint64_t last_received = 0;
  uint64_t last_durable = 0;
  uint64_t events = 0;                          // events of new batches, resends excluded
  absl::Time last_seen = absl::InfinitePast();  // the last batch, new or resent
};

class ProducerRegistry {
 public:
  using Loader = std::function<absl::StatusOr<std::optional<ProducerRecord>>(const std::string&)>;
  using AckCallback = std::function<void(const v1::BatchAck&)>;

  static constexpr size_t kRememberedAcks = 1024;

  // `claimer` loads like `loader` and records this server as the producer's; without one, the
  // registry works as the only server (memory is never stale).
  explicit ProducerRegistry(Loader loader, Loader claimer = {})
      : loader_(std::move(loader)), claimer_(std::move(claimer)) {}

  enum class Kind { kNew, kResend };

  // Whether a stream's first batch must Claim (a database round trip: off gRPC's threads).
  bool Claims() const { return static_cast<bool>(claimer_); }

  // For a stream's first batch, before Admit: claims the producer for this server and, when
  // another server took its previous stream, merges the database's state into memory and lets
  // the next Admit skip ahead. If the database cannot be reached, a producer held in memory goes
  // on with that state (no other server can commit meanwhile); one not held gets Unavailable.
  absl::Status Claim(const std::string& producer) ABSL_LOCKS_EXCLUDED(mu_);

  // Whether the producer's state is in memory, so that Admit needs no database round trip.
  bool Loaded(const std::string& producer) const ABSL_LOCKS_EXCLUDED(mu_);

  // Classifies batch `sequence` of `producer` with content hash `hash`. kNew records it as
  // received. Errors: FailedPrecondition for a gap, a sequence below the remembered window, or a
  // reused sequence with different content; Unavailable when the producer's state cannot be
  // loaded (a database round trip: call it off gRPC's threads unless Loaded()). `events` (the
  // batch's events) and `now` feed Activity.
  absl::StatusOr<Kind> Admit(const std::string& producer, uint64_t sequence, const std::string& hash,
                             uint64_t events = 0, absl::Time now = absl::InfinitePast());

  // Records the ack of a batch that became durable, and answers resends waiting for it.
  void MarkDurable(const std::string& producer, uint64_t sequence, const v1::BatchAck& ack);

  // Records a batch found in the log at start (durable, maybe not yet committed), after loading
  // the producer's state from the database, so a resend after a restart gets its original ack.
  absl::Status RestoreDurable(const std::string& producer, uint64_t sequence, const std::string& hash,
                              const v1::BatchAck& ack);

  // Calls `done` with the ack of an admitted batch once it is durable (at once if it is).
  void WhenDurable(const std::string& producer, uint64_t sequence, AckCallback done);

  // The last durable sequence of a producer known in memory, 0 if none.
  uint64_t LastDurable(const std::string& producer) const;

  // Every producer held in memory: those that sent since the start, or were restored from the log.
  std::vector<ProducerActivity> Activity() const;
  // How many producers are held in memory.
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    std::string hash;
    std::optional<v1::BatchAck> ack;  // set once durable
    std::vector<AckCallback> waiters;
  };
  struct State {
    uint64_t last_received = 0;
    uint64_t last_durable = 0;
    std::map<uint64_t, Entry> entries;  // the last kRememberedAcks sequences
    uint64_t events = 0;
    absl::Time last_seen = absl::InfinitePast();
    bool gap_allowed = false;  // the next Admit may skip ahead (Claim found another server)
  };

  static void Merge(State& state, ProducerRecord& record);
  absl::Status EnsureLoaded(const std::string& producer) ABSL_LOCKS_EXCLUDED(mu_);
  static void Trim(State& state);

  Loader loader_;
  Loader claimer_;
  mutable absl::Mutex mu_;  // guards every producer's state; never held across the loader
  absl::flat_hash_map<std::string, State> producers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
