#include "server/sink/postgres_sink.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "server/sink/batch_transaction.h"
#include "server/sink/migrations.h"

namespace ingest::server {

PostgresSink::PostgresSink(PostgresSinkOptions options)
    : options_(std::move(options)),
      writer_(options_.conninfo, CreateStagingTables),
      lookup_(options_.conninfo) {}

absl::Status PostgresSink::Prepare() {
  absl::MutexLock lock(&lookup_mu_);
  std::vector<int> applied;
  absl::Status migrated;
  absl::Status st = lookup_.Run("preparing the database", [&](pqxx::connection& conn) {
    auto result = ApplyMigrations(conn);
    if (!result.ok()) {
      migrated = result.status();
      return;
    }
    applied = *result;
    pqxx::work tx(conn);
    tx.exec_params("DELETE FROM producers WHERE last_seen < now() - $1 * interval '1 second'",
                   absl::ToInt64Seconds(options_.producer_ttl));
    tx.commit();
  });
  if (st.ok() && !migrated.ok()) return migrated;
  if (st.ok()) {
    for (int v : applied) Logger("sink")->info("applied schema migration {:03d}", v);
  }
  return st;
}

absl::StatusOr<CommitResult> PostgresSink::Write(const SealedBatch& batch) {
  absl::MutexLock lock(&write_mu_);
  CommitResult result;
  BatchTransactionOptions opts{options_.server_id, options_.update_on_conflict};
  absl::Status st = writer_.Run(absl::StrCat("writing batch ", batch.batch_id),
                                [&](pqxx::connection& conn) { result = WriteBatch(conn, batch, opts); });
  if (!st.ok()) return st;
  return result;
}

absl::StatusOr<std::optional<ProducerRecord>> PostgresSink::LoadProducer(const std::string& producer_id) {
  absl::MutexLock lock(&lookup_mu_);
  std::optional<ProducerRecord> record;
  absl::Status st = lookup_.Run("loading producer state", [&](pqxx::connection& conn) {
    record.reset();
    pqxx::work tx(conn);
    auto head = tx.exec_params(
        "SELECT last_sequence, last_seen < now() - $2 * interval '1 second' FROM producers "
        "WHERE producer_id = $1",
        producer_id, absl::ToInt64Seconds(options_.producer_ttl));
    if (head.empty()) return;
    if (head[0][1].as<bool>()) {  // idle past the TTL: forget it, its next sequence starts afresh
      tx.exec_params("DELETE FROM producers WHERE producer_id = $1", producer_id);
      tx.commit();
      return;
    }
    ProducerRecord r;
    r.last_sequence = head[0][0].as<uint64_t>();
    auto acks = tx.exec_params(
        "SELECT sequence, content_hash, ack FROM producer_acks WHERE producer_id = $1 ORDER BY sequence",
        producer_id);
    for (const auto& row : acks) {
      StoredAck a;
      a.sequence = row[0].as<uint64_t>();
      pqxx::binarystring hash(row[1]);
      a.content_hash = hash.str();
      pqxx::binarystring ack(row[2]);
      a.ack.ParseFromString(ack.str());
      r.acks.push_back(std::move(a));
    }
    tx.commit();
    record = std::move(r);
  });
  if (!st.ok()) return st;
  return record;
}

absl::StatusOr<uint64_t> PostgresSink::LastBatchId() {
  absl::MutexLock lock(&lookup_mu_);
  uint64_t last = 0;
  absl::Status st = lookup_.Run("reading the last batch id", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    auto r = tx.exec_params("SELECT coalesce(max(batch_id), 0) FROM ingest_batches WHERE server_id = $1",
                            options_.server_id);
    last = r[0][0].as<uint64_t>();
  });
  if (!st.ok()) return st;
  return last;
}

}  // namespace ingest::server
