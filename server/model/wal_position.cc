#include "server/model/wal_position.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ingest::server {

std::string WalPosition::ToString() const { return absl::StrCat(segment, ":", offset); }

absl::StatusOr<WalPosition> ParseWalPosition(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  WalPosition pos;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &pos.segment) ||
      !absl::SimpleAtoi(parts[1], &pos.offset)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a log position (SEGMENT:OFFSET, e.g. 3:4096)"));
  }
  return pos;
}

}  // namespace ingest::server
