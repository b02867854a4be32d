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
  const std::string state = e.sqlstate();
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

}  // namespace

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
