#include "common/status_util.h"

#include <algorithm>

#include "absl/strings/numbers.h"

namespace ingest {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::Duration RetryAfterHint(const grpc::ClientContext& ctx) {
  const auto& trailers = ctx.GetServerTrailingMetadata();
  auto it = trailers.find("retry-after-ms");
  int64_t ms = 0;
  if (it == trailers.end() ||
      !absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()), &ms)) {
    return absl::ZeroDuration();
  }
  return absl::Milliseconds(std::clamp<int64_t>(ms, 0, 60000));
}

void AddRetryHint(grpc::ServerContextBase* call, const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return;
  call->AddTrailingMetadata("retry-after-ms", std::to_string(absl::ToInt64Milliseconds(kServerRetryAfter)));
}

}  // namespace ingest
