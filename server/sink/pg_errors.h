// The one place libpqxx exceptions become absl::Status, with the SQLSTATE in the message.
#pragma once

#include <exception>
#include <string>

#include "absl/status/status.h"

namespace ingest::server {

// Classes 08 (connection), 40 (rollback), 53 (resources), 57 (operator) and a broken connection
// are Unavailable (retry); 22 (data) and 23 (constraint) are InvalidArgument (the data is at
// fault); everything else is Internal. `doing` says what was being done.
absl::Status PgErrorToStatus(const std::exception_ptr& error, const std::string& doing);

// The SQLSTATE in a status made by PgErrorToStatus, or "" if none.
std::string SqlStateOf(const absl::Status& status);

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
