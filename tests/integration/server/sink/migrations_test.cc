// The schema and the database roles against a real PostgreSQL: a starting server migrates only
// when its role may, the serving role's grants are exactly what it needs, and libpq settings in
// the connection string reach the connection unchanged.
#include "server/sink/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "migrations_data.h"
#include "server/sink/database_migration.h"
#include "server/sink/pg_connection.h"
#include "server/sink/postgres_sink.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::TestDatabase;
using ::testing::HasSubstr;

int NeededVersion() { return sql::Migrations().back().version; }

// The serving role's conninfo for `db` (INGEST_TEST_SERVING_DSN, a role that owns nothing), or "".
std::string ServingConninfo(TestDatabase& db) {
  const char* dsn = std::getenv("INGEST_TEST_SERVING_DSN");
  if (dsn == nullptr || *dsn == '\0') return "";
  return std::string(dsn) + " dbname=" + db.Scalar("SELECT current_database()");
}

absl::Status Exec(const std::string& conninfo, const std::string& sql) {
  PgConnection conn(conninfo);
  return conn.Run("running a statement", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  });
}

TEST(MigrationsTest, TheOwnerMigratesAtStartAndACurrentSchemaIsLeftAlone) {
  TestDatabase db;
  if (!db.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
  pqxx::connection conn(db.conninfo());
  auto applied = PrepareSchema(conn);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->size(), sql::Migrations().size());
  applied = PrepareSchema(conn);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(applied->empty());
  EXPECT_EQ(*SchemaVersion(conn), NeededVersion());
}

TEST(MigrationsTest, LibpqSettingsInTheConnectionStringReachTheConnection) {
  TestDatabase db;
  if (!db.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
  const std::string conninfo = db.conninfo() + " application_name=ingest_it_passthrough sslmode=disable";
  PostgresSink sink(PostgresSinkOptions{conninfo, "server-a"});
  ASSERT_TRUE(sink.Prepare().ok());
  EXPECT_EQ(db.Scalar("SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = "
                      "'ingest_it_passthrough' AND datname = current_database()"),
            "t");
  EXPECT_EQ(db.Scalar("SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) "
                      "WHERE application_name = 'ingest_it_passthrough' LIMIT 1"),
            "f");
  // The test cluster has no TLS: sslmode=require must fail, which shows it reached libpq.
  auto outcome = MigrateDatabase(MigrateRequest{db.conninfo() + " sslmode=require", ""});
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(std::string(outcome.status().message()), HasSubstr("SSL"));
}

class ServingRoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    serving_ = ServingConninfo(db_);
    if (serving_.empty()) GTEST_SKIP() << "INGEST_TEST_SERVING_DSN is not set; run scripts/test.sh";
    role_ = Role(serving_);
  }
  static std::string Role(const std::string& conninfo) {
    pqxx::connection conn(conninfo);
    return conn.username();
  }
  TestDatabase db_;
  std::string serving_;
  std::string role_;
};

TEST_F(ServingRoleTest, MayNotMigrateAndSaysWhoMust) {
  pqxx::connection conn(serving_);
  auto applied = PrepareSchema(conn);
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kFailedPrecondition) << applied.status();
  EXPECT_THAT(std::string(applied.status().message()),
              HasSubstr("schema is at version 0, this server needs " + std::to_string(NeededVersion()) +
                        ": run `ingest-server migrate --db …` as the owning role"));
  EXPECT_EQ(db_.Scalar("SELECT to_regclass('schema_migrations') IS NULL"), "t");
}

TEST_F(ServingRoleTest, GetsExactlyWhatTheServerNeedsAndNoDdl) {
  auto outcome = MigrateDatabase(MigrateRequest{db_.conninfo(), role_});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->version, NeededVersion());
  EXPECT_EQ(std::to_string(outcome->grants.tables),
            db_.Scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
  EXPECT_EQ(std::to_string(outcome->grants.views),
            db_.Scalar("SELECT count(*) FROM pg_views WHERE schemaname = 'public'"));
  pqxx::connection conn(serving_);
  auto applied = PrepareSchema(conn);  // current: nothing to do, and no DDL needed
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(applied->empty());
  EXPECT_TRUE(Exec(serving_,
                   "INSERT INTO producers (producer_id, last_sequence, last_seen) "
                   "VALUES ('p', 1, now())")
                  .ok());
  EXPECT_TRUE(Exec(serving_, "CREATE TEMP TABLE t (x int)").ok());
  for (const char* sql :
       {"CREATE TABLE intruder (x int)", "DROP TABLE user_events", "ALTER TABLE user_events ADD COLUMN x int",
        "TRUNCATE user_events", "INSERT INTO schema_migrations (version) VALUES (999)"}) {
    absl::Status st = Exec(serving_, sql);
    EXPECT_FALSE(st.ok()) << sql;
    // libpqxx 6.4 leaves the SQLSTATE out of these exceptions; PostgreSQL's words say it.
    EXPECT_THAT(std::string(st.message()),
                ::testing::AnyOf(HasSubstr("permission denied"), HasSubstr("must be owner")))
        << sql;
  }
  const std::string who = "'" + role_ + "'";
  for (const std::string view : {"'event_summary'", "'raw_events'"}) {
    EXPECT_EQ(db_.Scalar("SELECT has_table_privilege(" + who + ", " + view + ", 'SELECT') AND NOT " +
                         "has_table_privilege(" + who + ", " + view + ", 'INSERT,UPDATE,DELETE')"),
              "t")
        << view;
  }
  EXPECT_EQ(db_.Scalar("SELECT has_sequence_privilege(" + who + ", 'user_events_id_seq', 'USAGE')"), "t");
}

TEST_F(ServingRoleTest, PendingMigrationsStopItUntilTheOwnerMigrates) {
  ASSERT_TRUE(MigrateDatabase(MigrateRequest{db_.conninfo(), role_}).ok());
  // Forgets the last migration, which then runs again: every sql/ migration is idempotent.
  const int last = NeededVersion();
  db_.Query("DELETE FROM schema_migrations WHERE version = " + std::to_string(last));
  PostgresSink sink(PostgresSinkOptions{serving_, "server-a"});
  absl::Status st = sink.Prepare();
  ASSERT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("schema is at version " + std::to_string(last - 1) +
                                                   ", this server needs " + std::to_string(last)));
  auto outcome = MigrateDatabase(MigrateRequest{db_.conninfo(), ""});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->applied, std::vector<int>{last});
  EXPECT_TRUE(sink.Prepare().ok());
}

}  // namespace
}  // namespace ingest::server
