#include "server/wiring.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/logging.h"

namespace ingest::server {

void AssembleBatching(const ServerConfig& config, ServerParts& p) {
  DurableLog* log = p.log.get();
  p.budget = std::make_unique<LogBudget>([log] { return log->WalBytes(); }, config.wal_max_bytes);
  WriterHooks hooks;
  hooks.before_write = [log](const SealedBatch& b) { return log->BeforeWrite(b); };
  hooks.after_commit = [log, budget = p.budget.get(), metrics = &p.metrics](const SealedBatch& b,
                                                                            const CommitResult& r) {
    log->AfterCommit(b, r);  // removes the segments it no longer needs
    budget->Recheck();
    metrics->Committed(b, r);
    const std::string rejected = metrics->TakeRejectionSummary(absl::Now());
    if (!rejected.empty()) Logger("ingest")->warn("{}", rejected);
  };
  hooks.load = [log](const BatchRange& range) { return log->Load(range); };
  p.writer = std::make_unique<BatchWriter>(p.sink.get(), Backoff{}, p.last_batch, std::move(hooks));
  p.batcher = std::make_unique<MicroBatcher>(
      WindowLimits{config.trigger, config.max_batch_events, config.max_batch_bytes}, SystemClock::Get(),
      p.writer.get(), p.last_batch + 1, log);
}

absl::Status RefillWindow(ServerParts& p, const Retry& retry) {
  PostgresSink* sink = p.sink.get();
  p.producers =
      std::make_unique<ProducerRegistry>([sink](const std::string& id) { return sink->LoadProducer(id); },
                                         [sink](const std::string& id) { return sink->ClaimProducer(id); });
  p.files.RestoreFromLog(&p.recovered.tail);
  ProducerRegistry* producers = p.producers.get();
  for (WindowItem& item : p.recovered.tail) {
    if (item.source == Source::kStream) {
      absl::Status st = retry("restore producer state", [&] {
        return producers->RestoreDurable(item.origin, item.sequence, item.content_hash, item.ack);
      });
      if (!st.ok()) return st;
      item.on_committed = [producers, origin = item.origin, seq = item.sequence,
                           ack = item.ack](const std::vector<RejectedRow>& refused) {
        producers->MarkDurable(origin, seq, WithRefused(ack, refused));
      };
    }
    p.batcher->AddRecovered(std::move(item));
  }
  p.recovered.tail.clear();
  return absl::OkStatus();
}

void AssembleObservers(const ServerConfig& config, ServerParts& p) {
  p.reader = std::make_unique<PostgresReader>(config.db);
  // The writer (created before the probe starts, stopped after it) retries as soon as PostgreSQL
  // answers again.
  p.probe = std::make_unique<DatabaseProbe>(MakeDatabasePing(config.db), absl::Seconds(5), [&p] {
    if (p.writer) p.writer->RetryNow();
  });
  p.loads = std::make_unique<WorkerPool>("producer-load", 2);
  p.uploads = std::make_unique<WorkerPool>("upload", config.upload_workers);
}

IngestContext IntakeContextOf(const ServerConfig& config, ServerParts& p, const std::string& uploads_dir) {
  IngestContext ctx;
  ctx.producers = p.producers.get();
  ctx.batcher = p.batcher.get();
  ctx.streams = &p.streams;
  ctx.metrics = &p.metrics;
  ctx.clock = SystemClock::Get();
  ctx.ack_mode = config.ack_mode;
  ctx.budget = p.budget.get();
  ctx.loads = p.loads.get();
  ctx.files = &p.files;
  ctx.lookup_file = [reader = p.reader.get()](const std::string& sha256) {
    return reader->LookupFile(sha256);
  };
  ctx.uploads_dir = uploads_dir;
  ctx.max_upload_bytes = config.max_upload_bytes;
  ctx.uploads = p.uploads.get();
  ctx.tokens = p.tokens.get();
  ctx.limits = p.limits.get();
  ctx.max_request_events = config.max_request_events;
  return ctx;
}

}  // namespace ingest::server
