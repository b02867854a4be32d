#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/durable_file.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "common/units.h"
#include "server/admin/admin_service.h"
#include "server/admin/state_collector.h"
#include "server/durability/server_id.h"
#include "server/intake/ingest_service.h"
#include "server/intake/upload_spool.h"
#include "server/sink/postgres_sink.h"
#include "server/wiring.h"

#ifndef INGEST_VERSION
#define INGEST_VERSION "dev"
#endif

namespace ingest::server {

Server::Server(ServerConfig config, ServerAccess access)
    : config_(std::move(config)), access_(std::move(access)), started_at_(absl::Now()) {}

Server::~Server() = default;

int Server::Run() {
  absl::Status st = Recover();
  if (st.ok()) st = Assemble();
  if (st.ok()) st = Serve();
  if (absl::IsCancelled(st)) return 0;  // a stop signal came before serving began
  if (!st.ok()) {
    Logger("server")->error("cannot start: {}", st.message());
    return 1;
  }
  Drain();
  return 0;
}

absl::Status Server::Recover() {
  if (absl::Status st = MakeDirectories(config_.checkpoint_dir); !st.ok()) {
    return absl::Status(st.code(), absl::StrCat("cannot create the checkpoint directory: ", st.message()));
  }
  ASSIGN_OR_RETURN(dir_lock_, DirLock::Acquire(config_.checkpoint_dir));
  ASSIGN_OR_RETURN(server_id_, LoadOrCreateServerId(config_.checkpoint_dir, config_.server_id));
  Logger("server")->info("ingest-server {} starting: server id {}, trigger {}, ack {}", INGEST_VERSION,
                         server_id_, DurationText(config_.trigger), AckModeName(config_.ack_mode));
  parts_ = std::make_unique<ServerParts>();
  ServerParts& p = *parts_;
  p.sink = std::make_unique<PostgresSink>(PostgresSinkOptions{
      config_.db, server_id_, config_.update_on_conflict, config_.producer_ttl, config_.writers});
  // A schema this server's role may not migrate needs an operator (`ingest-server migrate`), not
  // patience: that ends the start.
  absl::Status schema_behind;
  RETURN_IF_ERROR(RetryUntilOk("prepare the database", stop_, [&] {
    absl::Status st = p.sink->Prepare();
    if (!absl::IsFailedPrecondition(st)) return st;
    schema_behind = st;
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(schema_behind);
  RETURN_IF_ERROR(RetryUntilOk("read the last batch id", stop_, [&] {
    auto last = p.sink->LastBatchId();
    if (last.ok()) p.last_batch = *last;
    return last.status();
  }));
  // Batches with offsets and no commit are written before anything else.
  auto replay = [&](const SealedBatch& batch) -> absl::StatusOr<CommitResult> {
    absl::StatusOr<CommitResult> result = absl::UnavailableError("not written");
    RETURN_IF_ERROR(RetryUntilOk(absl::StrCat("write recovered batch ", batch.batch_id), stop_, [&] {
      result = p.sink->Write(batch);
      return result.status();
    }));
    return result;
  };
  auto log =
      DurableLog::OpenAndRecover(config_.checkpoint_dir, config_.wal_segment_bytes, replay, &p.recovered);
  if (!log.ok()) {
    if (stop_.WaitFor(absl::ZeroDuration())) return absl::CancelledError("stopped during recovery");
    return absl::Status(log.status().code(), absl::StrCat("cannot open the log in ", config_.checkpoint_dir,
                                                          ": ", log.status().message()));
  }
  p.log = std::move(*log);
  p.last_batch = std::max(p.last_batch, p.recovered.last_batch_id);
  Logger("server")->info("database ready; the next batch is {}", p.last_batch + 1);
  return absl::OkStatus();
}

absl::Status Server::Assemble() {
  ServerParts& p = *parts_;
  AssembleBatching(config_, p);
  RETURN_IF_ERROR(RefillWindow(p, [this](const std::string& what, const std::function<absl::Status()>& step) {
    return RetryUntilOk(what, stop_, step);
  }));
  AssembleObservers(config_, p);
  const std::string uploads_dir = config_.checkpoint_dir + "/uploads";
  if (absl::Status st = PrepareUploadsDir(uploads_dir); !st.ok()) {
    return absl::Status(st.code(),
                        absl::StrCat("cannot prepare ", uploads_dir, " for uploads: ", st.message()));
  }
  p.tokens = access_.tokens;
  const bool admin_unix = absl::StartsWith(config_.admin_listen, "unix:");  // trusted by its permissions
  p.limits = std::make_unique<CallLimits>(config_.limits);
  if (config_.retention > absl::ZeroDuration()) {
    p.retention = std::make_unique<Retention>(config_.db, config_.retention);
    p.trims = std::make_unique<WorkerPool>("retention", 1);
  }
  p.ingest_service = std::make_unique<IngestServiceImpl>(IntakeContextOf(config_, p, uploads_dir));
  p.state =
      StateSources{p.batcher.get(),          p.writer.get(), p.log.get(),   p.budget.get(), &p.streams,
                   p.producers.get(),        &p.files,       p.probe.get(), &draining_,     config_.ack_mode,
                   config_.wal_segment_bytes};
  p.admin_service = std::make_unique<AdminServiceImpl>(AdminContext{INGEST_VERSION,
                                                                    server_id_,
                                                                    started_at_,
                                                                    config_.trigger,
                                                                    config_.flush_timeout,
                                                                    config_.ack_mode,
                                                                    {},
                                                                    p.state,
                                                                    &p.metrics,
                                                                    p.reader.get(),
                                                                    admin_unix ? nullptr : p.tokens.get()});
  return absl::OkStatus();
}

absl::Status Server::Serve() {
  ServerParts& p = *parts_;
  p.writer->Start();
  p.batcher->Start();
  p.probe->Start();
  RETURN_IF_ERROR(Listen());
  stop_.OnHangup([this] { RereadTokens(); });
  absl::Time next_trim = absl::Now();
  while (!stop_.WaitFor(absl::Seconds(1))) {
    p.limits->EndIdleStreams(absl::Now());
    if (p.retention != nullptr && absl::Now() >= next_trim) {
      next_trim = absl::Now() + absl::Minutes(10);
      TrimOldRows();
    }
  }
  return absl::OkStatus();
}

void Server::TrimOldRows() {
  ServerParts& p = *parts_;
  if (p.trimming.exchange(true)) return;  // the last pass is still running
  p.trims->Run([&p, keep = config_.retention] {
    auto pass = p.retention->Run();
    if (!pass.ok()) {
      Logger("sink")->warn("retention: {}; the next pass tries again in 10 minutes", pass.status().message());
    } else if (pass->total() > 0) {
      Logger("sink")->info("retention: deleted rows older than {}: {}", DurationText(keep), pass->Summary());
    }
    p.trimming = false;
  });
}

void Server::RereadTokens() {
  auto log = Logger("server");
  if (!access_.tokens) {
    log->info("received SIGHUP: no --auth-tokens file to re-read");
    return;
  }
  absl::StatusOr<size_t> count = access_.tokens->Reload();
  if (!count.ok()) {
    log->error("received SIGHUP: cannot re-read the token file ({}); the tokens in force stay",
               count.status().message());
    return;
  }
  log->info(
      "received SIGHUP: re-read the token file {}: {} tokens in force; calls whose token was removed or "
      "changed are refused from their next message",
      access_.tokens->path(), *count);
}

absl::Status Server::Listen() {
  ServerParts& p = *parts_;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // TLS on the ingest listener and a TCP admin listener; a unix socket is guarded by its file
  // permissions (contract, "Security").
  ListenerSettings settings{access_.tls, config_.max_message_bytes, config_.max_grpc_memory,
                            config_.limits.stream_idle_timeout};
  ASSIGN_OR_RETURN(p.ingest,
                   ListenGrpc("ingest", config_.listen, p.ingest_service.get(), "--listen", settings));
  if (absl::StartsWith(config_.admin_listen, "unix:"))
    settings.credentials = grpc::InsecureServerCredentials();
  ASSIGN_OR_RETURN(
      p.admin, ListenGrpc("admin", config_.admin_listen, p.admin_service.get(), "--admin-listen", settings));
  std::vector<std::pair<std::string, std::string>> listeners = {{"ingest", p.ingest.address},
                                                                {"admin", p.admin.address}};
  if (!config_.metrics_listen.empty()) {
    p.collector = std::make_shared<StateCollector>(
        StateCollector::Identity{INGEST_VERSION, server_id_, config_.ack_mode, started_at_, config_.trigger},
        [&p] { return ReadServerState(p.state); });
    ASSIGN_OR_RETURN(p.metrics_listener,
                     ListenMetrics(config_.metrics_listen, {p.metrics.registry(), p.collector}));
    listeners.emplace_back("metrics", p.metrics_listener.address);
  }
  p.admin_service->SetListeners(listeners);
  std::string ready, shown;
  for (const auto& [role, address] : listeners) {
    absl::StrAppend(&ready, role, "=", address, "\n");
    absl::StrAppend(&shown, shown.empty() ? "" : ", ", role, " ", address);
  }
  Logger("server")->info("listening: {} ({})", shown,
                         config_.tls.cert.empty() ? "plaintext"
                         : config_.tls.ca.empty() ? "TLS"
                                                  : "TLS, client certificates required");
  if (!config_.ready_file.empty()) {
    absl::Status st = WriteFileDurably(config_.ready_file, ready);
    if (!st.ok()) Logger("server")->warn("cannot write the ready file: {}", st.message());
  }
  return absl::OkStatus();
}

void Server::Drain() {
  auto log = Logger("server");
  ServerParts& p = *parts_;
  draining_ = true;
  // Health first: a balancer checking it stops sending new calls here while streams go on.
  for (grpc::Server* listener : {p.ingest.server.get(), p.admin.server.get()}) {
    if (auto* health = listener->GetHealthCheckService()) health->SetServingStatus(false);
  }
  if (config_.drain_grace > absl::ZeroDuration()) {
    log->info(
        "draining: the health service answers NOT_SERVING; serving on for {} (--drain-grace) while load "
        "balancers take this server out of rotation",
        DurationText(config_.drain_grace));
    absl::SleepFor(config_.drain_grace);
  }
  p.batcher->Stop();
  const uint64_t target = p.batcher->SealNow();
  const absl::Time deadline = absl::Now() + config_.drain_timeout;
  p.streams.EndAll("the server is shutting down; reconnect to another server or retry later");
  if (!p.writer->WaitCommitted(target, deadline)) {
    log->warn("drain: batches up to {} not committed within {} (last committed {}); {}", target,
              DurationText(config_.drain_timeout), p.writer->Stats().last_committed_id,
              config_.ack_mode == AckMode::kDurable
                  ? "they are in the write-ahead log and are committed at the next start"
                  : "their producers were not acked and will resend");
  }
  if (!p.uploads->WaitIdle(deadline)) log->warn("drain: uploads still in progress were cut off");
  p.ingest.server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  p.admin.server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  p.uploads->Stop();
  p.loads->Stop();
  p.writer->Stop();
  p.log->Stop();
  log->info("stopped: last committed batch {}", p.writer->Stats().last_committed_id);
}

int Run(const ServerConfig& config, ServerAccess access) {
  if (!config.adopt.empty()) {
    ServerConfig adopting = config;
    adopting.checkpoint_dir = config.adopt;
    adopting.retention = absl::ZeroDuration();
    return Server(adopting, std::move(access)).Adopt();
  }
  if (config.verify_checkpoints) {
    absl::Status st = DurableLog::Verify(config.checkpoint_dir, std::cout);
    if (!st.ok()) std::cout << "ingest-server: " << st.message() << "\n";
    return st.ok() ? 0 : 1;
  }
  return Server(config, std::move(access)).Run();
}

}  // namespace ingest::server
