#include "server/admin/server_state.h"

#include "absl/strings/str_cat.h"

namespace ingest::server {
namespace {

// Refusing beats throttling beats accepting: say the most serious thing first.
void SetIntake(const StateSources& src, ServerState& s) {
  const std::string refusal = src.log->RefusalReason();
  if (src.draining != nullptr && src.draining->load()) {
    s.intake_mode = kRefusing;
    s.intake_reason = "the server is shutting down: new batches and uploads get UNAVAILABLE";
  } else if (!refusal.empty()) {
    s.intake_mode = kRefusing;
    s.intake_reason = absl::StrCat("the write-ahead log cannot grow (", refusal,
                                   "): batches and uploads get UNAVAILABLE until there is room on its disk");
  } else if (src.budget->Full()) {
    s.intake_mode = kThrottling;
    s.intake_reason = absl::StrCat("the write-ahead log holds ", s.wal_bytes, " bytes, over --wal-max-bytes ",
                                   s.wal_max_bytes, ": ", s.streams_waiting,
                                   " streams wait for commits to free space and uploads get UNAVAILABLE");
  } else if (s.writer.sink.retrying && src.ack_mode == AckMode::kCommitted) {
    s.intake_mode = kThrottling;
    s.intake_reason = absl::StrCat("PostgreSQL is unavailable (", s.writer.sink.last_error,
                                   "); acks wait for the next commit");
  } else if (s.writer.sink.retrying) {
    s.intake_mode = kAccepting;
    s.intake_reason = absl::StrCat("PostgreSQL is unavailable; batches are acked from the log, which holds ",
                                   s.wal_bytes, " of ", s.wal_max_bytes, " bytes");
  }
}

}  // namespace

ServerState ReadServerState(const StateSources& src) {
  ServerState s;
  s.window = src.batcher->Stats();
  s.writer = src.writer->Stats();
  s.wal_bytes = src.log->WalBytes();
  s.wal_segments = src.segment_bytes == 0 ? 0 : s.wal_bytes / src.segment_bytes;
  s.wal_max_bytes = src.budget->max_bytes();
  s.checkpoint_bytes = src.log->CheckpointBytes();
  s.streams = src.streams->size();
  s.streams_waiting = src.budget->waiting();
  s.producers = src.producers->size();
  s.uploads_in_progress = src.files == nullptr ? 0 : src.files->in_flight();
  if (src.database != nullptr) s.database = src.database->health();
  SetIntake(src, s);
  return s;
}

}  // namespace ingest::server
