#include "server/admin/where_is_event.h"

#include "absl/strings/str_cat.h"
#include "common/time_text.h"

namespace ingest::server {
namespace {

constexpr size_t kMaxEventIdBytes = 4096;

void SetMicros(int64_t micros, google::protobuf::Timestamp* out) {
  if (micros != 0) *out = ToProtoTime(FromMicros(micros));
}

// What a rejected event's answer says of it, whether it waits in memory or is stored.
void SetRejection(const RejectedRow& row, v1::WhereIsEventResponse& r) {
  r.set_code(row.code);
  r.set_reason(row.reason);
  r.set_index(row.position);
  r.set_payload(row.payload);
}

// The fields every answer that found the event has.
v1::WhereIsEventResponse Found(const std::string& state, uint64_t batch_id, const std::string& server_id,
                               const std::string& source, const std::string& origin) {
  v1::WhereIsEventResponse r;
  r.set_state(state);
  r.set_batch_id(batch_id);
  r.set_server_id(server_id);
  r.set_source(source);
  r.set_origin(origin);
  return r;
}

v1::WhereIsEventResponse FromSighting(const EventSighting& s, const std::string& state,
                                      const std::string& server_id) {
  v1::WhereIsEventResponse r = Found(state, s.batch_id, server_id, SourceText(s.source), s.origin);
  SetMicros(s.received_us, r.mutable_received_at());
  std::string where =
      state == "in_window"
          ? absl::StrCat("in the open window, which becomes batch ", s.batch_id, " when it is sealed")
          : absl::StrCat("durable and sealed in batch ", s.batch_id, ", waiting to be written to PostgreSQL");
  if (s.row) {
    *r.mutable_event() = ToProtoEvent(*s.row);
    r.set_detail(absl::StrCat(where, " (from ", s.origin, ")"));
  } else if (s.reject) {
    SetRejection(*s.reject, r);
    r.set_detail(absl::StrCat("rejected (", s.reject->code, ": ", s.reject->reason, "); ", where,
                              ", then stored in rejected_events"));
  }
  return r;
}

v1::WhereIsEventResponse Committed(const CommittedEvent& c) {
  v1::WhereIsEventResponse r = Found("committed", c.batch_id, c.server_id, c.source, "");
  SetMicros(c.committed_at_us, r.mutable_committed_at());
  *r.mutable_event() = ToProtoEvent(c.row);
  r.set_detail(c.committed_at_us == 0
                   ? absl::StrCat("committed in batch ", c.batch_id)
                   : absl::StrCat("committed in batch ", c.batch_id, " of server ", c.server_id, " at ",
                                  FormatUtcMicros(c.committed_at_us)));
  return r;
}

v1::WhereIsEventResponse Rejected(const RejectedEvent& x) {
  v1::WhereIsEventResponse r = Found("rejected", x.batch_id, x.server_id, x.source, x.origin);
  SetRejection(x.row, r);
  SetMicros(x.received_at_us, r.mutable_received_at());
  SetMicros(x.committed_at_us, r.mutable_committed_at());
  r.set_detail(absl::StrCat("rejected (", x.row.code, "): ", x.row.reason, "; stored in batch ", x.batch_id,
                            " of server ", x.server_id));
  return r;
}

}  // namespace

v1::WhereIsEventResponse FromStoredEvent(const StoredEvent& stored) {
  if (stored.committed && stored.rejected) {
    const CommittedEvent& c = *stored.committed;
    // Without its batch's commit time the row's transaction start stands in for it.
    const int64_t row_time = c.committed_at_us != 0 ? c.committed_at_us : c.updated_at_us;
    if (stored.rejected->committed_at_us > row_time) return Rejected(*stored.rejected);
    return Committed(c);
  }
  if (stored.committed) return Committed(*stored.committed);
  if (stored.rejected) return Rejected(*stored.rejected);
  v1::WhereIsEventResponse r;
  r.set_state("unknown");
  r.set_detail("not in the open window, in a sealed batch, in user_events or in rejected_events");
  return r;
}

absl::StatusOr<v1::WhereIsEventResponse> WhereIsEvent(const std::string& event_id,
                                                      const EventLookups& lookups) {
  if (event_id.empty()) return absl::InvalidArgumentError("event_id is empty: name the event to look up");
  if (event_id.size() > kMaxEventIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event_id has ", event_id.size(), " bytes; no stored event id is longer than ", kMaxEventIdBytes));
  }
  if (auto in_window = lookups.window()) return FromSighting(*in_window, "in_window", lookups.server_id);
  auto sealed = lookups.sealed();
  if (!sealed.ok()) return sealed.status();
  if (*sealed) return FromSighting(**sealed, "sealed", lookups.server_id);
  auto stored = lookups.stored();
  if (!stored.ok()) return stored.status();
  return FromStoredEvent(*stored);
}

}  // namespace ingest::server
