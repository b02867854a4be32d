// What the database holds of one event, for AdminService.WhereIsEvent: its user_events row with
// the batch that wrote it, and its newest rejected_events row (the SQL: stored_event_sql.h).
#pragma once

#include <optional>
#include <string>

#include "common/event_row.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

// The user_events row of an event. user_events.batch_id carries no server id, and batch ids
// repeat across servers: the batch is the ingest_batches row with that id whose commit came first
// at or after the row's updated_at (the start of the transaction that wrote the row).
struct CommittedEvent {
  EventRow row;
  std::string source;
  uint64_t batch_id = 0;
  std::string server_id;        // "" when no ingest_batches row matches
  int64_t committed_at_us = 0;  // 0 when no ingest_batches row matches
  int64_t updated_at_us = 0;
};

// The newest rejected_events row of an event.
struct RejectedEvent {
  RejectedRow row;
  std::string source;
  std::string origin;
  std::string server_id;
  uint64_t batch_id = 0;
  int64_t received_at_us = 0;
  int64_t committed_at_us = 0;  // of its batch; 0 when unknown
};

struct StoredEvent {
  std::optional<CommittedEvent> committed;
  std::optional<RejectedEvent> rejected;
};

}  // namespace ingest::server
