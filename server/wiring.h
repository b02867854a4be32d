// ServerParts: every stage of one ingest-server, and the functions that connect them — the
// writer's hooks into the log and the metrics, the window refilled from the log, the contexts of
// the two services. Server (server.cc) runs them in order.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "server/access/authenticator.h"
#include "server/access/call_limits.h"
#include "server/admin/admin_service.h"
#include "server/admin/server_state.h"
#include "server/admin/state_collector.h"
#include "server/batching/batch_writer.h"
#include "server/batching/micro_batcher.h"
#include "server/durability/durable_log.h"
#include "server/durability/log_budget.h"
#include "server/intake/file_registry.h"
#include "server/intake/ingest_context.h"
#include "server/intake/ingest_service.h"
#include "server/intake/producers.h"
#include "server/intake/stream_directory.h"
#include "server/intake/worker_pool.h"
#include "server/listeners.h"
#include "server/observability/database_probe.h"
#include "server/observability/metrics.h"
#include "server/server_config.h"
#include "server/sink/database_ping.h"
#include "server/sink/postgres_reader.h"
#include "server/sink/postgres_sink.h"
#include "server/sink/retention.h"

namespace ingest::server {

// Declared in the order they are built; destroyed in reverse, listeners first.
struct ServerParts {
  std::unique_ptr<PostgresSink> sink;
  std::unique_ptr<DurableLog> log;
  RecoveredLog recovered;  // the log's tail, until it is back in the window
  uint64_t last_batch = 0;
  std::unique_ptr<LogBudget> budget;
  Metrics metrics;
  std::unique_ptr<BatchWriter> writer;
  std::unique_ptr<MicroBatcher> batcher;
  std::unique_ptr<ProducerRegistry> producers;
  FileRegistry files;
  StreamDirectory streams;
  std::unique_ptr<PostgresReader> reader;  // the admin API's and uploads' reads
  std::unique_ptr<DatabaseProbe> probe;
  std::unique_ptr<WorkerPool> loads;    // producers' state from PostgreSQL, off the RPC threads
  std::unique_ptr<WorkerPool> uploads;  // uploads' disk work and ingestion (--upload-workers)
  StateSources state;
  std::shared_ptr<Authenticator> tokens;  // --auth-tokens; null: none
  std::unique_ptr<CallLimits> limits;     // open streams and uploads
  std::unique_ptr<Retention> retention;   // --retention's passes; null: rows are kept
  std::unique_ptr<WorkerPool> trims;      // runs those passes, off the producers' loads pool
  std::atomic<bool> trimming{false};      // a retention pass is queued or running
  std::unique_ptr<IngestServiceImpl> ingest_service;
  std::unique_ptr<AdminServiceImpl> admin_service;
  // The /metrics gauges; the exposer holds only a weak pointer to it.
  std::shared_ptr<StateCollector> collector;
  GrpcListener ingest;
  GrpcListener admin;
  MetricsListener metrics_listener;
};

// The log budget, the batch writer (offsets/N before each write, commits/N and metrics after
// each commit) and the window.
void AssembleBatching(const ServerConfig& config, ServerParts& p);

// Retries a step until it succeeds; Cancelled when the server is told to stop first.
using Retry = std::function<absl::Status(const std::string& what, const std::function<absl::Status()>& step)>;

// The producer registry, and the log's tail back in the window: each producer's state restored
// so that a resend after the restart gets its original ack, and each file answered as a duplicate
// until it commits.
absl::Status RefillWindow(ServerParts& p, const Retry& retry);

// The database reader and probe, and the worker pools.
void AssembleObservers(const ServerConfig& config, ServerParts& p);

IngestContext IntakeContextOf(const ServerConfig& config, ServerParts& p, const std::string& uploads_dir);

}  // namespace ingest::server
