#include "generator-client/load_runner.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/client_access.h"
#include "common/units.h"
#include "generator-client/acked_log.h"
#include "generator-client/catalog.h"
#include "generator-client/load_progress.h"
#include "generator-client/producer_stream.h"

namespace ingest::generator {
namespace {

std::atomic<int> g_stop_requests{0};

void OnSignal(int) { RequestStop(); }

uint64_t RandomSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// The transport's error, as a few words for "cannot reach ... (<reason>)".
std::string UnreachableReason(const std::string& message, absl::Duration timeout) {
  if (absl::StrContains(message, "Connection refused")) return "connection refused";
  if (absl::StrContains(message, "DNS resolution failed") || absl::StrContains(message, "not known")) {
    return "address not resolved";
  }
  if (message.empty() || absl::StrContains(message, "Deadline Exceeded")) {
    return absl::StrCat("no connection within ", DurationText(timeout));
  }
  return message;
}

std::string Hint(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kFailedPrecondition:
      return "; start again with a new --producer-id (or none: each run makes a random one)";
    case absl::StatusCode::kResourceExhausted:
      return "; send smaller batches (--events)";
    case absl::StatusCode::kUnavailable:
      return "; check that ingest-server is running and reachable";
    case absl::StatusCode::kCancelled:
      return "; check the server with ingest-admin status, or raise --drain-timeout";
    default:
      return "";
  }
}

// Producer k of `producers`.
ProducerOptions OptionsFor(const GeneratorConfig& c, const std::string& id, uint64_t seed, size_t k,
                           size_t producers, const ClientAccess& access) {
  ProducerOptions o;
  o.target = c.target;
  o.access = access;
  o.producer_id = id;
  o.events_per_batch = c.events_per_batch;
  o.batches = c.continuous ? 0 : c.batches;
  o.batch_interval = BatchInterval(c);
  o.phase = o.batch_interval * static_cast<double>(k) / static_cast<double>(std::max<size_t>(1, producers));
  o.window = c.window;
  o.connect_timeout = c.connect_timeout;
  o.drain_timeout = c.drain_timeout;
  o.seed = seed;
  o.invalid_ratio = c.invalid_ratio;
  return o;
}

RunOutcome Judge(const GeneratorConfig& c, const std::vector<std::string>& ids,
                 const std::vector<ProducerResult>& results, RunOutcome outcome) {
  size_t unreachable = 0;
  int first_failed = -1;
  for (size_t k = 0; k < results.size(); ++k) {
    outcome.summary.totals.Merge(results[k].stats);
    if (results[k].unreachable) ++unreachable;
    if (!results[k].status.ok() && first_failed < 0) first_failed = static_cast<int>(k);
  }
  if (first_failed < 0) return outcome;
  const ProducerResult& r = results[first_failed];
  if (unreachable == results.size()) {
    outcome.exit_code = kExitUnreachable;
    outcome.failure = absl::StrCat("event-generator: cannot reach ingest-server at ", c.target, " (",
                                   UnreachableReason(std::string(r.status.message()), c.connect_timeout),
                                   "); is it running? start it with ingest-server --listen ", c.target,
                                   TlsHint(c.tls, r.status.message()));
    return outcome;
  }
  outcome.exit_code = kExitNotAcked;
  std::string what = r.unreachable ? absl::StrCat("could not reach ", c.target, ": ", r.status.message())
                                   : std::string(r.status.message());
  outcome.failure = absl::StrCat("event-generator: ", outcome.summary.batches_not_acked(), " of ",
                                 outcome.summary.totals.batches_sent, " batches not acked; producer ",
                                 ids[first_failed], ": ", what, Hint(r.status));
  return outcome;
}

}  // namespace

void RequestStop() { g_stop_requests.fetch_add(1); }

