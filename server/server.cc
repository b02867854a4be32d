#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/exposer.h>
#include <signal.h>

#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/durable_file.h"
#include "common/logging.h"
#include "common/units.h"
#include "server/admin_service.h"
#include "server/database_probe.h"
#include "server/sink/pg_connection.h"
#include "server/durable_log.h"
#include "server/ingest_service.h"
#include "server/log_budget.h"
#include "server/metrics.h"
#include "server/state_collector.h"
#include "server/upload_file.h"
#include "server/server_id.h"
#include "server/sink/postgres_sink.h"

#ifndef INGEST_VERSION
#define INGEST_VERSION "dev"
#endif

namespace ingest::server {
namespace {

// SIGTERM and SIGINT, blocked in every thread and received here.
class StopSignal {
 public:
  StopSignal() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  // True when a stop signal arrived within `timeout`.
  bool WaitFor(absl::Duration timeout) {
    if (received_) return true;
    timespec ts = absl::ToTimespec(timeout);
    int sig = sigtimedwait(&set_, nullptr, &ts);
    if (sig > 0) {
      received_ = true;
      Logger("server")->info("received {}, draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    return received_;
  }

 private:
  sigset_t set_;
  bool received_ = false;
};

// Runs `step` until it succeeds, with capped backoff; false when a stop signal came first.
template <typename Step>
bool RetryUntilOk(const std::string& what, StopSignal& stop, Step step) {
  absl::Duration delay = absl::Milliseconds(500);
  while (true) {
    absl::Status st = step();
    if (st.ok()) return true;
    Logger("server")->error("cannot {} ({}); retrying in {}", what, st.message(), DurationText(delay));
    if (stop.WaitFor(delay)) return false;
    delay = std::min(delay * 2, absl::Seconds(10));
  }
}

// "host:0" with the port actually bound; an address without a port stays as it is.
std::string WithPort(const std::string& address, int port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return address;
  return absl::StrCat(address.substr(0, colon), ":", port);
}

struct MetricsEndpoint {
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string address;  // as bound: the port filled in when 0 was asked
};

absl::StatusOr<MetricsEndpoint> ServeMetrics(const std::string& address,
                                             const std::vector<std::shared_ptr<prometheus::Collectable>>& sources) {
  MetricsEndpoint endpoint;
  try {
    endpoint.exposer = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, " for metrics (", e.what(),
                                               "; in use? pass --metrics-listen HOST:PORT, or \"\" for none)"));
  }
  for (const auto& source : sources) endpoint.exposer->RegisterCollectable(source);
  const std::vector<int> ports = endpoint.exposer->GetListeningPorts();
  endpoint.address = ports.empty() ? address : WithPort(address, ports.front());
  return endpoint;
}

std::unique_ptr<grpc::Server> Listen(const std::string& address, grpc::Service* service,
                                     std::string* bound) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(64 << 20);
  auto server = builder.BuildAndStart();
  if (!server) return nullptr;
  *bound = absl::StartsWith(address, "unix:") ? address : WithPort(address, port);
  return server;
}

}  // namespace

