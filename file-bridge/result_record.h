// The small files written next to a moved file: `<name>.result.json` beside an archived upload
// and `<name>.reason` beside a refused one. Both name the file's sha256, which tells the mover
// whether an existing record describes the same content.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::bridge {

// A JSON object: file_name, sha256, size_bytes, accepted, rejected, duplicate,
// rejections_truncated, rejections (as the server listed them) and uploaded_at (UTC).
std::string ResultJson(const v1::UploadResult& result, uint64_t size_bytes, absl::Time uploaded_at);

// Lines "key: value": code (e.g. INVALID_ARGUMENT), message, file_name, sha256, size_bytes, failed_at.
std::string ReasonText(const absl::Status& why, const std::string& file_name, const std::string& sha256,
                       uint64_t size_bytes, absl::Time failed_at);

// The sha256 named in a record written by ResultJson or ReasonText; empty when there is none.
std::string Sha256InRecord(absl::string_view record);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

// 2026-01-01T00:00:00.000Z
std::string TimeText(absl::Time t);

}  // namespace ingest::bridge
