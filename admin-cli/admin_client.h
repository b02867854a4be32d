// A client of the ingest-server admin listener: ingest.v1.AdminService and grpc.health.v1,
// each RPC returning its response or an absl::Status with the server's code and message.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client_access.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "ingest/v1/admin.grpc.pb.h"

namespace ingest::admin {

class AdminClient {
 public:
  // `target` is HOST:PORT or unix:/path.
  // `access`: TLS and token; default: plaintext, no token.
  explicit AdminClient(std::string target, const ClientAccess& access = {});

  const std::string& target() const { return target_; }

  // Waits up to `timeout` for a connection. An address that refuses fails at once, without
  // waiting for the timeout. On failure: UnavailableError "cannot reach the ingest-server admin
  // API at TARGET (REASON)", REASON being e.g. "connection refused" or "no answer within 10s".
  absl::Status Connect(absl::Duration timeout);

  absl::StatusOr<v1::GetStatusResponse> GetStatus(absl::Duration timeout);
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(uint32_t limit, absl::Duration timeout);
  absl::StatusOr<v1::ListProducersResponse> ListProducers(uint32_t limit, absl::Duration timeout);
  absl::StatusOr<v1::ListRejectionsResponse> ListRejections(uint32_t limit, const std::string& code,
                                                            absl::Duration timeout);
  absl::StatusOr<v1::ListFilesResponse> ListFiles(uint32_t limit, absl::Duration timeout);
  absl::StatusOr<v1::WhereIsEventResponse> WhereIsEvent(const std::string& event_id, absl::Duration timeout);
  absl::StatusOr<v1::FlushResponse> Flush(absl::Duration timeout);
  // The server's own NOT_FOUND for an unknown service is returned as SERVICE_UNKNOWN.
  absl::StatusOr<grpc::health::v1::HealthCheckResponse> CheckHealth(const std::string& service,
                                                                    absl::Duration timeout);

 private:
  // Why the channel failed to connect, from a fail-fast call's error ("connection refused").
  std::string ConnectFailureReason();

  std::string target_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace ingest::admin
