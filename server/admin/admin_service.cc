#include "server/admin/admin_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_util.h"
#include "common/time_text.h"
#include "common/units.h"
#include "server/admin/list_producers.h"
#include "server/admin/where_is_event.h"

namespace ingest::server {
namespace {

constexpr uint32_t kDefaultListLimit = 20;
constexpr uint32_t kMaxListLimit = 10000;
// Rejections and files carry longer text per row.
constexpr uint32_t kMaxRowListLimit = 1000;
constexpr uint32_t kDefaultProducerLimit = 100;

uint32_t Limit(uint32_t asked, uint32_t default_limit, uint32_t max) {
  return asked == 0 ? default_limit : std::min(asked, max);
}

template <typename Response>
grpc::Status Answer(absl::StatusOr<Response> result, Response* out) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *out = std::move(*result);
  return grpc::Status::OK;
}
// Flush answers this long before the client's deadline, so the answer arrives in time.
constexpr absl::Duration kDeadlineMargin = absl::Milliseconds(500);

}  // namespace

grpc::Status AdminServiceImpl::Authorize(const grpc::ServerContext& call) const {
  if (ctx_.tokens == nullptr) return grpc::Status::OK;
  absl::Status st = ctx_.tokens->AuthenticateAdmin(call.client_metadata());
  if (!st.ok()) ctx_.metrics->Refused(st);
  return ToGrpcStatus(st);
}

grpc::Status AdminServiceImpl::GetStatus(grpc::ServerContext* call, const v1::GetStatusRequest*,
                                         v1::GetStatusResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  const absl::Time now = absl::Now();
  out->set_version(ctx_.version);
  out->set_server_id(ctx_.server_id);
  out->set_uptime_seconds(absl::ToInt64Seconds(now - ctx_.started_at));
  absl::MutexLock lock(&mu_);
  for (const auto& [role, address] : ctx_.listeners) {
    auto* l = out->add_listeners();
    l->set_role(role);
    l->set_address(address);
  }
  out->set_trigger_ms(absl::ToInt64Milliseconds(ctx_.trigger));
  out->set_ack_mode(AckModeName(ctx_.ack_mode));
  const ServerState state = ReadServerState(ctx_.state);
  out->mutable_open_window()->set_events(state.window.events);
  out->mutable_open_window()->set_bytes(state.window.bytes);
  out->mutable_open_window()->set_age_ms(absl::ToInt64Milliseconds(state.window.age));
  const WriterStats& writer = state.writer;
  out->set_last_batch_id(writer.last_committed_id);
  if (writer.last_commit_time != absl::InfinitePast()) {
    *out->mutable_last_commit_time() = ToProtoTime(writer.last_commit_time);
  }
  out->set_wal_bytes(state.wal_bytes);
  out->set_checkpoint_bytes(state.checkpoint_bytes);
  out->set_pending_batches(static_cast<uint32_t>(writer.pending_batches));
  const IntakeCounters& counted = ctx_.metrics->totals();
  auto* totals = out->mutable_totals();
  totals->set_received(counted.received);
  totals->set_accepted(counted.accepted);
  totals->set_rejected(counted.rejected);
  totals->set_duplicates(counted.duplicates);
  totals->set_committed(writer.committed_events);
  totals->set_batches(writer.committed_batches);
  auto* sink = out->mutable_sink();
  sink->set_state(writer.sink.retrying ? "retrying" : "ok");
  sink->set_last_error(writer.sink.last_error);
  sink->set_attempts(writer.sink.attempts);
  if (writer.sink.retrying) *sink->mutable_next_attempt() = ToProtoTime(writer.sink.next_attempt);
  if (state.database.checked) {
    auto* db = out->mutable_database();
    db->set_reachable(state.database.reachable);
    db->set_error(state.database.error);
    *db->mutable_checked_at() = ToProtoTime(state.database.checked_at);
  }
  out->set_intake_mode(state.intake_mode);
  out->set_intake_reason(state.intake_reason);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListBatches(grpc::ServerContext* call, const v1::ListBatchesRequest* req,
                                           v1::ListBatchesResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  return Answer(ctx_.reader->ListBatches(Limit(req->limit(), kDefaultListLimit, kMaxListLimit)), out);
}

grpc::Status AdminServiceImpl::ListProducers(grpc::ServerContext* call, const v1::ListProducersRequest* req,
                                             v1::ListProducersResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  const uint32_t limit = Limit(req->limit(), kDefaultProducerLimit, kMaxListLimit);
  return Answer(server::ListProducers(limit, *ctx_.reader, *ctx_.state.producers, *ctx_.state.streams), out);
}

grpc::Status AdminServiceImpl::ListRejections(grpc::ServerContext* call, const v1::ListRejectionsRequest* req,
                                              v1::ListRejectionsResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  const uint32_t limit = Limit(req->limit(), kDefaultListLimit, kMaxRowListLimit);
  return Answer(ctx_.reader->ListRejections(limit, req->code()), out);
}

grpc::Status AdminServiceImpl::ListFiles(grpc::ServerContext* call, const v1::ListFilesRequest* req,
                                         v1::ListFilesResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  return Answer(ctx_.reader->ListFiles(Limit(req->limit(), kDefaultListLimit, kMaxRowListLimit)), out);
}

grpc::Status AdminServiceImpl::WhereIsEvent(grpc::ServerContext* call, const v1::WhereIsEventRequest* req,
                                            v1::WhereIsEventResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  const std::string& id = req->event_id();
  const absl::Time deadline = absl::FromChrono(call->deadline()) - kDeadlineMargin;
  EventLookups lookups{ctx_.server_id, [&] { return ctx_.state.batcher->FindEvent(id); },
                       [&] {
                         return ctx_.state.writer->FindEvent(
                             id, [&] { return call->IsCancelled() || absl::Now() > deadline; });
                       },
                       [&] { return ctx_.reader->FindEvent(id); }};
  return Answer(server::WhereIsEvent(id, lookups), out);
}

grpc::Status AdminServiceImpl::Flush(grpc::ServerContext* call, const v1::FlushRequest*,
                                     v1::FlushResponse* out) {
  if (grpc::Status denied = Authorize(*call); !denied.ok()) return denied;
  const uint64_t committed_before = ctx_.state.writer->Stats().last_committed_id;
  const uint64_t target = ctx_.state.batcher->SealNow();
  if (target <= committed_before) {
    out->set_empty(true);
    out->set_batch_id(committed_before);
    return grpc::Status::OK;
  }
  absl::Time deadline = absl::Now() + ctx_.flush_timeout;
  const auto client_deadline = absl::FromChrono(call->deadline());
  if (client_deadline < absl::InfiniteFuture() && client_deadline - kDeadlineMargin < deadline) {
    deadline = client_deadline - kDeadlineMargin;
  }
  if (!ctx_.state.writer->WaitCommitted(target, deadline)) {
    WriterStats stats = ctx_.state.writer->Stats();
    return {grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("batch ", target, " is not committed yet (last committed: ", stats.last_committed_id,
                         "); PostgreSQL: ",
                         stats.sink.last_error.empty() ? "no error reported" : stats.sink.last_error)};
  }
  out->set_batch_id(target);
  return grpc::Status::OK;
}

}  // namespace ingest::server
