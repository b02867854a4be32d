#include "server/sink/retention.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/sink/pg_connection.h"

namespace ingest::server {
namespace {

struct Trimmed {
  const char* table;
  // The rows a pass may delete, older than $1 microseconds ago; at most $2 of them.
  const char* statement;
};

constexpr Trimmed kTables[] = {
    {"ingest_batches",
     "DELETE FROM ingest_batches WHERE ctid = ANY (ARRAY(SELECT b.ctid FROM ingest_batches b "
     "WHERE b.committed_at < now() - $1 * interval '1 microsecond' AND b.batch_id < "
     "(SELECT max(n.batch_id) FROM ingest_batches n WHERE n.server_id = b.server_id) LIMIT $2))"},
    {"rejected_events",
     "DELETE FROM rejected_events WHERE ctid = ANY (ARRAY(SELECT ctid FROM rejected_events "
     "WHERE received_at < now() - $1 * interval '1 microsecond' LIMIT $2))"},
    {"ingested_files",
     "DELETE FROM ingested_files WHERE ctid = ANY (ARRAY(SELECT ctid FROM ingested_files "
     "WHERE ingested_at < now() - $1 * interval '1 microsecond' LIMIT $2))"},
};
constexpr int kMaxTransactionsPerTable = 10000;

}  // namespace

uint64_t RetentionPass::total() const {
  uint64_t n = 0;
  for (const auto& [table, rows] : deleted) n += rows;
  return n;
}

std::string RetentionPass::Summary() const {
  return absl::StrJoin(deleted, ", ", [](std::string* out, const auto& entry) {
    absl::StrAppend(out, entry.second, " of ", entry.first);
  });
}

struct Retention::Session {
  explicit Session(std::string conninfo) : conn(std::move(conninfo)) {}
  PgConnection conn;
};

Retention::Retention(std::string conninfo, absl::Duration keep, int64_t rows_per_transaction)
    : session_(std::make_unique<Session>(std::move(conninfo))),
      keep_(keep),
      rows_per_transaction_(rows_per_transaction) {}

Retention::~Retention() = default;

absl::StatusOr<RetentionPass> Retention::Run() {
  RetentionPass pass;
  for (const Trimmed& t : kTables) {
    uint64_t& deleted = pass.deleted[t.table];
    for (int i = 0; i < kMaxTransactionsPerTable; ++i) {
      uint64_t rows = 0;
      absl::Status st = session_->conn.Run(std::string("trimming ") + t.table, [&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        rows = tx.exec_params(t.statement, absl::ToInt64Microseconds(keep_), rows_per_transaction_)
                   .affected_rows();
        tx.commit();
      });
      if (!st.ok()) return st;
      ++pass.transactions;
      deleted += rows;
      if (rows < static_cast<uint64_t>(rows_per_transaction_)) break;
    }
  }
  return pass;
}

}  // namespace ingest::server
