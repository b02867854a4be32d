// Retention (server/sink/retention.h) against a real PostgreSQL: the bookkeeping rows older than
// the retention are deleted, a few per transaction, the newer ones and each server's newest batch
// stay, and the events are never touched.
#include "server/sink/retention.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "server/sink/database_migration.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::TestDatabase;

// Rows of every bookkeeping table, `age` old, named with `tag`.
void AddRows(TestDatabase& db, const std::string& server, int first_batch, int count,
             const std::string& age) {
  for (int i = 0; i < count; ++i) {
    const std::string n = std::to_string(first_batch + i);
    db.Query(absl::StrCat("INSERT INTO ingest_batches (server_id, batch_id, committed_at) VALUES ('", server,
                          "', ", n, ", now() - interval '", age, "')"));
    db.Query(absl::StrCat("INSERT INTO rejected_events (server_id, batch_id, code, received_at) VALUES ('",
                          server, "', ", n, ", 'missing_field', now() - interval '", age, "')"));
    db.Query(absl::StrCat("INSERT INTO ingested_files (sha256, file_name, ingested_at) VALUES (lpad('",
                          server, n, "', 64, '0'), 'f", n, ".csv', now() - interval '", age, "')"));
  }
}

TEST(RetentionTest, DeletesOnlyWhatIsOlderThanTheRetentionAFewRowsATransaction) {
  TestDatabase db;
  if (!db.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
  ASSERT_TRUE(MigrateDatabase(MigrateRequest{db.conninfo(), ""}).ok());
  AddRows(db, "a", 1, 7, "3 days");  // old
  AddRows(db, "a", 8, 2, "1 hour");  // recent
  AddRows(db, "b", 1, 3, "3 days");  // server b: all old, its newest batch must stay
  db.Query(
      "INSERT INTO user_events (event_id, user_id, event_type, product_id, product_price, total_price, "
      "event_timestamp, event_date, source, batch_id, created_at) VALUES ('old-1', 'u', 'view', 'p', 1, 1, "
      "now() - interval '3 days', current_date - 3, 'stream', 1, now() - interval '3 days')");

  Retention retention(db.conninfo(), absl::Hours(48), /*rows_per_transaction=*/3);
  auto pass = retention.Run();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->deleted.at("ingest_batches"), 9u) << "a's 7 old and b's 2 older ones";
  EXPECT_EQ(pass->deleted.at("rejected_events"), 10u);
  EXPECT_EQ(pass->deleted.at("ingested_files"), 10u);
  EXPECT_EQ(pass->Summary(), "9 of ingest_batches, 10 of ingested_files, 10 of rejected_events");
  EXPECT_GE(pass->transactions, 3 + 4 + 4) << "3 rows a transaction: 9 rows take 3 full ones and a last";

  EXPECT_EQ(db.Scalar("SELECT string_agg(server_id || batch_id, ',' ORDER BY server_id, batch_id) "
                      "FROM ingest_batches"),
            "a8,a9,b3")
      << "the recent rows, and server b's newest batch (its next start reads its last batch id there)";
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM rejected_events"), "2");
  EXPECT_EQ(db.Scalar("SELECT string_agg(file_name, ',' ORDER BY file_name) FROM ingested_files"),
            "f8.csv,f9.csv");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM user_events"), "1") << "events are never deleted";

  auto again = retention.Run();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->deleted.at("ingest_batches") + again->deleted.at("rejected_events") +
                again->deleted.at("ingested_files"),
            0u);
}

TEST(RetentionTest, AnUnreachableDatabaseIsAnError) {
  Retention retention("host=127.0.0.1 port=1 dbname=none connect_timeout=2", absl::Hours(48));
  auto pass = retention.Run();
  EXPECT_FALSE(pass.ok());
}

}  // namespace
}  // namespace ingest::server
