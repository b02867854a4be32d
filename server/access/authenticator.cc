#include "server/access/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace ingest::server {
namespace {

constexpr absl::string_view kScheme = "bearer ";

// Equal-length strings compared without an early exit.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

absl::Status NoToken() {
  return absl::UnauthenticatedError(
      "this server requires a bearer token (metadata \"authorization: Bearer TOKEN\"); pass --token-file "
      "FILE with a token from the server's --auth-tokens file");
}

}  // namespace

bool Grant::Allows(absl::string_view id) const { return prefix_ == "*" || absl::StartsWith(id, prefix_); }

absl::Status Grant::Check(absl::string_view what, absl::string_view id) const {
  if (Allows(id)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(what, " '", id, "' is outside this token's producer prefix '", prefix_, "'"));
}

std::shared_ptr<const Grant> Grant::Open() {
  static const auto* open = new std::shared_ptr<const Grant>(std::make_shared<Grant>("*", true));
  return *open;
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Load(const std::string& path) {
  auto auth = std::make_unique<Authenticator>(path);
  absl::StatusOr<size_t> loaded = auth->Reload();
  if (!loaded.ok()) return loaded.status();
  if (*loaded == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token file ", path, " lists no token: every call would be refused"));
  }
  return auth;
}

absl::StatusOr<size_t> Authenticator::Reload() {
  auto parsed = ReadTokenFile(path_);
  if (!parsed.ok()) return parsed.status();
  absl::MutexLock lock(&mu_);
  Install(*parsed);
  return entries_.size();
}

void Authenticator::Install(const std::vector<TokenEntry>& parsed) {
  std::vector<Entry> next;
  next.reserve(parsed.size());
  for (const TokenEntry& t : parsed) {
    std::shared_ptr<Grant> grant;
    for (Entry& old : entries_) {  // an unchanged token keeps its grant, so its calls go on
      if (old.grant && old.digest == t.digest && old.grant->prefix() == t.prefix &&
          old.grant->admin() == t.admin) {
        grant = std::move(old.grant);
      }
    }
    if (!grant) {
      grant = std::make_shared<Grant>(t.prefix, t.admin,
                                      "token:" + absl::BytesToHexString(t.digest.substr(0, 8)));
    }
    next.push_back({t.digest, std::move(grant)});
  }
  for (Entry& old : entries_) {
    if (old.grant) old.grant->Revoke();  // dropped or changed: its calls end at their next message
  }
  entries_ = std::move(next);
}

absl::StatusOr<std::shared_ptr<Grant>> Authenticator::Check(absl::string_view token) const {
  const std::string digest = Sha256Digest(token);
  std::shared_ptr<Grant> found;
  absl::MutexLock lock(&mu_);
  for (const Entry& e : entries_) {  // every entry, so the time does not say which one matched
    if (ConstantTimeEquals(e.digest, digest)) found = e.grant;
  }
  if (!found) {
    return absl::UnauthenticatedError(
        "the bearer token is not in the server's --auth-tokens file (mistyped, or removed from it)");
  }
  return found;
}

absl::StatusOr<std::shared_ptr<Grant>> Authenticator::Authenticate(const Metadata& metadata) const {
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return NoToken();
  absl::string_view value(it->second.data(), it->second.size());
  if (value.size() <= kScheme.size() || !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "the authorization metadata is not \"Bearer TOKEN\"; pass the token with --token-file FILE");
  }
  return Check(absl::StripAsciiWhitespace(value.substr(kScheme.size())));
}

absl::Status Authenticator::AuthenticateAdmin(const Metadata& metadata) const {
  auto grant = Authenticate(metadata);
  if (!grant.ok()) return grant.status();
  if (!(*grant)->admin()) {
    return absl::PermissionDeniedError(
        "this token may not call the AdminService: mark it \"admin\" in the server's --auth-tokens file, "
        "or use the admin unix socket");
  }
  return absl::OkStatus();
}

}  // namespace ingest::server
