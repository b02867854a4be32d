// The raw_events view (sql/005_raw_events_view.sql) against a real PostgreSQL: what a user of the
// seed pipeline's raw_events variant reads from it once the server stored events of every type,
// its columns and types as the contract names them, and that the serving role may read it but
// not write through it, also when the view came with an upgrade.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "migrations_data.h"
#include "server/sink/database_migration.h"
#include "server/sink/postgres_sink.h"
#include "tests/testing/sample_batch.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::SampleBatch;
using ingest::testing::SampleItem;
using ingest::testing::SampleRow;
using ingest::testing::TestDatabase;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

EventRow Row(const std::string& id, const std::string& type, int64_t cents, int32_t quantity, int minute,
             const std::string& session, const std::string& device) {
  EventRow r = SampleRow(id, cents, quantity);
  r.user_id = "user_" + id;
  r.product_id = "prod_" + id;
  r.event_type = type;
  r.event_time_us += int64_t{minute} * 60 * 1000 * 1000;  // 2025-03-02 01:30:00.123456 UTC + minutes
  r.session_id = session;
  r.device_type = device;
  return r;
}

// One event of each of the six types; empty session and device are stored as NULL.
std::vector<EventRow> EveryType() {
  return {Row("e1", "view", 1299, 1, 1, "sess_1", "mobile"),
          Row("e2", "add_to_cart", 500, 2, 2, "", ""),
          Row("e3", "remove_from_cart", 500, 2, 3, "", ""),
          Row("e4", "purchase", 250, 3, 4, "sess_4", "desktop"),
          Row("e5", "wishlist", 7000, 1, 5, "sess_5", "tablet"),
          Row("e6", "click", 99, 2, 6, "", "")};
}

// SELECT * FROM raw_events as a user sees it, in UTC: e1 (view), e4 (purchase, as buy), e6 (click).
Rows Expected() {
  return {
      {"e1", "user_e1", "view", "prod_e1", "12.99", "2025-03-02 01:31:00.123456+00", "1", "sess_1", "mobile",
       "12.99", "2025-03-02"},
      {"e4", "user_e4", "buy", "prod_e4", "2.50", "2025-03-02 01:34:00.123456+00", "3", "sess_4", "desktop",
       "7.50", "2025-03-02"},
      {"e6", "user_e6", "click", "prod_e6", "0.99", "2025-03-02 01:36:00.123456+00", "2", "NULL", "NULL",
       "1.98", "2025-03-02"},
  };
}

// Every row of `sql` as text (NULL as "NULL"), read as the role of `conninfo` with TimeZone UTC.
Rows Read(const std::string& conninfo, const std::string& sql) {
  pqxx::connection conn(conninfo);
  pqxx::work tx(conn);
  tx.exec("SET TIME ZONE 'UTC'");
  Rows rows;
  for (const auto& row : tx.exec(sql)) {
    std::vector<std::string>& out = rows.emplace_back();
    for (const auto& field : row) out.push_back(field.is_null() ? "NULL" : field.as<std::string>());
  }
  return rows;
}

