// ServerAccess: the security settings of the command line, loaded once at start (contract,
// "Security"): the listeners' TLS credentials and the bearer tokens. Anything wrong with them stops
// the server before it touches its checkpoint dir or the database (exit 2).
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "server/access/authenticator.h"
#include "server/server_config.h"

namespace ingest::server {

struct ServerAccess {
  std::shared_ptr<grpc::ServerCredentials> tls;  // the ingest listener's, and a TCP admin listener's
  std::shared_ptr<Authenticator> tokens;         // --auth-tokens; null: calls need no token
};

// The PEM files and the token file read and checked; InvalidArgument naming the flag and file, or a
// plaintext listener other machines can reach without --allow-insecure.
absl::StatusOr<ServerAccess> LoadServerAccess(const ServerConfig& config);

}  // namespace ingest::server
