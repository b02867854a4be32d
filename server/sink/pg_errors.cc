#include "server/sink/pg_errors.h"

#include <pqxx/pqxx>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ingest::server {
namespace {

// The payload that carries the SQLSTATE.
constexpr char kSqlStatePayload[] = "type.googleapis.com/ingest.server.SqlState";
// libpqxx 6.4 throws these without a SQLSTATE; the ones they stand for.
constexpr char kConnectionFailure[] = "08006";
constexpr char kTooManyConnections[] = "53300";
constexpr char kSerializationFailure[] = "40001";
constexpr char kDeadlockDetected[] = "40P01";
constexpr char kTransactionRollback[] = "40000";

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

absl::Status WithSqlState(absl::Status status, const std::string& sqlstate) {
  status.SetPayload(kSqlStatePayload, absl::Cord(sqlstate));
  return status;
}

absl::Status SqlErrorToStatus(const pqxx::sql_error& e, const std::string& doing) {
  const std::string state = SqlStateOfError(e);
  const std::string msg = absl::StrCat(doing, ": ", OneLine(e.what()), " [SQLSTATE ", state, "]");
  switch (ClassifySqlState(state)) {
    case PgErrorKind::kConnection:
      return WithSqlState(absl::UnavailableError(msg), state);
    case PgErrorKind::kData:
      return WithSqlState(absl::InvalidArgumentError(msg), state);
    case PgErrorKind::kOther:
      break;
  }
  return WithSqlState(absl::InternalError(msg), state);
}

// The code each libpqxx 6.4 class stands for, most specific first.
template <typename T>
bool Is(const pqxx::sql_error& e) {
  return dynamic_cast<const T*>(&e) != nullptr;
}

const char* CodeOfClass(const pqxx::sql_error& e) {
  if (Is<pqxx::insufficient_privilege>(e)) return "42501";
  if (Is<pqxx::undefined_table>(e)) return "42P01";
  if (Is<pqxx::undefined_column>(e)) return "42703";
  if (Is<pqxx::undefined_function>(e)) return "42883";
  if (Is<pqxx::syntax_error>(e)) return "42601";
  if (Is<pqxx::not_null_violation>(e)) return "23502";
  if (Is<pqxx::foreign_key_violation>(e)) return "23503";
  if (Is<pqxx::unique_violation>(e)) return "23505";
  if (Is<pqxx::check_violation>(e)) return "23514";
  if (Is<pqxx::restrict_violation>(e)) return "23001";
  if (Is<pqxx::integrity_constraint_violation>(e)) return "23000";
  if (Is<pqxx::data_exception>(e)) return "22000";
  if (Is<pqxx::feature_not_supported>(e)) return "0A000";
  if (Is<pqxx::disk_full>(e)) return "53100";
  if (Is<pqxx::out_of_memory>(e)) return "53200";
  if (Is<pqxx::insufficient_resources>(e)) return "53000";
  if (Is<pqxx::invalid_cursor_state>(e)) return "24000";
  if (Is<pqxx::invalid_sql_statement_name>(e)) return "26000";
  if (Is<pqxx::invalid_cursor_name>(e)) return "34000";
  if (Is<pqxx::plpgsql_raise>(e)) return "P0001";
  if (Is<pqxx::plpgsql_no_data_found>(e)) return "P0002";
  if (Is<pqxx::plpgsql_too_many_rows>(e)) return "P0003";
  if (Is<pqxx::plpgsql_error>(e)) return "P0000";
  return "";
}

}  // namespace

std::string SqlStateOfError(const pqxx::sql_error& e) {
  std::string state = e.sqlstate();
  return state.empty() ? CodeOfClass(e) : state;
}

PgErrorKind ClassifySqlState(std::string_view sqlstate) {
  const std::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate.empty() || cls == "08" || cls == "40" || cls == "53" || cls == "57")
    return PgErrorKind::kConnection;
  if (cls == "22" || cls == "23") return PgErrorKind::kData;
  return PgErrorKind::kOther;
}

absl::Status PgErrorToStatus(const std::exception_ptr& error, const std::string& doing) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::too_many_connections& e) {
    return WithSqlState(absl::UnavailableError(
                            absl::StrCat(doing, ": PostgreSQL refused the connection: ", OneLine(e.what()))),
                        kTooManyConnections);
  } catch (const pqxx::broken_connection& e) {
    return WithSqlState(absl::UnavailableError(absl::StrCat(
                            doing, ": connection to PostgreSQL lost or refused: ", OneLine(e.what()))),
                        kConnectionFailure);
  } catch (const pqxx::sql_error& e) {
    return SqlErrorToStatus(e, doing);
  } catch (const pqxx::in_doubt_error& e) {
    return absl::UnavailableError(absl::StrCat(doing, ": commit outcome unknown: ", OneLine(e.what())));
  } catch (const pqxx::statement_completion_unknown& e) {
    return absl::UnavailableError(absl::StrCat(doing, ": statement outcome unknown: ", OneLine(e.what())));
  } catch (const pqxx::transaction_rollback& e) {
    // Lost to a concurrent transaction (serialization failure, deadlock): worth trying again.
    const char* state = dynamic_cast<const pqxx::serialization_failure*>(&e) ? kSerializationFailure
                        : dynamic_cast<const pqxx::deadlock_detected*>(&e)   ? kDeadlockDetected
                                                                             : kTransactionRollback;
    return WithSqlState(absl::UnavailableError(absl::StrCat(
                            doing, ": transaction rolled back by PostgreSQL: ", OneLine(e.what()),
                            " [SQLSTATE ", state, "]")),
                        state);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(doing, ": ", OneLine(e.what())));
  } catch (...) {
    return absl::InternalError(absl::StrCat(doing, ": unknown error"));
  }
}

std::string SqlStateOf(const absl::Status& status) {
  auto state = status.GetPayload(kSqlStatePayload);
  return state ? std::string(*state) : std::string();
}

bool LostSession(const absl::Status& status) {
  if (!absl::IsUnavailable(status)) return false;
  const std::string state = SqlStateOf(status);
  return absl::StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace ingest::server
