// How a client reaches the server (contract, "Security"): its channel credentials (plaintext or
// TLS, from --tls-ca/--tls-cert/--tls-key) and its bearer token (from --token-file, never from the
// command line), loaded once at start. Every client binary makes its channels with
// MakeClientChannel, which sends the token as `authorization: Bearer TOKEN` on every call.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/tls_credentials.h"

namespace ingest {

struct ClientAccess {
  std::shared_ptr<grpc::ChannelCredentials> credentials;  // null: plaintext
  std::string token;                                      // empty: no token sent
};

// The first line of the token file at `path`, trimmed; InvalidArgument naming --token-file and the
// file when it cannot be read or its first line is empty.
absl::StatusOr<std::string> ReadBearerToken(const std::string& path);

// The PEM files and the token file read and checked.
absl::StatusOr<ClientAccess> LoadClientAccess(const TlsFiles& tls, const std::string& token_file);

// A channel to `target` with `access`'s credentials, adding its token to every call.
std::shared_ptr<grpc::Channel> MakeClientChannel(const std::string& target, const ClientAccess& access,
                                                 const grpc::ChannelArguments& args = {});

}  // namespace ingest
