// Fuzz target of the CSV event reader: any bytes as a file, header and every row, checking what
// the rest of the server relies on, not only that nothing crashes.
//
// A real fuzzing run: bench/fuzz 600 csv (Clang, libFuzzer and AddressSanitizer, in build-fuzz/).
// Copy a crash it finds into tests/fuzz/corpus/csv so that the fuzz_csv_replay test replays it.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/csv_reader.h"
#include "common/utf8.h"
#include "common/validation.h"
#include "tests/fuzz/fuzz_invariant.h"

namespace {

using ingest::fuzz::Require;

bool IsRowCode(const std::string& code) {
  using namespace ingest::code;
  for (const char* c : {kMissingField, kTooLong, kBadNumber, kOutOfRange, kBadEnum, kBadTimestamp,
                        kFutureTimestamp, kBadUtf8, kWrongFieldCount}) {
    if (code == c) return true;
  }
  return false;
}

void CheckRow(const ingest::csv::CsvRow& row, int64_t previous_line, absl::Time now) {
  Require(row.line > previous_line, absl::StrCat("row line ", row.line, " does not follow ", previous_line));
  Require(row.raw.size() <= ingest::csv::kMaxRawBytes, absl::StrCat("raw row of ", row.raw.size(), " bytes"));
  if (!row.problem) {
    auto problem = ingest::ValidateEvent(row.event, now);
    Require(!problem, absl::StrCat("a good row fails validation: ", problem ? problem->reason : ""));
    return;
  }
  Require(IsRowCode(row.problem->code), absl::StrCat("unknown code ", row.problem->code));
  Require(absl::StartsWith(row.problem->reason, absl::StrCat("line ", row.line)),
          absl::StrCat("reason does not say where: ", row.problem->reason));
  Require(ingest::IsValidUtf8(row.problem->reason), "reason is not valid UTF-8");
  const std::string& id = row.event.event_id();
  Require(id.size() <= ingest::kMaxIdBytes && ingest::IsValidUtf8(id) && id.find('\0') == std::string::npos,
          "a rejected row carries an event_id that is not a valid id");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  ingest::csv::CsvReader reader(in);
  const absl::Time now = absl::FromUnixSeconds(1750000000);  // 2025-06-15
  absl::Status header = reader.ReadHeader();
  if (!header.ok()) {
    Require(absl::IsInvalidArgument(header), header.ToString());
    Require(ingest::IsValidUtf8(header.message()), "header message is not valid UTF-8");
    return 0;
  }
  Require(reader.format_name() == "user_events" || reader.format_name() == "raw_events", "format name");
  ingest::csv::CsvRow row;
  int64_t previous_line = 1;
  while (reader.Next(&row, now)) {
    CheckRow(row, previous_line, now);
    previous_line = row.line;
  }
  Require(reader.status().ok(), reader.status().ToString());
  return 0;
}
