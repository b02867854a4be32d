// The server's listeners: a gRPC server per service address, and the Prometheus /metrics endpoint.
#pragma once

#include <grpcpp/grpcpp.h>
#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ingest::server {

struct GrpcListener {
  std::unique_ptr<grpc::Server> server;
  std::string address;  // as bound: the port filled in when 0 was asked
};

// What a gRPC listener enforces on its connections (contract, "Security").
struct ListenerSettings {
  std::shared_ptr<grpc::ServerCredentials> credentials;  // plaintext or TLS
  uint64_t max_message_bytes = 16ull << 20;              // larger messages: RESOURCE_EXHAUSTED
  uint64_t max_memory = 1ull << 30;                      // the listener's gRPC resource quota
  // A connection with no call for this long is closed (GOAWAY); the keepalive rules: the server
  // pings an idle connection every minute, drops it if the ping is not answered in 20 s, and
  // closes connections that ping more often than every 10 s without data.
  absl::Duration max_connection_idle = absl::Minutes(10);
};

// Serves `service` (with gRPC health and reflection) on `address` under `settings`; Unavailable
// when it cannot bind, naming the `role` ("ingest", "admin") and `flag` that chooses another
// address.
absl::StatusOr<GrpcListener> ListenGrpc(const std::string& role, const std::string& address,
                                        grpc::Service* service, const std::string& flag,
                                        const ListenerSettings& settings);

struct MetricsListener {
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string address;  // as bound
};

// Serves `sources` at http://ADDRESS/metrics. The exposer keeps weak pointers: the caller keeps
// each source alive while it serves.
absl::StatusOr<MetricsListener> ListenMetrics(
    const std::string& address, const std::vector<std::shared_ptr<prometheus::Collectable>>& sources);

}  // namespace ingest::server
