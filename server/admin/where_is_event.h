// AdminService.WhereIsEvent: the newest state of one event id, looked up from the newest place
// to the oldest — the open window, the sealed batches waiting for the database, the database.
// States only move forward (window → sealed → committed), so a lookup racing a seal or a commit
// finds the event in the next place it asks.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ingest/v1/admin.pb.h"
#include "server/model/sealed_batch.h"
#include "server/sink/stored_event.h"

namespace ingest::server {

struct EventLookups {
  std::string server_id;  // this server
  std::function<std::optional<EventSighting>()> window;
  std::function<absl::StatusOr<std::optional<EventSighting>>()> sealed;
  std::function<absl::StatusOr<StoredEvent>()> stored;  // asked only when memory holds nothing
};

// Exactly one of in_window, sealed, committed, rejected, unknown (see WhereIsEventResponse).
// InvalidArgument for an empty id; the lookups' errors (Unavailable when PostgreSQL is down and
// the event is not in memory).
absl::StatusOr<v1::WhereIsEventResponse> WhereIsEvent(const std::string& event_id,
                                                      const EventLookups& lookups);

// The answer from the database alone: the newer of the row and the newest rejection, by the
// commit time of their batches (a tie is committed); unknown when neither exists.
v1::WhereIsEventResponse FromStoredEvent(const StoredEvent& stored);

}  // namespace ingest::server
