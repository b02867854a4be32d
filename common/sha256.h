// SHA-256 digests (OpenSSL), for batch content hashes and file checksums.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace ingest {

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  std::string Finish();  // 32 raw bytes

 private:
  void* ctx_;  // EVP_MD_CTX
};

std::string Sha256Digest(absl::string_view data);  // 32 raw bytes
std::string ToHex(absl::string_view bytes);        // lowercase

}  // namespace ingest
