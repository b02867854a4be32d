// The server's listeners: a gRPC server per service address, and the Prometheus /metrics endpoint.
#pragma once

#include <grpcpp/grpcpp.h>
#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ingest::server {

struct GrpcListener {
  std::unique_ptr<grpc::Server> server;
  std::string address;  // as bound: the port filled in when 0 was asked
};

// Serves `service` (with gRPC health and reflection) on `address` with `credentials` (plaintext or
// TLS); Unavailable when it cannot bind, naming the `role` ("ingest", "admin") and `flag` that
// chooses another address.
absl::StatusOr<GrpcListener> ListenGrpc(const std::string& role, const std::string& address,
                                        grpc::Service* service, const std::string& flag,
                                        std::shared_ptr<grpc::ServerCredentials> credentials);

struct MetricsListener {
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string address;  // as bound
};

// Serves `sources` at http://ADDRESS/metrics. The exposer keeps weak pointers: the caller keeps
// each source alive while it serves.
absl::StatusOr<MetricsListener> ListenMetrics(
    const std::string& address, const std::vector<std::shared_ptr<prometheus::Collectable>>& sources);

}  // namespace ingest::server
