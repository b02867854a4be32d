// The TLS and token flags every client binary takes (contract, "Security"): event-generator, file-bridge
// and ingest-admin.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/tls_credentials.h"

namespace ingest {

inline void AddClientSecurityOptions(CLI::App& app, TlsFiles& tls, std::string& token_file) {
  app.add_option("--tls-ca", tls.ca, "PEM CA certificate to trust: turns TLS on")->type_name("FILE");
  app.add_option("--tls-cert", tls.cert, "PEM client certificate, for a server that requires one (mTLS)")
      ->type_name("FILE");
  app.add_option("--tls-key", tls.key, "PEM private key of --tls-cert")->type_name("FILE");
  app.add_option("--token-file", token_file,
                 "file whose first line is the bearer token, for a server started with --auth-tokens")
      ->type_name("FILE");
}

}  // namespace ingest
