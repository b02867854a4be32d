// The rows of a batch PostgreSQL refused (db_refused), traced back to the items they came from,
// so that each item's ack counts them: the ack stored in producer_acks, and with --ack committed
// the one sent (CommitResult::refused_rows).
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "server/model/sealed_batch.h"
#include "server/sink/isolated_upsert.h"

namespace ingest::server {

// The refused rows of `batch` already in rejected_events: stored by its other parts (--writers),
// or by its own earlier commit. Each is matched to the latest item with its source, origin and,
// at its position, its event_id (the version the upsert wrote). In batch order.
std::vector<RefusedRow> StoredRefusals(pqxx::transaction_base& tx, const SealedBatch& batch,
                                       const std::string& server_id);

// `refused` with each row's item given by its index in the batch.
std::vector<CommitResult::Refused> ByItemIndex(const SealedBatch& batch,
                                               const std::vector<RefusedRow>& refused);

// The rows of `item` among `refused`.
std::vector<RejectedRow> RefusedOf(const WindowItem& item, const std::vector<RefusedRow>& refused);

}  // namespace ingest::server
