// PgConnection: one libpq connection that reconnects on demand and turns libpqxx exceptions into
// absl::Status. Not thread-safe: each owner serializes its use.
#pragma once

#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>

#include "absl/status/status.h"

namespace ingest::server {

class PgConnection {
 public:
  using Setup = std::function<void(pqxx::connection&)>;

  // `setup` runs on every new connection (e.g. to create temporary tables).
  explicit PgConnection(std::string conninfo, Setup setup = {});
  ~PgConnection();

  // Runs fn on a live connection, connecting first if needed. After an error that may have broken
  // the connection, it is dropped so the next call starts afresh. When a kept connection turns out
  // to have lost its session, fn runs once more on a new one: fn must set its outputs afresh.
  absl::Status Run(const std::string& doing, const std::function<void(pqxx::connection&)>& fn);

  // "SELECT 1": whether PostgreSQL answers on this connection now.
  absl::Status Ping();

  const std::string& conninfo() const { return conninfo_; }

 private:
  absl::Status Attempt(const std::string& doing, const std::function<void(pqxx::connection&)>& fn);

  std::string conninfo_;
  Setup setup_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace ingest::server
