#include "file-bridge/file_delivery.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "common/failpoint.h"
#include "common/logging.h"
#include "common/units.h"
#include "file-bridge/file_digest.h"

namespace ingest::bridge {
namespace {

UploaderOptions UploaderOptionsFor(const BridgeConfig& c) {
  UploaderOptions o;
  o.target = c.target;
  // ValidateConfig read the files before the first upload; should they fail now, TLS with no
  // trusted CA fails every call rather than falling back to plaintext (or to no token).
  auto access = LoadClientAccess(c.tls, c.token_file);
  if (access.ok()) {
    o.access = std::move(*access);
  } else {
    o.access.credentials = grpc::SslCredentials(grpc::SslCredentialsOptions());
  }
  o.connect_timeout = c.connect_timeout;
  o.upload_timeout = c.upload_timeout;
  o.chunk_bytes = c.chunk_bytes;
  return o;
}

}  // namespace

FileDelivery::FileDelivery(const BridgeConfig& config, const Clock* clock, const StopFlag* stop,
                           BridgeSummary* summary)
    : config_(config),
      clock_(clock),
      stop_(stop),
      summary_(summary),
      uploader_(UploaderOptionsFor(config)),
      mover_(config.watch_dir, config.archive_dir, config.failed_dir),
      log_(Logger("bridge")) {}

FileDelivery::Step FileDelivery::Abort(int exit_code, std::string failure) {
  exit_code_ = exit_code;
  failure_ = std::move(failure);
  return Step::kAbort;
}

FileDelivery::Step FileDelivery::Deliver(const ScannedFile& file) {
  const std::string path = JoinPath(config_.watch_dir, file.name);
  auto digest = DigestFile(path, config_.chunk_bytes);
  if (absl::IsNotFound(digest.status())) return Step::kGone;
  if (!digest.ok()) {
    log_->error("{}; moving it to {} since it cannot be uploaded", digest.status().message(),
                config_.failed_dir);
    FileDigest unread;
    unread.size_bytes = file.identity.size;
    unread.identity = file.identity;
    return Refuse(file.name, unread, digest.status());
  }
  if (digest->identity != file.identity || digest->size_bytes != file.identity.size) {
    log_->info("{} changed since it was found complete; waiting for it to settle again", file.name);
    return Step::kChanged;
  }
  return Upload(file, *digest);
}

bool FileDelivery::Connect(UploadOutcome* outcome) {
  absl::Status s = uploader_.Connect();
  if (s.ok()) return true;
  if (absl::IsCancelled(s)) {
    outcome->verdict = UploadVerdict::kCancelled;
  } else if (!uploader_.ever_connected()) {
    Abort(kExitUsage, absl::StrCat("file-bridge: ", s.message(),
                                   "; is it running? start ingest-server, or point --target at it",
                                   TlsHint(config_.tls, s.message())));
  } else {
    outcome->verdict = UploadVerdict::kRetry;
    outcome->status = s;
  }
  return false;
}

FileDelivery::Step FileDelivery::Upload(const ScannedFile& file, const FileDigest& digest) {
  const std::string path = JoinPath(config_.watch_dir, file.name);
  absl::Duration backoff = config_.min_backoff;
  for (int attempts = 1;; ++attempts) {
    if (stop_->is_set()) return Step::kStopped;
    UploadOutcome outcome;
    if (Connect(&outcome)) {
      ++summary_->uploads;
      outcome = uploader_.Upload(path, file.name, digest);
    } else if (exit_code_ != kExitOk) {
      return Step::kAbort;
    }
    switch (outcome.verdict) {
      case UploadVerdict::kDone:
        return Archive(file.name, digest, outcome.result);
      case UploadVerdict::kRefused:
        return Refuse(file.name, digest, outcome.status);
      case UploadVerdict::kGone:
        return Step::kGone;
      case UploadVerdict::kChanged:
        log_->info("{} changed while it was uploaded; upload cancelled, waiting for it to settle again",
                   file.name);
        return Step::kChanged;
      case UploadVerdict::kCancelled:
        return Step::kStopped;
      case UploadVerdict::kRetry:
      case UploadVerdict::kBlocked:
        break;
    }
    ++summary_->retries;
    const bool blocked = outcome.verdict == UploadVerdict::kBlocked;
    if (config_.once && blocked) {
      return Abort(kExitFailed, absl::StrCat("file-bridge: ingest-server at ", config_.target,
                                             " does not take uploads (", DescribeStatus(outcome.status),
                                             "); ", file.name, " stays in ", config_.watch_dir,
                                             "; check the server's version and access, then run again"));
    }
    if (config_.once && attempts >= config_.once_max_attempts) {
      return Abort(kExitFailed, absl::StrCat("file-bridge: gave up on ", file.name, " after ", attempts,
                                             " attempts (last: ", DescribeStatus(outcome.status),
                                             "); it stays in ", config_.watch_dir,
                                             "; check the server with ingest-admin status, then run again"));
    }
    absl::Duration delay = blocked ? config_.max_backoff : std::max(backoff, outcome.retry_after);
    backoff = std::min(backoff * 2, config_.max_backoff);
    auto level = blocked ? spdlog::level::err : spdlog::level::warn;
    log_->log(level, "upload of {} failed ({}); retrying in {}, later files wait behind it", file.name,
              DescribeStatus(outcome.status), DurationText(delay));
    if (!stop_->SleepFor(delay)) return Step::kStopped;
  }
}

FileDelivery::Step FileDelivery::Archive(const std::string& name, const FileDigest& digest,
                                         const v1::UploadResult& result) {
  auto now_identity = IdentityOf(JoinPath(config_.watch_dir, name));
  if (now_identity.ok() && *now_identity != digest.identity) {
    log_->warn(
        "{} was replaced after it was uploaded (the uploaded content is durable); leaving the new "
        "file to settle and upload",
        name);
    return Step::kChanged;
  }
  // A fault test dies here: the result is in, the file not yet moved (a restart re-uploads it
  // and the server answers it as a duplicate).
  FailpointCrash("bridge_before_archive");
  std::string archived_as;
  Step step = MoveWithRetry(name, [&] {
    auto target = mover_.Archive(name, digest, result, clock_->Now());
    if (target.ok()) archived_as = *target;
    return target.status();
  });
  if (step != Step::kMoved) return step;
  ++summary_->files_archived;
  if (result.duplicate()) ++summary_->duplicates;
  if (!result.duplicate()) {  // a duplicate's rows were stored by the earlier upload
    summary_->rows_accepted += result.accepted();
    summary_->rows_rejected += result.rejected();
  }
  summary_->bytes_uploaded += digest.size_bytes;
  log_->info("archived {}{}: {} accepted, {} rejected, duplicate={}", name,
             archived_as == name ? "" : absl::StrCat(" as ", archived_as), result.accepted(),
             result.rejected(), result.duplicate());
  return Step::kMoved;
}

FileDelivery::Step FileDelivery::Refuse(const std::string& name, const FileDigest& digest,
                                        const absl::Status& why) {
  std::string failed_as;
  Step step = MoveWithRetry(name, [&] {
    auto target = mover_.Fail(name, digest, why, clock_->Now());
    if (target.ok()) failed_as = *target;
    return target.status();
  });
  if (step != Step::kMoved) return step;
  ++summary_->files_failed;
  log_->warn("{} not ingested ({}); moved to {} with {}{}", name, DescribeStatus(why),
             JoinPath(config_.failed_dir, failed_as), failed_as, kReasonSuffix);
  return Step::kMoved;
}

FileDelivery::Step FileDelivery::MoveWithRetry(const std::string& name,
                                               const std::function<absl::Status()>& move) {
  absl::Duration backoff = config_.min_backoff;
  for (int attempts = 1;; ++attempts) {
    absl::Status s = move();
    if (s.ok()) return Step::kMoved;
    if (absl::IsNotFound(IdentityOf(JoinPath(config_.watch_dir, name)).status())) return Step::kGone;
    if (config_.once && attempts >= config_.once_max_attempts) {
      return Abort(kExitFailed, absl::StrCat("file-bridge: cannot move ", name, " out of ", config_.watch_dir,
                                             ": ", s.message(),
                                             "; fix the folders and run again (the server "
                                             "answers a second upload of it as a duplicate)"));
    }
    log_->error(
        "cannot move {}: {}; retrying in {} (the server answers a second upload of it as a duplicate)", name,
        s.message(), DurationText(backoff));
    if (!stop_->SleepFor(backoff)) return Step::kStopped;
    backoff = std::min(backoff * 2, config_.max_backoff);
    for (const std::string* dir : {&config_.archive_dir, &config_.failed_dir}) {
      MakeDirectories(*dir).IgnoreError();  // someone may have removed one; the next move says why
    }
  }
}

}  // namespace ingest::bridge
