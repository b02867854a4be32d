#include "server/server_access.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/tls_credentials.h"

namespace ingest::server {
namespace {

absl::Status CheckPlaintext(const ServerConfig& config) {
  if (!config.tls.cert.empty() || config.allow_insecure) return absl::OkStatus();
  for (const auto& [flag, address] : {std::pair<std::string, std::string>{"--listen", config.listen},
                                      {"--admin-listen", config.admin_listen}}) {
    if (!IsLocalOnly(address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, " ", address,
          " can be reached from other machines and TLS is off: pass --tls-cert and --tls-key, or "
          "--allow-insecure to serve plaintext anyway"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerAccess> LoadServerAccess(const ServerConfig& config) {
  if (absl::Status st = CheckTlsFlags(config.tls, "server"); !st.ok()) return st;
  if (absl::Status st = CheckPlaintext(config); !st.ok()) return st;
  ServerAccess access;
  auto tls = ServerCredentials(config.tls);
  if (!tls.ok()) return tls.status();
  access.tls = std::move(*tls);
  if (!config.auth_tokens.empty()) {
    auto tokens = Authenticator::Load(config.auth_tokens);
    if (!tokens.ok())
      return absl::InvalidArgumentError(absl::StrCat("--auth-tokens: ", tokens.status().message()));
    access.tokens = std::move(*tokens);
  }
  return access;
}

}  // namespace ingest::server
