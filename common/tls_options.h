// The TLS flags every client binary takes (contract, "Security"): event-generator, file-bridge
// and ingest-admin.
#pragma once

#include <CLI/CLI.hpp>

#include "common/tls_credentials.h"

namespace ingest {

inline void AddClientTlsOptions(CLI::App& app, TlsFiles& tls) {
  app.add_option("--tls-ca", tls.ca, "PEM CA certificate to trust: turns TLS on")->type_name("FILE");
  app.add_option("--tls-cert", tls.cert, "PEM client certificate, for a server that requires one (mTLS)")
      ->type_name("FILE");
  app.add_option("--tls-key", tls.key, "PEM private key of --tls-cert")->type_name("FILE");
}

}  // namespace ingest
