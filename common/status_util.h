// absl::Status helpers: early return, and the one place statuses become grpc::Status.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/time/time.h"

#define INGEST_CONCAT_INNER(a, b) a##b
#define INGEST_CONCAT(a, b) INGEST_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)  \
  do {                         \
    absl::Status _st = (expr); \
    if (!_st.ok()) return _st; \
  } while (0)

// Declares `lhs` from a StatusOr, returning its status from the enclosing function on error.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(INGEST_CONCAT(_sor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

namespace ingest {

grpc::Status ToGrpcStatus(const absl::Status& status);

// The server's `retry-after-ms` trailer on a finished call (clamped to 0..60 s); zero when
// absent or not a number.
absl::Duration RetryAfterHint(const grpc::ClientContext& ctx);
// What the server asks a client to wait before retrying an UNAVAILABLE call.
inline constexpr absl::Duration kServerRetryAfter = absl::Seconds(1);
// Before a call finishes with `status`: an UNAVAILABLE one gets the `retry-after-ms` trailer.
void AddRetryHint(grpc::ServerContextBase* call, const grpc::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ingest
