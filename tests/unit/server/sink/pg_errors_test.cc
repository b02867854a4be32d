// How a PostgreSQL error is classified: the status code a caller acts on, the SQLSTATE carried
// with it, and whether a new connection may try again — from libpqxx's exceptions, without a
// database.
#include "server/sink/pg_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

namespace ingest::server {
namespace {

using ::testing::HasSubstr;

template <typename E>
absl::Status Translate(const E& e) {
  return PgErrorToStatus(std::make_exception_ptr(e), "writing batch 7");
}

TEST(PgErrorsTest, SqlStateClassesDecideTheKind) {
  EXPECT_EQ(ClassifySqlState("22012"), PgErrorKind::kData);        // division_by_zero
  EXPECT_EQ(ClassifySqlState("23514"), PgErrorKind::kData);        // check_violation
  EXPECT_EQ(ClassifySqlState("08006"), PgErrorKind::kConnection);  // connection_failure
  EXPECT_EQ(ClassifySqlState("40001"), PgErrorKind::kConnection);  // serialization_failure
  EXPECT_EQ(ClassifySqlState("53300"), PgErrorKind::kConnection);  // too_many_connections
  EXPECT_EQ(ClassifySqlState("57P01"), PgErrorKind::kConnection);  // admin_shutdown
  EXPECT_EQ(ClassifySqlState(""), PgErrorKind::kConnection);       // none: the server did not answer
  EXPECT_EQ(ClassifySqlState("42501"), PgErrorKind::kOther);       // insufficient_privilege
  EXPECT_EQ(ClassifySqlState("42P01"), PgErrorKind::kOther);       // undefined_table
  EXPECT_EQ(ClassifySqlState("XX000"), PgErrorKind::kOther);       // internal_error
}

TEST(PgErrorsTest, ADataErrorIsInvalidArgumentWithItsSqlState) {
  absl::Status st =
      Translate(pqxx::check_violation("ERROR:  new row violates check constraint\n", "INSERT", "23514"));
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_EQ(SqlStateOf(st), "23514");
  EXPECT_THAT(
      std::string(st.message()),
      ::testing::StartsWith("writing batch 7: ERROR:  new row violates check constraint [SQLSTATE 23514]"));
  EXPECT_FALSE(LostSession(st));
}

TEST(PgErrorsTest, APermissionOrSchemaErrorIsInternalAndNotRetriedOnANewConnection) {
  absl::Status st =
      Translate(pqxx::insufficient_privilege("ERROR:  permission denied for table user_events", "", "42501"));
  EXPECT_TRUE(absl::IsInternal(st)) << st;
  EXPECT_EQ(SqlStateOf(st), "42501");
  EXPECT_FALSE(LostSession(st));
}

// libpqxx 6.4 throws its specific classes without the SQLSTATE (as the serving role's missing
// grants showed): the class's own code stands in, so a missing grant is not retried as if the
// connection were lost, and a refused row is still set apart as db_refused.
TEST(PgErrorsTest, SpecificClassesThrownWithoutASqlStateCarryTheirOwn) {
  absl::Status denied =
      Translate(pqxx::insufficient_privilege("ERROR:  permission denied for table user_events"));
  EXPECT_TRUE(absl::IsInternal(denied)) << denied;
  EXPECT_EQ(SqlStateOf(denied), "42501");
  EXPECT_THAT(std::string(denied.message()), HasSubstr("[SQLSTATE 42501]"));
  absl::Status unique = Translate(pqxx::unique_violation("ERROR:  duplicate key value"));
  EXPECT_TRUE(absl::IsInvalidArgument(unique)) << unique;
  EXPECT_EQ(SqlStateOf(unique), "23505");
  EXPECT_EQ(SqlStateOf(Translate(pqxx::data_exception("ERROR:  value out of range"))), "22000");
  EXPECT_EQ(SqlStateOf(Translate(pqxx::undefined_table("ERROR:  relation does not exist"))), "42P01");
  absl::Status bare = Translate(pqxx::sql_error("ERROR:  something", "SELECT 1"));
  EXPECT_TRUE(absl::IsUnavailable(bare))
      << "no code and no specific class: as before, the server did not answer";
}

TEST(PgErrorsTest, ALostConnectionIsUnavailableAndALostSession) {
  absl::Status st = Translate(pqxx::broken_connection("server closed the connection unexpectedly"));
  EXPECT_TRUE(absl::IsUnavailable(st)) << st;
  EXPECT_EQ(SqlStateOf(st), "08006");
  EXPECT_THAT(std::string(st.message()), HasSubstr("connection to PostgreSQL lost or refused"));
  EXPECT_TRUE(LostSession(st));
}

TEST(PgErrorsTest, AnAdministratorShutdownEndsTheSessionOnly) {
  absl::Status st =
      Translate(pqxx::sql_error("FATAL:  terminating connection due to administrator command", "", "57P01"));
  EXPECT_TRUE(absl::IsUnavailable(st));
  EXPECT_TRUE(LostSession(st));
  absl::Status cancelled = Translate(pqxx::sql_error("ERROR:  canceling statement", "", "57014"));
  EXPECT_TRUE(absl::IsUnavailable(cancelled));
  EXPECT_FALSE(LostSession(cancelled)) << "the session survives a cancelled statement";
}

TEST(PgErrorsTest, RollbacksWithoutASqlStateCarryTheOneTheyStandFor) {
  absl::Status serialization = Translate(pqxx::serialization_failure("ERROR:  could not serialize access"));
  EXPECT_TRUE(absl::IsUnavailable(serialization)) << serialization;
  EXPECT_EQ(SqlStateOf(serialization), "40001");
  absl::Status deadlock = Translate(pqxx::deadlock_detected("ERROR:  deadlock detected"));
  EXPECT_TRUE(absl::IsUnavailable(deadlock));
  EXPECT_EQ(SqlStateOf(deadlock), "40P01");
  EXPECT_FALSE(LostSession(deadlock));
  absl::Status crowded = Translate(pqxx::too_many_connections("FATAL:  sorry, too many clients already"));
  EXPECT_TRUE(absl::IsUnavailable(crowded));
  EXPECT_EQ(SqlStateOf(crowded), "53300");
}

TEST(PgErrorsTest, AnUnknownOutcomeIsUnavailableButNeverRetriedOnANewConnection) {
  for (const absl::Status& st : {Translate(pqxx::in_doubt_error("connection lost during COMMIT")),
                                 Translate(pqxx::statement_completion_unknown("ERROR:  unknown"))}) {
    EXPECT_TRUE(absl::IsUnavailable(st)) << st;
    EXPECT_EQ(SqlStateOf(st), "");
    EXPECT_FALSE(LostSession(st));
  }
}

TEST(PgErrorsTest, OtherExceptionsAreInternalAndCatchPgCatchesThem) {
  absl::Status st = CatchPg("reading", [] { throw std::runtime_error("bad conversion\nof a field"); });
  EXPECT_TRUE(absl::IsInternal(st));
  EXPECT_EQ(st.message(), "reading: bad conversion of a field");
  EXPECT_TRUE(CatchPg("reading", [] {}).ok());
}

TEST(PgErrorsTest, AStatusWithoutPayloadHasNoSqlState) {
  EXPECT_EQ(SqlStateOf(absl::UnavailableError("writing batch 3: [SQLSTATE 08006]")), "")
      << "the SQLSTATE is read from the payload, never parsed back out of the message";
}

}  // namespace
}  // namespace ingest::server
