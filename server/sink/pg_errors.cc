#include "server/sink/pg_errors.h"

#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ingest::server {
namespace {

constexpr char kSqlStateTag[] = "[SQLSTATE ";

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

absl::Status PgErrorToStatus(const std::exception_ptr& error, const std::string& doing) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(absl::StrCat(doing, ": connection to PostgreSQL lost or refused: ",
                                               OneLine(e.what())));
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    const std::string cls = state.substr(0, 2);
    std::string msg = absl::StrCat(doing, ": ", OneLine(e.what()), " ", kSqlStateTag, state, "]");
    if (cls == "08" || cls == "40" || cls == "53" || cls == "57" || state.empty()) {
      return absl::UnavailableError(msg);
    }
    if (cls == "22" || cls == "23") return absl::InvalidArgumentError(msg);
    return absl::InternalError(msg);
  } catch (const pqxx::in_doubt_error& e) {
    return absl::UnavailableError(absl::StrCat(doing, ": commit outcome unknown: ", OneLine(e.what())));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(doing, ": ", OneLine(e.what())));
  } catch (...) {
    return absl::InternalError(absl::StrCat(doing, ": unknown error"));
  }
}

std::string SqlStateOf(const absl::Status& status) {
  std::string_view msg(status.message().data(), status.message().size());
  size_t pos = msg.rfind(kSqlStateTag);
  if (pos == std::string_view::npos) return "";
  std::string_view rest = msg.substr(pos + sizeof(kSqlStateTag) - 1);
  size_t end = rest.find(']');
  return std::string(rest.substr(0, end));
}

}  // namespace ingest::server
