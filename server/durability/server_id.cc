#include "server/durability/server_id.h"

#include <fstream>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/durable_file.h"

namespace ingest::server {

std::string NewUuid() {
  std::random_device rd;
  uint32_t w[4];
  for (auto& x : w) x = rd();
  w[1] = (w[1] & 0xFFFF0FFF) | 0x00004000;  // version 4
  w[2] = (w[2] & 0x3FFFFFFF) | 0x80000000;  // variant 1
  return absl::StrFormat("%08x-%04x-%04x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xFFFF, w[2] >> 16,
                         w[2] & 0xFFFF, w[3]);
}

absl::StatusOr<std::string> LoadOrCreateServerId(const std::string& dir, const std::string& wanted) {
  if (absl::Status st = MakeDirectories(dir); !st.ok()) {
    return absl::Status(st.code(), absl::StrCat("cannot create the checkpoint directory: ", st.message()));
  }
  const std::string path = dir + "/server_id";
  std::ifstream in(path);
  if (in) {
    std::string id;
    std::getline(in, id);
    id = std::string(absl::StripAsciiWhitespace(id));
    if (!id.empty() && !wanted.empty() && id != wanted) {
      return absl::FailedPreconditionError(
          absl::StrCat("the checkpoint directory ", dir, " belongs to server id '", id, "', not '", wanted,
                       "' (--server-id): its log holds that server's batches; start with --server-id ", id,
                       " or give this server another --checkpoint-dir"));
    }
    if (!id.empty()) return id;
  }
  std::string id = wanted.empty() ? NewUuid() : wanted;
  if (absl::Status st = WriteFileDurably(path, id + "\n"); !st.ok()) return st;
  return id;
}

}  // namespace ingest::server
