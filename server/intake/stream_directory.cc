#include "server/intake/stream_directory.h"

#include "absl/time/clock.h"

namespace ingest::server {

void StreamDirectory::Attach(const std::string& producer, const void* token, const std::string& peer,
                             End end) {
  End previous;
  {
    absl::MutexLock lock(&mu_);
    auto& entry = live_[producer];
    if (entry.token != nullptr && entry.token != token) previous = std::move(entry.end);
    entry = Entry{token, Connection{producer, peer, absl::Now()}, std::move(end)};
  }
  // Outside the lock: it finishes the old stream.
  if (previous) previous(grpc::Status(grpc::StatusCode::ABORTED, "superseded by a newer stream"), false);
}

void StreamDirectory::Detach(const std::string& producer, const void* token) {
  absl::MutexLock lock(&mu_);
  auto it = live_.find(producer);
  if (it != live_.end() && it->second.token == token) live_.erase(it);
}

void StreamDirectory::EndAll(const std::string& message) {
  std::vector<End> ends;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [_, e] : live_) ends.push_back(e.end);
  }
  for (auto& end : ends) end(grpc::Status(grpc::StatusCode::UNAVAILABLE, message), true);
}

std::vector<StreamDirectory::Connection> StreamDirectory::Connections() const {
  absl::MutexLock lock(&mu_);
  std::vector<Connection> out;
  for (const auto& [_, e] : live_) out.push_back(e.conn);
  return out;
}

size_t StreamDirectory::size() const {
  absl::MutexLock lock(&mu_);
  return live_.size();
}

}  // namespace ingest::server
