#include "server/sink/pg_connection.h"

#include <pqxx/pqxx>

#include "server/sink/pg_errors.h"

namespace ingest::server {

PgConnection::PgConnection(std::string conninfo, Setup setup)
    : conninfo_(std::move(conninfo)), setup_(std::move(setup)) {}

PgConnection::~PgConnection() = default;

absl::Status PgConnection::Attempt(const std::string& doing,
                                   const std::function<void(pqxx::connection&)>& fn) {
  absl::Status st = CatchPg(doing, [&] {
    if (conn_ && !conn_->is_open()) conn_.reset();
    if (!conn_) {
      auto conn = std::make_unique<pqxx::connection>(conninfo_);
      if (setup_) setup_(*conn);
      conn_ = std::move(conn);
    }
    fn(*conn_);
  });
  // Any failure may leave the session in an unknown state (aborted COPY, lost socket): start over.
  if (!st.ok()) conn_.reset();
  return st;
}

absl::Status PgConnection::Ping() {
  return Run("checking that PostgreSQL answers", [](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT 1");
  });
}

absl::Status PgConnection::Run(const std::string& doing, const std::function<void(pqxx::connection&)>& fn) {
  const bool kept = conn_ != nullptr;
  absl::Status st = Attempt(doing, fn);
  // A connection kept from before a PostgreSQL restart fails on its first use; a new one tells a
  // dead session from a dead server, so callers see an error only when PostgreSQL is really away.
  if (!st.ok() && kept && LostSession(st)) st = Attempt(doing, fn);
  return st;
}

}  // namespace ingest::server