// Runs `sql` as the role of `conninfo`: "" when it succeeded, else PostgreSQL's error.
std::string ErrorOf(const std::string& conninfo, const std::string& sql) {
  try {
    pqxx::connection conn(conninfo);
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Stores EveryType() the way the server does: as micro-batch 1 through PostgresSink.
void StoreEveryType(const std::string& conninfo) {
  PostgresSink sink(PostgresSinkOptions{conninfo, "server-a"});
  ASSERT_TRUE(sink.Prepare().ok());
  auto result = sink.Write(SampleBatch(1, {SampleItem("gen-1", 1, EveryType())}));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->inserted, 6u);
}

TEST(RawEventsViewTest, ShowsViewClickAndPurchaseAsBuyAndNothingElse) {
  TestDatabase db;
  if (!db.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
  ASSERT_NO_FATAL_FAILURE(StoreEveryType(db.conninfo()));
  EXPECT_EQ(Read(db.conninfo(), "SELECT * FROM raw_events ORDER BY event_id"), Expected());
  // The other types are stored all the same, and user_events keeps its own word for a purchase.
  EXPECT_EQ(Read(db.conninfo(), "SELECT event_id, event_type FROM user_events ORDER BY event_id"),
            (Rows{{"e1", "view"},
                  {"e2", "add_to_cart"},
                  {"e3", "remove_from_cart"},
                  {"e4", "purchase"},
                  {"e5", "wishlist"},
                  {"e6", "click"}}));
  // The variant's own queries: counts by type, revenue from buy; it never saw the word purchase.
  EXPECT_EQ(Read(db.conninfo(),
                 "SELECT event_type, count(*), sum(total_price) FROM raw_events "
                 "GROUP BY event_type ORDER BY event_type"),
            (Rows{{"buy", "1", "7.50"}, {"click", "1", "1.98"}, {"view", "1", "12.99"}}));
  EXPECT_EQ(db.Scalar("SELECT sum(total_price) FROM raw_events WHERE event_type = 'buy'"), "7.50");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM raw_events WHERE event_type = 'purchase'"), "0");
}

TEST(RawEventsViewTest, HasTheContractsColumnsAndIsMigrationFive) {
  TestDatabase db;
  if (!db.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
  ASSERT_TRUE(MigrateDatabase(MigrateRequest{db.conninfo(), ""}).ok());
  EXPECT_EQ(
      Read(db.conninfo(),
           "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
           "WHERE attrelid = 'raw_events'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
      (Rows{{"event_id", "character varying(50)"},
            {"user_id", "character varying(50)"},
            {"event_type", "character varying(20)"},
            {"product_id", "character varying(50)"},
            {"price", "numeric(10,2)"},
            {"timestamp", "timestamp with time zone"},
            {"quantity", "integer"},
            {"session_id", "character varying(50)"},
            {"device_type", "character varying(20)"},
            {"total_price", "numeric(18,2)"},
            {"event_date", "date"}}));
  EXPECT_EQ(db.Scalar("SELECT table_type FROM information_schema.tables WHERE table_name = 'raw_events'"),
            "VIEW");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM schema_migrations WHERE version = 5"), "1");
  bool embedded = false;
  for (const auto& m : sql::Migrations()) embedded |= m.version == 5 && m.name == "005_raw_events_view.sql";
  EXPECT_TRUE(embedded) << "005_raw_events_view.sql is not among the migrations built into the server";
}

class RawEventsServingRoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    const char* dsn = std::getenv("INGEST_TEST_SERVING_DSN");
    if (dsn == nullptr || *dsn == '\0')
      GTEST_SKIP() << "INGEST_TEST_SERVING_DSN is not set; run scripts/test.sh";
    serving_ = std::string(dsn) + " dbname=" + db_.Scalar("SELECT current_database()");
    role_ = pqxx::connection(serving_).username();
  }

  // The serving role reads the rows and is refused every write, which leaves them as they were.
  void ExpectReadOnlyForTheServingRole() {
    EXPECT_EQ(Read(serving_, "SELECT * FROM raw_events ORDER BY event_id"), Expected());
    for (const char* sql : {"INSERT INTO raw_events (event_id) VALUES ('e7')",
                            "UPDATE raw_events SET quantity = 9", "DELETE FROM raw_events"}) {
      EXPECT_THAT(ErrorOf(serving_, sql), HasSubstr("permission denied for view raw_events")) << sql;
    }
    EXPECT_EQ(Read(db_.conninfo(), "SELECT * FROM raw_events ORDER BY event_id"), Expected());
    EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "6");
    const std::string who = "'" + role_ + "'";
    EXPECT_EQ(db_.Scalar("SELECT has_table_privilege(" + who + ", 'raw_events', 'SELECT')"), "t");
    for (const char* privilege : {"INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}) {
      EXPECT_EQ(db_.Scalar("SELECT has_table_privilege(" + who + ", 'raw_events', '" + privilege + "')"), "f")
          << privilege;
    }
  }

  TestDatabase db_;
  std::string serving_;
  std::string role_;
};

TEST_F(RawEventsServingRoleTest, ReadsButCannotChangeItAfterMigrateGrantTo) {
  ASSERT_TRUE(MigrateDatabase(MigrateRequest{db_.conninfo(), role_}).ok());
  ASSERT_NO_FATAL_FAILURE(StoreEveryType(serving_));  // the server, serving as that role, stores them
  ExpectReadOnlyForTheServingRole();
}

// operations.md, "Upgrading": a database at version 4 whose serving role has its grants gets the
// view from `ingest-server migrate --grant-to`, and the serving role gets SELECT on it, nothing more.
TEST_F(RawEventsServingRoleTest, ReadsButCannotChangeItAfterAnUpgradeFromVersionFour) {
  ASSERT_TRUE(MigrateDatabase(MigrateRequest{db_.conninfo(), role_}).ok());
  db_.Query("DROP VIEW raw_events; DELETE FROM schema_migrations WHERE version = 5");
  auto upgrade = MigrateDatabase(MigrateRequest{db_.conninfo(), role_});
  ASSERT_TRUE(upgrade.ok()) << upgrade.status();
  EXPECT_EQ(upgrade->applied, std::vector<int>{5});
  ASSERT_NO_FATAL_FAILURE(StoreEveryType(serving_));
  ExpectReadOnlyForTheServingRole();
}

}  // namespace
}  // namespace ingest::server
