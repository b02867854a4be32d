// The --auth-tokens file (contract, "Security"): one token a line, `TOKEN PRODUCER_PREFIX [admin]`,
// blank lines and `#` comments ignored, a token at least 16 characters. Only each token's SHA-256
// is kept, so the tokens themselves are never held longer than the parse, nor logged.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ingest::server {

inline constexpr size_t kMinTokenChars = 16;

struct TokenEntry {
  std::string digest;  // SHA-256 of the token, 32 raw bytes
  std::string prefix;  // producer ids and uploaded event ids must start with it; "*" allows any
  bool admin = false;  // may also call the AdminService
  int line = 0;        // in the file, for messages that must not show the token
};

// The entries of `text`, read from `path` (named in errors). InvalidArgument naming PATH:LINE and
// what is wrong, never the token itself.
absl::StatusOr<std::vector<TokenEntry>> ParseTokenFile(absl::string_view text, const std::string& path);

// Reads and parses the file at `path`.
absl::StatusOr<std::vector<TokenEntry>> ReadTokenFile(const std::string& path);

}  // namespace ingest::server
