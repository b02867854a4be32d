// Server::Adopt (--adopt DIR): commit the log of a server that died and will not come back.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "server/server.h"
#include "server/wiring.h"

namespace ingest::server {

int Server::Adopt() {
  auto log = Logger("server");
  const std::string& dir = config_.checkpoint_dir;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "server_id")) {
    log->error("cannot adopt {}: it is not the checkpoint directory of an ingest-server (no server_id file)",
               dir);
    return 1;
  }
  // Recover takes the dir's lock (refused while its server or another adopter runs), takes the
  // dir's server id and commits the sealed batches of its log; Assemble puts the rest of the log
  // (received, not yet sealed) back into a window, sealed and committed here.
  absl::Status st = Recover();
  if (st.ok()) st = Assemble();
  if (absl::IsCancelled(st)) return 1;
  if (!st.ok()) {
    log->error("cannot adopt {}: {}", dir, st.message());
    return 1;
  }
  ServerParts& p = *parts_;
  p.writer->Start();
  p.batcher->Start();
  p.batcher->Stop();
  const uint64_t target = p.batcher->SealNow();
  // Until all of it is committed: PostgreSQL may be away for a while (each write is retried), and
  // only a stop signal ends the wait early.
  bool committed = false;
  while (!(committed = p.writer->WaitCommitted(target, absl::Now() + absl::Seconds(1)))) {
    if (stop_.WaitFor(absl::ZeroDuration())) break;
  }
  p.writer->Stop();
  p.log->Stop();
  if (!committed) {
    log->error(
        "adopting {} (server id {}) stopped before batch {} committed (last committed {}); run --adopt "
        "again to finish",
        dir, server_id_, target, p.writer->Stats().last_committed_id);
    return 1;
  }
  log->info(
      "adopted {} (server id {}): its log is committed up to batch {}; nothing in it is left to commit, "
      "so the directory may be archived or removed",
      dir, server_id_, target);
  return 0;
}

}  // namespace ingest::server
