// The one place libpqxx exceptions become absl::Status, and the one decision of what a
// PostgreSQL error means. The SQLSTATE travels with the status as a payload (SqlStateOf reads it
// back) and stays in the message for people; the status code says what a caller should do:
//   Unavailable      the server, the connection or the session failed, or the transaction lost
//                    to a concurrent one: worth retrying as it is
//   InvalidArgument  the rows are at fault (SQLSTATE class 22 or 23): the sink sets them apart
//   Internal         anything else — the statement, the schema, the role's rights: retrying the
//                    same thing will not help until an operator acts
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace pqxx {
class sql_error;
}

namespace ingest::server {

enum class PgErrorKind {
  kConnection,  // classes 08, 40, 53, 57, a lost connection, no SQLSTATE at all
  kData,        // classes 22 (data exception) and 23 (integrity constraint violation)
  kOther,       // everything else
};

PgErrorKind ClassifySqlState(std::string_view sqlstate);

// The SQLSTATE of a libpqxx SQL error. libpqxx 6.4 throws its specific classes
// (insufficient_privilege, unique_violation, data_exception, …) without the code; for those the
// class's own code stands in (42501, 23505, 22000, …), so that a missing grant is not taken for a
// lost connection.
std::string SqlStateOfError(const pqxx::sql_error& e);

// `doing` says what was being done; it starts the message.
absl::Status PgErrorToStatus(const std::exception_ptr& error, const std::string& doing);

// The SQLSTATE a status made by PgErrorToStatus carries, or "" if none. Where libpqxx 6.4 throws
// a class without the SQLSTATE, the status carries the one it stands for: a lost connection
// 08006, too many connections 53300, a serialization failure 40001, a deadlock 40P01. A commit or
// statement whose outcome is unknown carries none (it must not be retried blindly).
std::string SqlStateOf(const absl::Status& status);

// The session is gone (the connection broke, or PostgreSQL ended it) but not the commit's
// outcome in doubt: a new connection may try the same work once more.
bool LostSession(const absl::Status& status);

// Runs `fn`, translating any exception it throws.
template <typename Fn>
absl::Status CatchPg(const std::string& doing, Fn&& fn) {
  try {
    fn();
    return absl::OkStatus();
  } catch (...) {
    return PgErrorToStatus(std::current_exception(), doing);
  }
}

}  // namespace ingest::server
