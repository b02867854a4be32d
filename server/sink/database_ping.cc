#include "server/sink/database_ping.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/sink/pg_connection.h"

namespace ingest::server {
namespace {

struct PingConnection {
  explicit PingConnection(std::string conninfo) : conn(std::move(conninfo)) {}
  absl::Mutex mu;  // serialises pings on the one connection
  PgConnection conn ABSL_GUARDED_BY(mu);
};

}  // namespace

std::function<absl::Status()> MakeDatabasePing(const std::string& conninfo) {
  auto ping = std::make_shared<PingConnection>(absl::StrContains(conninfo, "://") ||
                                                       absl::StrContains(conninfo, "connect_timeout")
                                                   ? conninfo
                                                   : absl::StrCat(conninfo, " connect_timeout=5"));
  return [ping] {
    absl::MutexLock lock(&ping->mu);
    return ping->conn.Ping();
  };
}

}  // namespace ingest::server
