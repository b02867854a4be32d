#include "file-bridge/result_record.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ingest::bridge {
namespace {

constexpr size_t kSha256HexBytes = 64;

std::string RejectionJson(const v1::Rejection& r) {
  return absl::StrCat("{\"index\": ", r.index(), ", \"event_id\": ", JsonQuote(r.event_id()),
                      ", \"code\": ", JsonQuote(r.code()), ", \"reason\": ", JsonQuote(r.reason()), "}");
}

// The 64 hex digits right after the first `key` in `record`, or empty.
std::string HexAfter(absl::string_view record, absl::string_view key) {
  size_t at = record.find(key);
  if (at == absl::string_view::npos) return "";
  absl::string_view rest = record.substr(at + key.size());
  if (rest.size() < kSha256HexBytes) return "";
  for (size_t i = 0; i < kSha256HexBytes; ++i) {
    if (!absl::ascii_isxdigit(rest[i])) return "";
  }
  return std::string(rest.substr(0, kSha256HexBytes));
}

}  // namespace

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string ResultJson(const v1::UploadResult& r, uint64_t size_bytes, absl::Time uploaded_at) {
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"file_name\": ", JsonQuote(r.file_name()), ",\n");
  absl::StrAppend(&out, "  \"sha256\": ", JsonQuote(r.sha256()), ",\n");
  absl::StrAppend(&out, "  \"size_bytes\": ", size_bytes, ",\n");
  absl::StrAppend(&out, "  \"accepted\": ", r.accepted(), ",\n");
  absl::StrAppend(&out, "  \"rejected\": ", r.rejected(), ",\n");
  absl::StrAppend(&out, "  \"duplicate\": ", r.duplicate() ? "true" : "false", ",\n");
  absl::StrAppend(&out, "  \"rejections_truncated\": ", r.rejections_truncated() ? "true" : "false", ",\n");
  out += "  \"rejections\": [";
  for (int i = 0; i < r.rejections_size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "\n    " : ",\n    ", RejectionJson(r.rejections(i)));
  }
  out += r.rejections_size() > 0 ? "\n  ],\n" : "],\n";
  absl::StrAppend(&out, "  \"uploaded_at\": ", JsonQuote(TimeText(uploaded_at)), "\n}\n");
  return out;
}

std::string ReasonText(const absl::Status& why, const std::string& file_name, const std::string& sha256,
                       uint64_t size_bytes, absl::Time failed_at) {
  std::string message(why.message());
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';  // one line per key
  }
  return absl::StrCat("code: ", absl::StatusCodeToString(why.code()), "\nmessage: ", message,
                      "\nfile_name: ", file_name, "\nsha256: ", sha256, "\nsize_bytes: ", size_bytes,
                      "\nfailed_at: ", TimeText(failed_at), "\n");
}

std::string Sha256InRecord(absl::string_view record) {
  std::string hex = HexAfter(record, "\"sha256\": \"");
  if (hex.empty()) hex = HexAfter(record, "\nsha256: ");
  return hex;
}

}  // namespace ingest::bridge
