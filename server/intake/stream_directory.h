// StreamDirectory: the live StreamEvents stream of each producer. A second stream for the same
// producer ends the older one with ABORTED.
#pragma once

#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::server {

class StreamDirectory {
 public:
  // Ends a stream with `status`: at once, or once every batch it received is acked.
  using End = std::function<void(const grpc::Status& status, bool after_acks)>;

  struct Connection {
    std::string producer_id;
    std::string peer;
    absl::Time since;
  };

  // Registers the stream `token` for `producer`, aborting the producer's previous stream if any.
  void Attach(const std::string& producer, const void* token, const std::string& peer, End end);
  // Forgets `token` if it is still the producer's stream.
  void Detach(const std::string& producer, const void* token);

  // Ends every live stream with UNAVAILABLE once its received batches are acked (shutdown).
  void EndAll(const std::string& message);

  std::vector<Connection> Connections() const;
  size_t size() const;

 private:
  struct Entry {
    const void* token;
    Connection conn;
    End end;
  };
  mutable absl::Mutex mu_;  // guards the live stream of each producer
  absl::flat_hash_map<std::string, Entry> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
