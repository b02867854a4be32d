#include "file-bridge/bridge_summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ingest::bridge {

std::string FormatSummaryTable(const BridgeSummary& s) {
  std::string out;
  auto row = [&out](const char* name, const std::string& value) {
    absl::StrAppendFormat(&out, "%-18s %s\n", name, value);
  };
  row("files archived", absl::StrCat(s.files_archived));
  row("duplicates", absl::StrCat(s.duplicates));
  row("files failed", absl::StrCat(s.files_failed));
  row("files left", absl::StrCat(s.files_left));
  row("rows accepted", absl::StrCat(s.rows_accepted));
  row("rows rejected", absl::StrCat(s.rows_rejected));
  row("bytes uploaded", absl::StrCat(s.bytes_uploaded));
  row("triggers", absl::StrCat(s.triggers));
  row("uploads", absl::StrCat(s.uploads));
  row("retries", absl::StrCat(s.retries));
  row("elapsed", absl::StrFormat("%.3f s", absl::ToDoubleSeconds(s.elapsed)));
  return out;
}

std::string FormatSummaryJson(const BridgeSummary& s) {
  return absl::StrFormat(
      "{\"files_archived\":%d,\"duplicates\":%d,\"files_failed\":%d,\"files_left\":%d,"
      "\"rows_accepted\":%d,\"rows_rejected\":%d,\"bytes_uploaded\":%d,\"triggers\":%d,\"uploads\":%d,"
      "\"retries\":%d,\"elapsed_s\":%.3f}\n",
      s.files_archived, s.duplicates, s.files_failed, s.files_left, s.rows_accepted, s.rows_rejected,
      s.bytes_uploaded, s.triggers, s.uploads, s.retries, absl::ToDoubleSeconds(s.elapsed));
}

}  // namespace ingest::bridge
