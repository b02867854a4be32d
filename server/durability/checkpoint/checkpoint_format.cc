#include "server/durability/checkpoint/checkpoint_format.h"

#include <zlib.h>

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status_util.h"

namespace ingest::server {
namespace {

constexpr absl::string_view kChecksumKey = "crc32=";

uint32_t Crc32(absl::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string Seal(std::string body) {
  absl::StrAppendFormat(&body, "%s%08x\n", kChecksumKey, Crc32(body));
  return body;
}

using Fields = std::map<std::string, std::string>;

absl::Status Missing(absl::string_view key) {
  return absl::DataLossError(absl::StrCat("the entry has no valid '", key, "' line"));
}

template <typename Int>
absl::Status GetInt(const Fields& fields, const std::string& key, Int* out) {
  auto it = fields.find(key);
  if (it == fields.end() || !absl::SimpleAtoi(it->second, out)) return Missing(key);
  return absl::OkStatus();
}

absl::Status GetPosition(const Fields& fields, const std::string& key, WalPosition* out) {
  auto it = fields.find(key);
  if (it == fields.end()) return Missing(key);
  absl::StatusOr<WalPosition> pos = ParseWalPosition(it->second);
  if (!pos.ok()) return Missing(key);
  *out = *pos;
  return absl::OkStatus();
}

absl::Status CheckBatchId(const Fields& fields, uint64_t batch_id) {
  uint64_t stored = 0;
  RETURN_IF_ERROR(GetInt(fields, "batch_id", &stored));
  if (stored != batch_id) {
    return absl::DataLossError(absl::StrCat("the entry is for batch ", stored, ", not for batch ", batch_id));
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeOffsetsEntry(const OffsetsEntry& e) {
  return Seal(absl::StrCat(kCheckpointFormatVersion, "\nbatch_id=", e.batch_id,
                           "\nfirst=", e.first.ToString(), "\nend=", e.end.ToString(),
                           "\nwindow_start_us=", e.window_start_us, "\nwindow_end_us=", e.window_end_us,
                           "\nevents=", e.events, "\n"));
}

std::string EncodeCommitEntry(const CommitEntry& e) {
  return Seal(absl::StrCat(kCheckpointFormatVersion, "\nbatch_id=", e.batch_id,
                           "\ncommitted_at_us=", e.committed_at_us, "\n"));
}

absl::StatusOr<Fields> ParseCheckpointEntry(absl::string_view content) {
  if (content.empty()) return absl::DataLossError("the file is empty");
  if (!absl::EndsWith(content, "\n")) {
    return absl::DataLossError("the file is truncated: its last line has no newline");
  }
  const size_t last_line = content.rfind('\n', content.size() - 2);
  const size_t checksum_at = last_line == absl::string_view::npos ? 0 : last_line + 1;
  absl::string_view checksum_line = content.substr(checksum_at, content.size() - 1 - checksum_at);
  if (!absl::ConsumePrefix(&checksum_line, kChecksumKey)) {
    return absl::DataLossError("the file is truncated: its last line is not the crc32= line");
  }
  absl::string_view body = content.substr(0, checksum_at);
  uint32_t stored = 0;
  if (checksum_line.size() != 8 || !absl::SimpleHexAtoi(checksum_line, &stored)) {
    return absl::DataLossError(absl::StrCat("the checksum '", checksum_line, "' is not 8 hex digits"));
  }
  if (const uint32_t computed = Crc32(body); computed != stored) {
    return absl::DataLossError(absl::StrFormat("checksum mismatch (stored %08x, computed %08x over %u bytes)",
                                               stored, computed, body.size()));
  }
  std::vector<absl::string_view> lines = absl::StrSplit(body, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != kCheckpointFormatVersion) {
    return absl::DataLossError(absl::StrCat("the format version line is '", lines.empty() ? "" : lines[0],
                                            "'; this build reads ", kCheckpointFormatVersion));
  }
  Fields fields;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<std::string, std::string> kv = absl::StrSplit(lines[i], absl::MaxSplits('=', 1));
    if (lines[i].find('=') == absl::string_view::npos || !fields.emplace(std::move(kv)).second) {
      return absl::DataLossError(absl::StrCat("line ", i + 1, " '", lines[i], "' is not a new key=value"));
    }
  }
  return fields;
}

// The fields of the entry of batch `batch_id`; DataLoss when it is damaged or names another batch.
absl::StatusOr<Fields> ParseEntryOf(absl::string_view content, uint64_t batch_id) {
  ASSIGN_OR_RETURN(Fields fields, ParseCheckpointEntry(content));
  RETURN_IF_ERROR(CheckBatchId(fields, batch_id));
  return fields;
}

absl::StatusOr<OffsetsEntry> DecodeOffsetsEntry(absl::string_view content, uint64_t batch_id) {
  ASSIGN_OR_RETURN(Fields fields, ParseEntryOf(content, batch_id));
  OffsetsEntry e;
  e.batch_id = batch_id;
  RETURN_IF_ERROR(GetPosition(fields, "first", &e.first));
  RETURN_IF_ERROR(GetPosition(fields, "end", &e.end));
  RETURN_IF_ERROR(GetInt(fields, "window_start_us", &e.window_start_us));
  RETURN_IF_ERROR(GetInt(fields, "window_end_us", &e.window_end_us));
  RETURN_IF_ERROR(GetInt(fields, "events", &e.events));
  if (e.end < e.first) {
    return absl::DataLossError(absl::StrCat("its log range ", e.first.ToString(), " to ", e.end.ToString(),
                                            " ends before it starts"));
  }
  return e;
}

absl::StatusOr<CommitEntry> DecodeCommitEntry(absl::string_view content, uint64_t batch_id) {
  ASSIGN_OR_RETURN(Fields fields, ParseEntryOf(content, batch_id));
  CommitEntry e;
  e.batch_id = batch_id;
  RETURN_IF_ERROR(GetInt(fields, "committed_at_us", &e.committed_at_us));
  return e;
}

}  // namespace ingest::server
