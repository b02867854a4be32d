// TLS for the gRPC listeners and clients (contract, "Security"): PEM files read once at start,
// turned into gRPC's own credentials. Servers: --tls-cert/--tls-key, and --tls-client-ca to
// require client certificates (mTLS). Clients: --tls-ca turns TLS on, --tls-cert/--tls-key present
// a client certificate.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace ingest {

// Paths of PEM files; empty: not given.
struct TlsFiles {
  std::string ca;    // clients: the CA to trust; servers: the CA client certificates must chain to
  std::string cert;  // this side's certificate (chain)
  std::string key;   // its private key
  bool On() const { return !ca.empty() || !cert.empty(); }
};

// What is wrong with a combination of the flags (e.g. a certificate without its key), naming the
// flags; OK when usable. `side` is "server" or "client".
absl::Status CheckTlsFlags(const TlsFiles& files, const std::string& side);

// A client's credentials: plaintext when no file is given, else TLS trusting `ca` (the system's
// roots when empty), presenting `cert`/`key` when given. InvalidArgument naming a file that
// cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(const TlsFiles& files);

// A listener's credentials: plaintext when no certificate is given, else TLS with `cert`/`key`,
// requiring and verifying a client certificate signed by `ca` when it is given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const TlsFiles& files);

// What to try when a connection failed with `error` in a way a TLS mismatch causes (the server
// closed the socket during the handshake, or the handshake failed), given the client's TLS
// flags; empty for other errors. Starts with "; ".
std::string TlsHint(const TlsFiles& files, absl::string_view error);

// True for an address only this machine can reach: a unix socket, localhost, 127.0.0.0/8, ::1.
bool IsLocalOnly(const std::string& address);

}  // namespace ingest
