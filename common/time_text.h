// Timestamps as text and as microseconds since the Unix epoch (the database's resolution).
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace ingest {

// RFC 3339 in UTC with microseconds, e.g. 2025-01-02T03:04:05.123456Z.
std::string FormatUtcMicros(int64_t micros);
std::string FormatUtc(absl::Time t);

int64_t ToMicros(absl::Time t);
absl::Time FromMicros(int64_t micros);

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);

}  // namespace ingest
