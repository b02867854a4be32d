// The SQL of uploaded files: the ingested_files row written in the transaction of the batch that
// holds a file's last part, and the lookup that answers a duplicate upload.
#pragma once

#include <optional>
#include <pqxx/transaction_base>
#include <string>

#include "ingest/v1/ingest.pb.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

// One ingested_files row per file whose last part is in `batch` (a row already there is kept).
void WriteIngestedFiles(pqxx::transaction_base& tx, const SealedBatch& batch, const std::string& server_id);

// The result of the committed ingestion of `sha256` (hex), with its first rejections, or
// nullopt when no file with that content was ingested. `duplicate` is left false.
std::optional<v1::UploadResult> LookupIngestedFile(pqxx::transaction_base& tx, const std::string& sha256);

}  // namespace ingest::server
