// The write-ahead log record of one received batch: a small header (source, origin, sequence,
// receive time, content hash, the ack as computed at validation) followed by the batch's bytes
// exactly as they arrived (never re-encoded).
// Decoding rebuilds exactly the WindowItem that validation produced, without validating again.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "ingest/v1/ingest.pb.h"
#include "server/batch.h"

namespace ingest::server {

inline constexpr uint8_t kWalRecordVersion = 1;

// `batch_bytes` are the EventBatch's bytes as received, which the item was built from.
std::string EncodeWalRecord(const WindowItem& item, absl::string_view batch_bytes);

// DataLoss for a record that does not parse.
absl::StatusOr<WindowItem> DecodeWalRecord(absl::string_view record);

}  // namespace ingest::server
