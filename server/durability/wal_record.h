// The write-ahead log record of one received batch or file part: a small header (source,
// origin, sequence, receive time, content hash, the ack as computed at validation) followed by
// the body: for a stream, the EventBatch's bytes exactly as they arrived (never re-encoded); for
// a file part, a wire::FilePart (the file arrived as CSV, so its rows are stored parsed).
// Decoding rebuilds exactly the WindowItem that validation produced, without validating again.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "ingest/v1/ingest.pb.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

inline constexpr uint8_t kWalRecordVersion = 1;

// `body`: the EventBatch's bytes as received, or the serialized wire::FilePart.
std::string EncodeWalRecord(const WindowItem& item, absl::string_view body);

// DataLoss for a record that does not parse.
absl::StatusOr<WindowItem> DecodeWalRecord(absl::string_view record);

}  // namespace ingest::server
