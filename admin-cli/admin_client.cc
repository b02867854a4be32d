#include "admin-cli/admin_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "common/units.h"

namespace ingest::admin {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

// "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Failed to connect
// to remote host: Connection refused" -> "connection refused".
std::string LastClause(const std::string& message) {
  std::string clause = message;
  size_t colon = message.rfind(": ");
  if (colon != std::string::npos) clause = message.substr(colon + 2);
  absl::StripAsciiWhitespace(&clause);
  if (clause.empty()) return "unknown error";
  // Only a capitalised first word is lowered: "Connection refused", not "DNS resolution".
  if (clause.size() > 1 && absl::ascii_isupper(clause[0]) && absl::ascii_islower(clause[1])) {
    clause[0] = absl::ascii_tolower(clause[0]);
  }
  return clause;
}

// One unary AdminService call with a deadline; a gRPC error becomes the matching absl status.
template <typename Request, typename Response>
absl::StatusOr<Response> Call(v1::AdminService::Stub& stub,
                              grpc::Status (v1::AdminService::Stub::*method)(grpc::ClientContext*,
                                                                             const Request&, Response*),
                              const Request& request, absl::Duration timeout) {
  grpc::ClientContext context;
  SetDeadline(&context, timeout);
  Response response;
  RETURN_IF_ERROR(FromGrpcStatus((stub.*method)(&context, request, &response)));
  return response;
}

}  // namespace

AdminClient::AdminClient(std::string target, const ClientAccess& access)
    : target_(std::move(target)),
      channel_(MakeClientChannel(target_, access)),
      admin_(v1::AdminService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)) {}

absl::Status AdminClient::Connect(absl::Duration timeout) {
  auto deadline = absl::ToChronoTime(absl::Now() + timeout);
  // WaitForConnected(), except that a failed attempt ends the wait instead of being retried
  // with backoff until the deadline: a refused connection is reported at once.
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    std::string reason;
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
      reason = ConnectFailureReason();
    } else if (!channel_->WaitForStateChange(state, deadline)) {
      reason = absl::StrCat("no answer within ", ingest::DurationText(timeout));
    }
    if (!reason.empty()) {
      return absl::UnavailableError(
          absl::StrCat("cannot reach the ingest-server admin API at ", target_, " (", reason, ")"));
    }
    state = channel_->GetState(/*try_to_connect=*/true);
  }
  return absl::OkStatus();
}

std::string AdminClient::ConnectFailureReason() {
  grpc::ClientContext context;
  SetDeadline(&context, absl::Seconds(1));
  HealthCheckRequest request;
  HealthCheckResponse response;
  grpc::Status status = health_->Check(&context, request, &response);
  if (status.ok()) return "the connection failed, then recovered: try again";
  return LastClause(status.error_message());
}

absl::StatusOr<v1::GetStatusResponse> AdminClient::GetStatus(absl::Duration timeout) {
  return Call(*admin_, &v1::AdminService::Stub::GetStatus, v1::GetStatusRequest(), timeout);
}

absl::StatusOr<v1::ListBatchesResponse> AdminClient::ListBatches(uint32_t limit, absl::Duration timeout) {
  v1::ListBatchesRequest request;
  request.set_limit(limit);
  return Call(*admin_, &v1::AdminService::Stub::ListBatches, request, timeout);
}

absl::StatusOr<v1::ListProducersResponse> AdminClient::ListProducers(uint32_t limit, absl::Duration timeout) {
  v1::ListProducersRequest request;
  request.set_limit(limit);
  return Call(*admin_, &v1::AdminService::Stub::ListProducers, request, timeout);
}

absl::StatusOr<v1::ListRejectionsResponse> AdminClient::ListRejections(uint32_t limit,
                                                                       const std::string& code,
                                                                       absl::Duration timeout) {
  v1::ListRejectionsRequest request;
  request.set_limit(limit);
  request.set_code(code);
  return Call(*admin_, &v1::AdminService::Stub::ListRejections, request, timeout);
}

absl::StatusOr<v1::ListFilesResponse> AdminClient::ListFiles(uint32_t limit, absl::Duration timeout) {
  v1::ListFilesRequest request;
  request.set_limit(limit);
  return Call(*admin_, &v1::AdminService::Stub::ListFiles, request, timeout);
}

absl::StatusOr<v1::WhereIsEventResponse> AdminClient::WhereIsEvent(const std::string& event_id,
                                                                   absl::Duration timeout) {
  v1::WhereIsEventRequest request;
  request.set_event_id(event_id);
  return Call(*admin_, &v1::AdminService::Stub::WhereIsEvent, request, timeout);
}

absl::StatusOr<v1::FlushResponse> AdminClient::Flush(absl::Duration timeout) {
  return Call(*admin_, &v1::AdminService::Stub::Flush, v1::FlushRequest(), timeout);
}

absl::StatusOr<HealthCheckResponse> AdminClient::CheckHealth(const std::string& service,
                                                             absl::Duration timeout) {
  grpc::ClientContext context;
  SetDeadline(&context, timeout);
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = health_->Check(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    response.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
    return response;
  }
  RETURN_IF_ERROR(FromGrpcStatus(status));
  return response;
}

}  // namespace ingest::admin
