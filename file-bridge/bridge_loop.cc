#include "file-bridge/bridge_loop.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "common/logging.h"
#include "common/units.h"

namespace ingest::bridge {
namespace {

absl::StatusOr<dev_t> DeviceOf(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot stat ", dir, ": ", ErrnoText(errno)));
  }
  return st.st_dev;
}

BridgeOutcome Failure(int exit_code, std::string failure) { return {{}, exit_code, std::move(failure)}; }

std::atomic<bool> g_stop_requested{false};

void OnSignal(int) { g_stop_requested.store(true); }

}  // namespace

BridgeLoop::BridgeLoop(BridgeConfig config, const Clock* clock)
    : config_(std::move(config)),
      clock_(clock),
      scanner_(config_.watch_dir, config_.settle, clock),
      delivery_(config_, clock, &stop_, &summary_),
      log_(Logger("bridge")) {}

void BridgeLoop::Stop() {
  stop_.Set();
  delivery_.Cancel();
}

absl::Status BridgeLoop::PrepareFolders() {
  for (const std::string* dir : {&config_.watch_dir, &config_.archive_dir, &config_.failed_dir}) {
    if (absl::Status s = MakeDirectories(*dir); !s.ok()) return s;
  }
  auto watch = DeviceOf(config_.watch_dir);
  if (!watch.ok()) return watch.status();
  for (const std::string* dir : {&config_.archive_dir, &config_.failed_dir}) {
    auto device = DeviceOf(*dir);
    if (!device.ok()) return device.status();
    if (*device != *watch) {
      return absl::FailedPreconditionError(
          absl::StrCat(*dir, " is on another filesystem than --watch ", config_.watch_dir,
                       "; files are moved by rename, so put the three folders on one filesystem"));
    }
  }
  return absl::OkStatus();
}

BridgeOutcome BridgeLoop::Run() {
  const absl::Time start = clock_->Now();
  if (absl::Status s = ValidateConfig(config_); !s.ok()) {
    return Failure(kExitUsage, absl::StrCat("file-bridge: ", s.message(), " (see --help)"));
  }
  if (absl::Status s = PrepareFolders(); !s.ok()) {
    return Failure(kExitUsage, absl::StrCat("file-bridge: ", s.message()));
  }
  log_->info("watching {} (every {}, at most {} files per trigger, settle {}), uploading to {}{}",
             config_.watch_dir, DurationText(config_.interval), config_.max_files_per_trigger,
             DurationText(config_.settle), config_.target, config_.once ? ", once" : "");
  BridgeOutcome outcome = config_.once ? RunOnce() : RunForever();
  outcome.summary = summary_;
  outcome.summary.elapsed = clock_->Now() - start;
  return outcome;
}

bool BridgeLoop::Trigger(const std::vector<ScannedFile>& files, std::set<std::string>* only) {
  ++summary_.triggers;
  log_->debug("trigger {}: {} file(s)", summary_.triggers, files.size());
  for (const ScannedFile& file : files) {
    PublishProgress(&file);
    const FileDelivery::Step step = delivery_.Deliver(file);
    PublishProgress(nullptr);
    switch (step) {
      case FileDelivery::Step::kMoved:
      case FileDelivery::Step::kGone:
        if (only != nullptr) only->erase(file.name);
        break;
      case FileDelivery::Step::kChanged:
        scanner_.Forget(file.name);  // it settles again, then takes its new place in line
        break;
      case FileDelivery::Step::kStopped:
      case FileDelivery::Step::kAbort:
        return false;
    }
    if (stop_.is_set()) return false;
  }
  return true;
}

BridgeOutcome BridgeLoop::RunOnce() {
  auto listed = scanner_.ListCandidates();
  if (!listed.ok()) return Failure(kExitUsage, absl::StrCat("file-bridge: ", listed.status().message()));
  std::set<std::string> left = std::move(*listed);
  {
    absl::MutexLock lock(&progress_mu_);
    progress_.listed = true;
    progress_.files_total = left.size();
  }
  const absl::Time give_up_at = clock_->Now() + config_.settle_limit;
  while (!left.empty() && !stop_.is_set()) {
    auto scan = scanner_.Scan(config_.max_files_per_trigger, &left);
    auto present = scanner_.ListCandidates();
    if (!scan.ok() || !present.ok()) {
      summary_.files_left = left.size();
      return Failure(kExitFailed,
                     absl::StrCat("file-bridge: ", (scan.ok() ? present.status() : scan.status()).message()));
    }
    std::erase_if(left, [&](const std::string& name) { return present->count(name) == 0; });
    if (!scan->settled.empty()) {
      if (!Trigger(scan->settled, &left)) break;
      continue;
    }
    if (left.empty() || clock_->Now() >= give_up_at) break;
    stop_.SleepFor(std::min(scan->next_settle_at, give_up_at) - clock_->Now() + absl::Milliseconds(1));
  }
  return OnceOutcome(left);
}

