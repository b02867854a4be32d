#include "server/access/token_file.h"

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/sha256.h"

namespace ingest::server {

absl::StatusOr<std::vector<TokenEntry>> ParseTokenFile(absl::string_view text, const std::string& path) {
  std::vector<TokenEntry> entries;
  absl::flat_hash_set<std::string> seen;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](const std::string& what) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": ", what, " (each line: TOKEN PRODUCER_PREFIX [admin])"));
    };
    if (fields.size() < 2) return bad("a token needs a producer prefix after it (\"*\" allows any)");
    if (fields.size() > 3) return bad("more than three fields");
    if (fields.size() == 3 && fields[2] != "admin") {
      return bad(absl::StrCat("the third field may only be \"admin\", not \"", fields[2], "\""));
    }
    if (fields[0].size() < kMinTokenChars) {
      return bad(absl::StrCat("the token has ", fields[0].size(), " characters; at least ", kMinTokenChars,
                              " are needed"));
    }
    TokenEntry entry{Sha256Digest(fields[0]), std::string(fields[1]), fields.size() == 3, number};
    if (!seen.insert(entry.digest).second) return bad("the same token is listed twice");
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<TokenEntry>> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read the token file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("cannot read the token file ", path));
  return ParseTokenFile(text.str(), path);
}

}  // namespace ingest::server
