// Authenticator: the bearer tokens of --auth-tokens, checked at the start of every call before any
// of its messages is read. gRPC's AuthMetadataProcessor runs only on TLS listeners, and tokens are
// also allowed on a loopback plaintext listener, so the reactors ask this class themselves. The
// file is re-read on SIGHUP; a call whose token was dropped or changed by the re-read is refused at
// its next message. Tokens are compared by SHA-256 digest in constant time, against every entry.
#pragma once

#include <grpcpp/support/string_ref.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/access/token_file.h"

namespace ingest::server {

// What one token allows, shared by the calls that presented it.
class Grant {
 public:
  Grant(std::string prefix, bool admin, std::string client = "")
      : prefix_(std::move(prefix)), admin_(admin), client_(std::move(client)) {}

  const std::string& prefix() const { return prefix_; }
  bool admin() const { return admin_; }
  // Who the token's calls are, for --max-batches-per-second: derived from the token's digest
  // (never the token); empty for the open grant, whose calls count by their address.
  const std::string& client() const { return client_; }
  // A producer id or event id this token may write.
  bool Allows(absl::string_view id) const;
  // OK, or PermissionDenied naming the `what` ("producer_id", "event_id"), the id and the prefix.
  absl::Status Check(absl::string_view what, absl::string_view id) const;
  // Set when a re-read of the file dropped the token or changed what it allows.
  bool revoked() const { return revoked_.load(std::memory_order_relaxed); }
  void Revoke() { revoked_.store(true, std::memory_order_relaxed); }

  // Allows everything: the grant of every call when tokens are off.
  static std::shared_ptr<const Grant> Open();

 private:
  std::string prefix_;
  bool admin_;
  std::string client_;
  std::atomic<bool> revoked_{false};
};

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

class Authenticator {
 public:
  static absl::StatusOr<std::unique_ptr<Authenticator>> Load(const std::string& path);
  explicit Authenticator(std::string path) : path_(std::move(path)) {}

  // Re-reads the file. On error the tokens in force stay and the error is returned; else the
  // number of tokens now in force.
  absl::StatusOr<size_t> Reload();

  // The grant of the call's `authorization: Bearer TOKEN` metadata; Unauthenticated when it is
  // missing, malformed or unknown.
  absl::StatusOr<std::shared_ptr<Grant>> Authenticate(const Metadata& metadata) const;
  // The grant of `token`, or Unauthenticated.
  absl::StatusOr<std::shared_ptr<Grant>> Check(absl::string_view token) const;
  // Authenticate, and PermissionDenied unless the token is marked admin.
  absl::Status AuthenticateAdmin(const Metadata& metadata) const;

  const std::string& path() const { return path_; }

 private:
  struct Entry {
    std::string digest;
    std::shared_ptr<Grant> grant;
  };
  void Install(const std::vector<TokenEntry>& parsed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