OnceProgress BridgeLoop::Progress() const {
  absl::MutexLock lock(&progress_mu_);
  OnceProgress progress = progress_;
  if (!progress.current_file.empty()) progress.current_sent = delivery_.bytes_sent();
  return progress;
}

void BridgeLoop::PublishProgress(const ScannedFile* current) {
  absl::MutexLock lock(&progress_mu_);
  progress_.summary = summary_;
  progress_.current_file = current == nullptr ? "" : current->name;
  progress_.current_size = current == nullptr ? 0 : current->identity.size;
}

BridgeOutcome BridgeLoop::OnceOutcome(const std::set<std::string>& left) {
  summary_.files_left = left.size();
  if (delivery_.exit_code() != kExitOk) return Failure(delivery_.exit_code(), delivery_.failure());
  if (!left.empty() && stop_.is_set()) {
    return Failure(kExitFailed, absl::StrCat("file-bridge: interrupted; ", left.size(), " file(s) left in ",
                                             config_.watch_dir, "; run --once again to upload them"));
  }
  if (!left.empty()) {
    log_->warn("{} file(s) in {} kept changing for {} (--settle-limit); leaving them there", left.size(),
               config_.watch_dir, DurationText(config_.settle_limit));
    return Failure(kExitFailed,
                   absl::StrCat("file-bridge: ", left.size(), " file(s) in ", config_.watch_dir,
                                " were still changing after ", DurationText(config_.settle_limit),
                                " (--settle-limit) and were left there; run --once again when "
                                "their writer has finished"));
  }
  if (summary_.files_failed > 0) {
    return Failure(kExitFailed, absl::StrCat("file-bridge: ", summary_.files_failed,
                                             " file(s) could not be ingested and were "
                                             "moved to ",
                                             config_.failed_dir,
                                             " with a .reason file beside each; fix them "
                                             "and put them back in ",
                                             config_.watch_dir));
  }
  return {};
}

BridgeOutcome BridgeLoop::RunForever() {
  auto scan_or_log = [this](size_t max_files) -> std::vector<ScannedFile> {
    auto scan = scanner_.Scan(max_files);
    if (scan.ok()) return std::move(scan->settled);
    log_->error("{}; trying again at the next trigger", scan.status().message());
    return {};
  };
  scan_or_log(0);  // the first observation: files already there are complete at the first trigger
  absl::Time trigger_at = clock_->Now() + std::min(config_.settle, config_.interval);
  while (stop_.SleepFor(trigger_at - clock_->Now())) {
    std::vector<ScannedFile> files = scan_or_log(config_.max_files_per_trigger);
    if (!files.empty() && !Trigger(files, nullptr)) break;
    trigger_at = std::max(trigger_at + config_.interval, clock_->Now());
    const absl::Time observe_at = trigger_at - config_.settle;
    if (config_.settle > absl::ZeroDuration() && observe_at > clock_->Now()) {
      // Files present this long before the trigger are complete by the time it fires.
      if (!stop_.SleepFor(observe_at - clock_->Now())) break;
      scan_or_log(0);
    }
  }
  if (delivery_.exit_code() != kExitOk) return Failure(delivery_.exit_code(), delivery_.failure());
  log_->info("stopped; files not uploaded yet stay in {}", config_.watch_dir);
  return {};
}

int Run(const BridgeConfig& config) {
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  g_stop_requested.store(false);

  BridgeLoop loop(config);
  ProgressLine progress(StderrTerminal(), config.once ? config.progress : ProgressMode::kNever,
                        SystemClock::Get());
  progress.KeepLogsApart({"bridge"});
  OnceProgressText progress_text(absl::Now());
  auto render = [&] { return progress_text.Render(loop.Progress(), absl::Now()); };
  std::atomic<bool> done{false};
  // A signal handler may only set a flag; this thread turns it into a Stop() of the loop. It
  // also draws the progress line, since the loop's own thread waits on uploads.
  std::thread signal_watch([&] {
    bool stopped = false;
    while (!done.load()) {
      if (!stopped && g_stop_requested.load()) {
        loop.Stop();
        stopped = true;
      }
      progress.Update(render);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  BridgeOutcome outcome = loop.Run();
  done.store(true);
  signal_watch.join();
  progress.Finish(render);
  if (outcome.exit_code != kExitUsage) {
    std::string text = config.json ? FormatSummaryJson(outcome.summary) : FormatSummaryTable(outcome.summary);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  if (!outcome.failure.empty()) std::fprintf(stderr, "%s\n", outcome.failure.c_str());
  return outcome.exit_code;
}

}  // namespace ingest::bridge
