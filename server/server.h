// Server: ingest-server's life in three steps. Recover: the server id, the database schema, and
// every batch the log holds that PostgreSQL does not. Serve: the writer, the window, the probe
// and the listeners, until SIGTERM or SIGINT (SIGHUP re-reads the token file). Drain: refuse new work, commit
// and ack what was received, close the listeners.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/durability/dir_lock.h"
#include "server/listeners.h"
#include "server/server_access.h"
#include "server/server_config.h"
#include "server/stop_signal.h"

namespace ingest::server {

struct ServerParts;

class Server {
 public:
  Server(ServerConfig config, ServerAccess access);
  ~Server();

  // The process exit code: 0 after a clean drain (or a stop signal before serving began), 1 when
  // the server could not start.
  int Run();
  // --adopt: Recover and Assemble on the adopted dir (config.checkpoint_dir), commit everything
  // its log holds, and stop; 0 when all of it committed.
  int Adopt();

 private:
  absl::Status Recover();   // server id, schema, log replay; the window refilled from the log
  absl::Status Assemble();  // the writer, the window, the intake and admin services
  absl::Status Serve();     // threads and listeners; returns once a stop signal arrives
  absl::Status Listen();    // the ingest, admin and metrics listeners, and the ready file
  void Drain();             // refuse new work, commit what was received, close the listeners
  void RereadTokens();      // on SIGHUP
  void TrimOldRows();       // a --retention pass on the loads pool, unless one is running

  const ServerConfig config_;
  const ServerAccess access_;
  StopSignal stop_;
  const absl::Time started_at_;
  std::string server_id_;
  std::optional<DirLock> dir_lock_;     // the checkpoint dir, held until the process exits
  std::unique_ptr<ServerParts> parts_;  // the stages, built by Recover and Assemble
  std::atomic<bool> draining_{false};
};

// Server(config, access).Run(), --adopt or --verify-checkpoints.
int Run(const ServerConfig& config, ServerAccess access);

}  // namespace ingest::server