int Run(const ServerConfig& config) {
  auto log = Logger("server");
  if (config.verify_checkpoints) {
    absl::Status st = DurableLog::Verify(config.checkpoint_dir, std::cout);
    if (!st.ok()) std::cout << "ingest-server: " << st.message() << "\n";
    return st.ok() ? 0 : 1;
  }
  StopSignal stop;
  const absl::Time started_at = absl::Now();

  std::string server_id = config.server_id;
  if (server_id.empty()) {
    auto id = LoadOrCreateServerId(config.checkpoint_dir);
    if (!id.ok()) {
      log->error("cannot start: {}", id.status().message());
      return 1;
    }
    server_id = *id;
  }
  log->info("ingest-server {} starting: server id {}, trigger {}, ack {}", INGEST_VERSION, server_id,
            DurationText(config.trigger), config.ack_mode);

  PostgresSink sink(PostgresSinkOptions{config.db, server_id, config.update_on_conflict, config.producer_ttl});
  if (!RetryUntilOk("prepare the database", stop, [&] { return sink.Prepare(); })) return 0;
  uint64_t last_batch = 0;
  if (!RetryUntilOk("read the last batch id", stop, [&] {
        auto last = sink.LastBatchId();
        if (last.ok()) last_batch = *last;
        return last.status();
      })) {
    return 0;
  }
  // Recovery: batches with offsets and no commit are written before anything else.
  RecoveredLog recovered;
  auto replay = [&](const SealedBatch& batch) -> absl::StatusOr<CommitResult> {
    absl::StatusOr<CommitResult> result = absl::UnavailableError("stopped");
    bool ok = RetryUntilOk(absl::StrCat("write recovered batch ", batch.batch_id), stop, [&] {
      result = sink.Write(batch);
      return result.status();
    });
    if (!ok) return absl::UnavailableError("stopped during recovery");
    return result;
  };
  auto durable = DurableLog::OpenAndRecover(config.checkpoint_dir, config.wal_segment_bytes, replay, &recovered);
  if (!durable.ok()) {
    log->error("cannot open the log in {}: {}", config.checkpoint_dir, durable.status().message());
    return stop.WaitFor(absl::ZeroDuration()) ? 0 : 1;
  }
  last_batch = std::max(last_batch, recovered.last_batch_id);
  log->info("database ready; the next batch is {}", last_batch + 1);

  DurableLog* wal = durable->get();
  LogBudget budget([wal] { return wal->WalBytes(); }, config.wal_max_bytes);
  Metrics metrics;
  BatchWriter writer(&sink, Backoff{}, last_batch,
                     WriterHooks{[wal](const SealedBatch& b) { return wal->BeforeWrite(b); },
                                 [wal, &budget, &metrics](const SealedBatch& b, const CommitResult& r) {
                                   wal->AfterCommit(b, r);  // removes the segments it no longer needs
                                   budget.Recheck();
                                   metrics.Committed(b, r);
                                   const std::string rejected = metrics.TakeRejectionSummary(absl::Now());
                                   if (!rejected.empty()) Logger("ingest")->warn("{}", rejected);
                                 },
                                 [wal](const SealedBatch& b) { return wal->Load(b); }});
  MicroBatcher batcher(WindowLimits{config.trigger, config.max_batch_events, config.max_batch_bytes},
                       SystemClock::Get(), &writer, last_batch + 1, wal);
  ProducerRegistry producers([&sink](const std::string& id) { return sink.LoadProducer(id); });
  FileRegistry files;
  files.RestoreFromLog(&recovered.tail);
  for (auto& item : recovered.tail) {
    if (item.source == Source::kStream) {
      if (!RetryUntilOk("restore producer state", stop, [&] {
            return producers.RestoreDurable(item.origin, item.sequence, item.content_hash, item.ack);
          })) {
        return 0;
      }
      item.on_committed = [&producers, origin = item.origin, seq = item.sequence, ack = item.ack] {
        producers.MarkDurable(origin, seq, ack);
      };
    }
    batcher.AddRecovered(std::move(item));
  }
  StreamDirectory streams;
  // A key=value conninfo gets a connect timeout, so a probe of a silent host ends in time.
  PgConnection probe_connection(absl::StrContains(config.db, "://") ? config.db
                                                                     : absl::StrCat(config.db, " connect_timeout=5"));
  DatabaseProbe database([&probe_connection] { return probe_connection.Ping(); }, absl::Seconds(5));
  database.Start();
  PostgresReader reader(config.db);
  writer.Start();
  batcher.Start();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  UploadWorkers upload_workers;
  const std::string uploads_dir = config.checkpoint_dir + "/uploads";
  if (absl::Status st = PrepareUploadsDir(uploads_dir); !st.ok()) {
    log->error("cannot prepare {} for uploads: {}", uploads_dir, st.message());
    return 1;
  }
  IngestServiceImpl ingest_service(IngestContext{
      &producers, &batcher, &streams, &metrics, SystemClock::Get(), config.ack_mode == "durable", &budget, &files,
      [&reader](const std::string& sha256) { return reader.LookupFile(sha256); }, uploads_dir,
      config.max_upload_bytes, &upload_workers});
  std::string ingest_address, admin_address;
  auto ingest_server = Listen(config.listen, &ingest_service, &ingest_address);
  if (!ingest_server) {
    log->error("cannot listen on {} for ingest (in use? pass --listen HOST:PORT)", config.listen);
    return 1;
  }
  std::atomic<bool> draining{false};
  StateSources state{&batcher, &writer, wal, &budget, &streams, &producers, &files,
                     &database, &draining, config.ack_mode == "committed", config.wal_segment_bytes};
  AdminContext admin_ctx{INGEST_VERSION, server_id, started_at, config.trigger, config.flush_timeout,
                         config.ack_mode, {}, state, &metrics, &reader};
  AdminServiceImpl admin_service(admin_ctx);
  auto admin_server = Listen(config.admin_listen, &admin_service, &admin_address);
  if (!admin_server) {
    log->error("cannot listen on {} for admin (in use? pass --admin-listen HOST:PORT)", config.admin_listen);
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> listeners = {{"ingest", ingest_address}, {"admin", admin_address}};
  auto collector = std::make_shared<StateCollector>(
      StateCollector::Identity{INGEST_VERSION, server_id, config.ack_mode, started_at, config.trigger},
      [&state] { return ReadServerState(state); });
  std::unique_ptr<prometheus::Exposer> exposer;
  if (!config.metrics_listen.empty()) {
    auto served = ServeMetrics(config.metrics_listen, {metrics.registry(), collector});
    if (!served.ok()) {
      log->error("{}", served.status().message());
      return 1;
    }
    exposer = std::move(served->exposer);
    listeners.emplace_back("metrics", served->address);
  }
  admin_service.SetListeners(listeners);
  std::string ready;
  for (const auto& [role, address] : listeners) absl::StrAppend(&ready, role, "=", address, "\n");
  log->info("listening: {}", absl::StrReplaceAll(absl::StripSuffix(ready, "\n"), {{"\n", ", "}, {"=", " "}}));
  if (!config.ready_file.empty()) {
    absl::Status st = WriteFileDurably(config.ready_file, ready);
    if (!st.ok()) log->warn("cannot write the ready file: {}", st.message());
  }

  while (!stop.WaitFor(absl::Seconds(3600))) {
  }

  // Drain: refuse new batches, commit what was received, ack it, then close the listeners.
  draining = true;
  batcher.Stop();
  const uint64_t target = batcher.SealNow();
  const absl::Time drain_deadline = absl::Now() + config.drain_timeout;
  streams.EndAll("the server is shutting down; reconnect to another server or retry later");
  if (!writer.WaitCommitted(target, drain_deadline)) {
    log->warn("drain: batches up to {} not committed within {} (last committed {}); {}", target,
              DurationText(config.drain_timeout), writer.Stats().last_committed_id,
              config.ack_mode == "durable"
                  ? "they are in the write-ahead log and are committed at the next start"
                  : "their producers were not acked and will resend");
  }
  if (!upload_workers.WaitIdle(drain_deadline)) log->warn("drain: uploads still in progress were cut off");
  ingest_server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  admin_server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  writer.Stop();
  wal->Stop();
  log->info("stopped: last committed batch {}", writer.Stats().last_committed_id);
  return 0;
}

}  // namespace ingest::server
