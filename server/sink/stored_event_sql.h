// The SQL behind AdminService.WhereIsEvent (see stored_event.h).
#pragma once

#include <pqxx/transaction_base>
#include <string>

#include "server/sink/stored_event.h"

namespace ingest::server {

StoredEvent LookupStoredEvent(pqxx::transaction_base& tx, const std::string& event_id);

}  // namespace ingest::server
