#include "server/sink/postgres_sink.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/failpoint.h"
#include "common/logging.h"
#include "server/sink/migrations.h"
#include "server/sink/parted_write.h"
#include "server/sink/pg_connection.h"
#include "server/sink/staging.h"

namespace ingest::server {

struct PostgresSink::Connections {
  Connections(const std::string& conninfo, int count, bool update_on_conflict) : lookup(conninfo) {
    auto setup = [update_on_conflict](pqxx::connection& conn) {
      CreateStagingTables(conn, update_on_conflict);
    };
    for (int i = 0; i < std::max(1, count); ++i) {
      writers.push_back(std::make_unique<PgConnection>(conninfo, setup));
    }
  }
  absl::Mutex write_mu;  // serialises batch writes (the batch writer's and recovery's)
  std::vector<std::unique_ptr<PgConnection>> writers ABSL_GUARDED_BY(write_mu);
  absl::Mutex lookup_mu;  // serialises the connection for migrations and producers' state
  PgConnection lookup ABSL_GUARDED_BY(lookup_mu);
};

PostgresSink::PostgresSink(PostgresSinkOptions options)
    : options_(std::move(options)),
      db_(std::make_unique<Connections>(options_.conninfo, options_.writers, options_.update_on_conflict)) {}

PostgresSink::~PostgresSink() = default;

absl::Status PostgresSink::Prepare() {
  absl::MutexLock lock(&db_->lookup_mu);
  std::vector<int> applied;
  absl::Status migrated;
  absl::Status st = db_->lookup.Run("preparing the database", [&](pqxx::connection& conn) {
    auto result = PrepareSchema(conn);
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

namespace {

// What a write that stores nothing reports: every valid event inserted, committed now.
CommitResult Discarded(const SealedBatch& batch) {
  CommitResult result;
  result.rejected = static_cast<uint32_t>(batch.RejectCount());
  result.inserted = static_cast<uint32_t>(batch.EventCount()) - result.rejected;
  result.committed_at_us = absl::ToUnixMicros(absl::Now());
  return result;
}

}  // namespace

absl::StatusOr<CommitResult> PostgresSink::Write(const SealedBatch& batch) {
  // Test builds only (common/failpoint.h): the batch is dropped as if committed, so that
  // bench/ingest_path.sh times the ingest path in its steady state — windows sealed, written and
  // freed, the log's segments removed — without PostgreSQL's cost.
  if (FailpointArmed("sink_discard")) return Discarded(batch);
  absl::MutexLock lock(&db_->write_mu);
  return WriteInParts(db_->writers, batch,
                      BatchTransactionOptions{options_.server_id, options_.update_on_conflict});
}

absl::StatusOr<std::optional<ProducerRecord>> PostgresSink::LoadProducer(const std::string& producer_id) {
  return ReadProducer(producer_id, false);
}

absl::StatusOr<std::optional<ProducerRecord>> PostgresSink::ClaimProducer(const std::string& producer_id) {
  return ReadProducer(producer_id, true);
}

// The producer's row (locked when claiming, so two servers claiming at once take turns), its
// acks, and with `claim` producers.server_id set to this server, the row made if there is none.
absl::StatusOr<std::optional<ProducerRecord>> PostgresSink::ReadProducer(const std::string& producer_id,
                                                                         bool claim) {
  absl::MutexLock lock(&db_->lookup_mu);
  std::optional<ProducerRecord> record;
  absl::Status st =
      db_->lookup.Run(claim ? "claiming producer" : "loading producer state", [&](pqxx::connection& conn) {
        record.reset();
        pqxx::work tx(conn);
        auto head = tx.exec_params(
            std::string("SELECT coalesce(last_sequence, 0), last_seen < now() - $2 * interval '1 second', "
                        "server_id IS NOT NULL AND server_id <> $3, server_id FROM producers WHERE "
                        "producer_id = $1") +
                (claim ? " FOR UPDATE" : ""),
            producer_id, absl::ToInt64Seconds(options_.producer_ttl), options_.server_id);
        const bool expired = !head.empty() && head[0][1].as<bool>(false);
        if (expired) {  // idle past the TTL: forget it, its next sequence starts afresh
          tx.exec_params("DELETE FROM producers WHERE producer_id = $1", producer_id);
        }
        if (claim) {
          tx.exec_params(
              "INSERT INTO producers (producer_id, last_seen, server_id) VALUES ($1, now(), $2) "
              "ON CONFLICT (producer_id) DO UPDATE SET server_id = EXCLUDED.server_id",
              producer_id, options_.server_id);
        }
        if (head.empty() || expired) {
          tx.commit();
          return;
        }
        ProducerRecord r;
        r.last_sequence = head[0][0].as<uint64_t>();
        r.taken_elsewhere = claim && head[0][2].as<bool>();
        if (r.taken_elsewhere) r.taken_from = head[0][3].as<std::string>();
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
  absl::MutexLock lock(&db_->lookup_mu);
  uint64_t last = 0;
  absl::Status st = db_->lookup.Run("reading the last batch id", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    auto r = tx.exec_params("SELECT coalesce(max(batch_id), 0) FROM ingest_batches WHERE server_id = $1",
                            options_.server_id);
    last = r[0][0].as<uint64_t>();
  });
  if (!st.ok()) return st;
  return last;
}

}  // namespace ingest::server
