#include "common/time_text.h"

namespace ingest {

std::string FormatUtcMicros(int64_t micros) { return FormatUtc(FromMicros(micros)); }

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  // Whole seconds, then the nanoseconds past them: nanoseconds since the epoch overflow int64
  // before 1678 and after 2262, and a CSV cell may hold any year from 0000 to 9999.
  const int64_t secs = absl::ToUnixSeconds(t);  // rounds toward the past: nanos stay >= 0
  google::protobuf::Timestamp ts;
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(secs))));
  return ts;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace ingest
