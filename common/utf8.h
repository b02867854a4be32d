// UTF-8 checks for text that goes into the database.
#pragma once

#include "absl/strings/string_view.h"

namespace ingest {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(absl::string_view text);

// True when `text` is valid UTF-8 without NUL characters: what a PostgreSQL text column can
// hold (the contract's rule for every text field).
bool IsStorableText(absl::string_view text);

// The longest prefix of `text` of at most `max_bytes` that does not cut a UTF-8 sequence.
absl::string_view TruncateUtf8(absl::string_view text, size_t max_bytes);

}  // namespace ingest
