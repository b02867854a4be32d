#include "server/intake/producers.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace ingest::server {

bool ProducerRegistry::Loaded(const std::string& producer) const {
  absl::MutexLock lock(&mu_);
  return producers_.contains(producer);
}

absl::Status ProducerRegistry::EnsureLoaded(const std::string& producer) {
  {
    absl::MutexLock lock(&mu_);
    if (producers_.contains(producer)) return absl::OkStatus();
  }
  // Loaded without the lock: a database round trip must not stall other producers.
  auto record = loader_(producer);
  if (!record.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot load the state of producer '", producer,
                                               "' from the database (", record.status().message(),
                                               "); retry shortly"));
  }
  absl::MutexLock lock(&mu_);
  if (producers_.contains(producer)) return absl::OkStatus();
  State& state = producers_[producer];
  if (record->has_value()) Merge(state, **record);
  return absl::OkStatus();
}

void ProducerRegistry::Merge(State& state, ProducerRecord& record) {
  state.last_received = std::max(state.last_received, record.last_sequence);
  state.last_durable = std::max(state.last_durable, record.last_sequence);
  for (auto& stored : record.acks) {
    // A batch known here already keeps its entry (and the resends waiting for it).
    auto [it, added] = state.entries.try_emplace(stored.sequence);
    if (!added) continue;
    it->second.hash = std::move(stored.content_hash);
    it->second.ack = std::move(stored.ack);
  }
  Trim(state);
}

absl::Status ProducerRegistry::Claim(const std::string& producer) {
  if (!claimer_) return EnsureLoaded(producer);
  auto record = claimer_(producer);  // without the lock, as in EnsureLoaded
  if (record.ok() && record->has_value() && (*record)->taken_elsewhere) {
    Logger("ingest")->info(
        "producer '{}' moved here from server '{}', which committed its batches up to {}; its next batch "
        "may skip ahead past batches still in that server's log",
        producer, (*record)->taken_from, (*record)->last_sequence);
  }
  absl::MutexLock lock(&mu_);
  auto it = producers_.find(producer);
  if (!record.ok()) {
    if (it != producers_.end()) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat("cannot load the state of producer '", producer,
                                               "' from the database (", record.status().message(),
                                               "); retry shortly"));
  }
  const bool held = it != producers_.end();
  State& state = producers_[producer];
  if (!record->has_value()) return absl::OkStatus();
  // Held and not taken elsewhere since: memory is at least as new as the database.
  if (held && !(*record)->taken_elsewhere) return absl::OkStatus();
  Merge(state, **record);
  state.gap_allowed = (*record)->taken_elsewhere;
  return absl::OkStatus();
}

absl::StatusOr<ProducerRegistry::Kind> ProducerRegistry::Admit(const std::string& producer, uint64_t sequence,
                                                               const std::string& hash, uint64_t events,
                                                               absl::Time now) {
  if (absl::Status st = EnsureLoaded(producer); !st.ok()) return st;
  absl::MutexLock lock(&mu_);
  State& state = producers_[producer];
  state.last_seen = std::max(state.last_seen, now);
  const bool fresh = state.last_received == 0 && state.entries.empty();
  // Once per claim: past a gap left by another server's log (the batches in between are acked
  // there and committed by it), the producer's next batch is new.
  const bool skip = std::exchange(state.gap_allowed, false) && sequence > state.last_received;
  if (fresh || skip || sequence == state.last_received + 1) {
    state.last_received = sequence;
    state.events += events;
    state.entries[sequence] = Entry{hash, std::nullopt, {}};
    Trim(state);
    return Kind::kNew;
  }
  if (sequence > state.last_received) {
    return absl::FailedPreconditionError(absl::StrCat("sequence gap for producer '", producer, "': got ",
                                                      sequence, ", expected ", state.last_received + 1));
  }
  auto it = state.entries.find(sequence);
  if (it == state.entries.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "sequence ", sequence, " of producer '", producer, "' is below the remembered window of the last ",
        kRememberedAcks, " batches; expected ", state.last_received + 1));
  }
  if (it->second.hash != hash) {
    return absl::FailedPreconditionError(
        absl::StrCat("sequence ", sequence, " reused with different content (producer '", producer,
                     "'); expected ", state.last_received + 1, " for a new batch"));
  }
  return Kind::kResend;
}

void ProducerRegistry::MarkDurable(const std::string& producer, uint64_t sequence, const v1::BatchAck& ack) {
  std::vector<AckCallback> waiters;
  {
    absl::MutexLock lock(&mu_);
    State& state = producers_[producer];
    Entry& e = state.entries[sequence];
    e.ack = ack;
    waiters.swap(e.waiters);
    if (sequence > state.last_durable) state.last_durable = sequence;
    if (sequence > state.last_received) state.last_received = sequence;
    Trim(state);
  }
  for (auto& w : waiters) w(ack);
}

absl::Status ProducerRegistry::RestoreDurable(const std::string& producer, uint64_t sequence,
                                              const std::string& hash, const v1::BatchAck& ack) {
  if (absl::Status st = EnsureLoaded(producer); !st.ok()) return st;
  {
    absl::MutexLock lock(&mu_);
    producers_[producer].entries[sequence].hash = hash;
  }
  MarkDurable(producer, sequence, ack);
  return absl::OkStatus();
}

void ProducerRegistry::WhenDurable(const std::string& producer, uint64_t sequence, AckCallback done) {
  std::optional<v1::BatchAck> ready;
  {
    absl::MutexLock lock(&mu_);
    Entry& e = producers_[producer].entries[sequence];
    if (e.ack) {
      ready = e.ack;
    } else {
      e.waiters.push_back(std::move(done));
      return;
    }
  }
  done(*ready);
}

uint64_t ProducerRegistry::LastDurable(const std::string& producer) const {
  absl::MutexLock lock(&mu_);
  auto it = producers_.find(producer);
  return it == producers_.end() ? 0 : it->second.last_durable;
}

std::vector<ProducerActivity> ProducerRegistry::Activity() const {
  absl::MutexLock lock(&mu_);
  std::vector<ProducerActivity> out;
  out.reserve(producers_.size());
  for (const auto& [id, state] : producers_) {
    out.push_back(
        ProducerActivity{id, state.last_received, state.last_durable, state.events, state.last_seen});
  }
  return out;
}

void ProducerRegistry::Trim(State& state) {
  while (state.entries.size() > kRememberedAcks) {
    auto first = state.entries.begin();
    if (!first->second.ack) break;  // never forget a batch a resend may still wait for
    state.entries.erase(first);
  }
}

size_t ProducerRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return producers_.size();
}

}  // namespace ingest::server