RunOutcome RunLoad(const GeneratorConfig& c, ProgressLine* progress) {
  RunOutcome outcome;
  if (absl::Status s = ValidateConfig(c); !s.ok()) {
    return {{}, kExitUnreachable, absl::StrCat("event-generator: ", s.message())};
  }
  auto access = LoadClientAccess(c.tls, c.token_file);
  if (!access.ok())
    return {{}, kExitUnreachable, absl::StrCat("event-generator: ", access.status().message())};
  std::unique_ptr<AckedLog> acked_log;
  if (!c.acked_log.empty()) {
    auto opened = AckedLog::Open(c.acked_log);
    if (!opened.ok())
      return {{}, kExitUnreachable, absl::StrCat("event-generator: ", opened.status().message())};
    acked_log = std::move(*opened);
  }
  g_stop_requests.store(0);
  const std::vector<std::string> ids = ProducerIds(c);
  outcome.summary.producers = c.producers;
  outcome.summary.seed = c.seed.value_or(RandomSeed());

  std::vector<std::unique_ptr<ProducerStream>> producers;
  for (size_t k = 0; k < ids.size(); ++k) {
    uint64_t seed = outcome.summary.seed ^ ((k + 1) * 0x9E3779B97F4A7C15ULL);
    producers.push_back(std::make_unique<ProducerStream>(OptionsFor(c, ids[k], seed, k, ids.size(), *access),
                                                         Catalog::Default(), acked_log.get()));
  }
  const absl::Time start = absl::Now();
  std::vector<ProducerResult> results(producers.size());
  absl::Mutex mu;
  size_t finished = 0;
  std::vector<std::thread> threads;
  for (size_t k = 0; k < producers.size(); ++k) {
    threads.emplace_back([&, k] {
      results[k] = producers[k]->Run();
      absl::MutexLock lock(&mu);
      ++finished;
    });
  }
  const absl::Time stop_at =
      c.duration == absl::InfiniteDuration() ? absl::InfiniteFuture() : start + c.duration;
  bool stopped = false, aborted = false;
  LoadProgress load_progress(c, start);
  auto render = [&] {
    ProducerStats totals;
    for (auto& p : producers) p->AddCountsTo(&totals);
    return load_progress.Render(totals, stopped, absl::Now());
  };
  while (true) {
    {
      absl::MutexLock lock(&mu);
      auto all_done = [&] { return finished == producers.size(); };
      if (mu.AwaitWithTimeout(absl::Condition(&all_done), absl::Milliseconds(20))) break;
    }
    int requests = g_stop_requests.load();
    if (!stopped && (requests >= 1 || absl::Now() >= stop_at)) {
      stopped = true;
      for (auto& p : producers) p->StopSending();
    }
    if (!aborted && requests >= 2) {
      aborted = true;
      for (auto& p : producers) p->Abort("interrupted while waiting for acks");
    }
    if (progress != nullptr) progress->Update(render);
  }
  for (std::thread& t : threads) t.join();
  if (progress != nullptr) progress->Finish(render);
  outcome.summary.elapsed = absl::Now() - start;
  outcome = Judge(c, ids, results, std::move(outcome));
  if (acked_log != nullptr) {
    if (absl::Status s = acked_log->Flush(); !s.ok() && outcome.exit_code == kExitOk) {
      outcome.exit_code = kExitNotAcked;
      outcome.failure = absl::StrCat("event-generator: ", s.message());
    }
  }
  return outcome;
}

int Run(const GeneratorConfig& config) {
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  ProgressLine progress(StderrTerminal(), config.progress, SystemClock::Get());
  progress.KeepLogsApart({"generator"});
  RunOutcome outcome = RunLoad(config, &progress);
  if (outcome.exit_code != kExitUnreachable) {
    std::string text = config.json ? FormatSummaryJson(outcome.summary) : FormatSummaryTable(outcome.summary);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  if (!outcome.failure.empty()) std::fprintf(stderr, "%s\n", outcome.failure.c_str());
  return outcome.exit_code;
}

}  // namespace ingest::generator
