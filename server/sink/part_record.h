// The rows of ingest_batch_parts (sql/003_batch_parts.sql): how a batch written through several
// connections is split, and which of its parts committed before its own transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/transaction_base>
#include <string>

#include "server/sink/batch_part.h"
#include "server/sink/batch_transaction.h"

namespace ingest::server {

// The number of parts recorded for the batch by parts that committed, or nullopt for none.
std::optional<int> RecordedPartCount(pqxx::transaction_base& tx, const std::string& server_id,
                                     uint64_t batch_id);

// What the part wrote when it committed (inserted, updated, refused_stored), or nullopt.
std::optional<PartRows> RecordedPart(pqxx::transaction_base& tx, const std::string& server_id,
                                     uint64_t batch_id, BatchPart part);

// Records the part in the transaction holding its rows.
void RecordPart(pqxx::transaction_base& tx, const std::string& server_id, uint64_t batch_id, BatchPart part,
                const PartRows& rows);

// Forgets the batch's parts: done in the batch's own transaction, with its ingest_batches row.
void ForgetParts(pqxx::transaction_base& tx, const std::string& server_id, uint64_t batch_id);

}  // namespace ingest::server
