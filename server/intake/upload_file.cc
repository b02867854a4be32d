#include "server/intake/upload_file.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/intake/append_for_ack.h"
#include "server/intake/file_intake.h"
#include "server/observability/log_rate.h"

namespace ingest::server {
namespace {

// How long an upload waits for a concurrent upload of the same file.
constexpr absl::Duration kWaitForTwin = absl::Minutes(10);

grpc::Status Invalid(const std::string& message) { return {grpc::StatusCode::INVALID_ARGUMENT, message}; }

// Counts a file's parts until each is durable (logged, or committed with --ack=committed).
struct PartsProgress {
  absl::Mutex mu;
  int pending ABSL_GUARDED_BY(mu) = 0;
  absl::Status failure ABSL_GUARDED_BY(mu);              // the first part that could not be made durable
  std::vector<RejectedRow> refused ABSL_GUARDED_BY(mu);  // --ack=committed: rows PostgreSQL refused

  void Add() {
    absl::MutexLock lock(&mu);
    ++pending;
  }
  void Done(const absl::Status& st, const std::vector<RejectedRow>& rows) {
    absl::MutexLock lock(&mu);
    --pending;
    if (!st.ok() && failure.ok()) failure = st;
    refused.insert(refused.end(), rows.begin(), rows.end());
  }
};

// Counts the rows PostgreSQL refused as rejected and lists them with the others, by line.
void AddRefused(const std::vector<RejectedRow>& refused, v1::UploadResult& result) {
  if (refused.empty()) return;
  const auto n = static_cast<uint32_t>(refused.size());
  result.set_accepted(result.accepted() > n ? result.accepted() - n : 0);
  result.set_rejected(result.rejected() + n);
  auto* list = result.mutable_rejections();
  ListRefused(refused, list);
  if (list->size() > kMaxListedRejections)
    list->DeleteSubrange(kMaxListedRejections, list->size() - kMaxListedRejections);
  result.set_rejections_truncated(result.rejected() > static_cast<uint32_t>(list->size()));
}

}  // namespace

FileUpload::FileUpload(const IngestContext& ctx, grpc::CallbackServerContext* call, v1::UploadResult* result)
    : ctx_(ctx), call_(call), result_(result), spool_(ctx.uploads_dir, ctx.max_upload_bytes) {
  if (absl::Status st = Open(); !st.ok()) {
    ctx_.metrics->Refused(st);
    if (absl::IsResourceExhausted(st)) call_->AddTrailingMetadata("retry-after-ms", "1000");
    End(ToGrpcStatus(st));
    return;
  }
  StartRead(&chunk_);
}

absl::Status FileUpload::Open() {
  grant_ = Grant::Open();
  if (ctx_.tokens != nullptr) {
    auto grant = ctx_.tokens->Authenticate(call_->client_metadata());
    if (!grant.ok()) return grant.status();
    grant_ = std::move(*grant);
  }
  if (ctx_.limits != nullptr) {
    auto ticket = ctx_.limits->OpenUpload();
    if (!ticket.ok()) return ticket.status();
    ticket_ = std::move(*ticket);
  }
  return absl::OkStatus();
}

void FileUpload::OnReadDone(bool ok) {
  if (ok) {
    ctx_.uploads->Run([this] { Receive(); });
  } else {
    ctx_.uploads->Run([this] { Complete(); });
  }
}

void FileUpload::Receive() {
  absl::Status st;
  if (grant_->revoked()) {
    st = absl::UnauthenticatedError(
        "the upload's token was removed from the server's --auth-tokens file (or what it allows changed)");
    ctx_.metrics->Refused(st);
  } else if (!spool_.started()) {
    st = ReceiveHeader();
  } else if (chunk_.has_header()) {
    st = absl::InvalidArgumentError("a second FileHeader arrived; send the header once, first");
  } else {
    st = spool_.Append(chunk_.data());
  }
  if (absl::IsResourceExhausted(st)) ctx_.metrics->Refused(st);  // over --max-upload-bytes
  if (!st.ok()) return End(ToGrpcStatus(st));
  StartRead(&chunk_);  // the last touch: the next chunk may arrive on another thread at once
}

absl::Status FileUpload::ReceiveHeader() {
  if (!chunk_.has_header()) {
    return absl::InvalidArgumentError(
        "the first FileChunk must be the header (file_name, sha256, size_bytes), then the data");
  }
  if (ctx_.budget != nullptr && ctx_.budget->Full()) {
    return absl::UnavailableError(
        "the write-ahead log is at its size limit (--wal-max-bytes) while PostgreSQL catches up; retry after "
        "the retry-after-ms hint");
  }
  return spool_.Begin(chunk_.header());
}

void FileUpload::Complete() {
  if (call_->IsCancelled()) return End({grpc::StatusCode::CANCELLED, "the upload was cancelled"});
  if (!spool_.started()) return End(Invalid("the upload ended before its FileHeader"));
  if (absl::Status st = spool_.Finish(); !st.ok()) return End(ToGrpcStatus(st));
  End(Ingest());
}

grpc::Status FileUpload::Ingest() {
  const std::string sha256 = spool_.sha256();
  auto earlier = ctx_.files->Claim(sha256, absl::Now() + kWaitForTwin);
  if (!earlier.ok()) return ToGrpcStatus(absl::UnavailableError(earlier.status().message()));
  if (!earlier->has_value()) {
    auto committed = ctx_.lookup_file(sha256);
    if (!committed.ok()) {
      ctx_.files->Release(sha256);
      return {grpc::StatusCode::UNAVAILABLE,
              absl::StrCat("cannot check whether the file was ingested before (",
                           committed.status().message(), "); retry later")};
    }
    if (committed->has_value()) {
      ctx_.files->Release(sha256);
      *earlier = std::move(*committed);
    }
  }
  if (earlier->has_value()) {
    *result_ = std::move(**earlier);
    result_->set_file_name(spool_.header().file_name());
    result_->set_duplicate(true);
    Logger("ingest")->info("upload of {} ({}): duplicate of an earlier ingestion, nothing stored",
                           spool_.header().file_name(), sha256);
    return grpc::Status::OK;
  }
  grpc::Status st = IngestParts(sha256);
  if (!st.ok()) ctx_.files->Release(sha256);
  return st;
}

grpc::Status FileUpload::IngestParts(const std::string& sha256) {
  auto progress = std::make_shared<PartsProgress>();
  FileRegistry* files = ctx_.files;
  std::map<std::string, uint64_t> rejects_by_code;
  auto emit = [&](WindowItem item, std::string body) -> absl::Status {
    progress->Add();
    for (const RejectedRow& r : item.rejects) rejects_by_code[r.code]++;
    AckCallbacks callbacks;
    callbacks.settled = [progress](const absl::Status& st, const std::vector<RejectedRow>& refused) {
      progress->Done(st, refused);
    };
    if (item.file_done.has_value()) {
      callbacks.committed = [files, sha256](const std::vector<RejectedRow>&) { files->Committed(sha256); };
    }
    return AppendForAck(*ctx_.batcher, ctx_.ack_mode, std::move(item), body, std::move(callbacks));
  };
  UploadedFile file{spool_.path(), spool_.header().file_name(), sha256, spool_.received()};
  if (grant_->prefix() != "*") {
    absl::Status allowed = CheckEventIds(file, ctx_.clock->Now(), [this](absl::string_view id) {
      return grant_->revoked()
                 ? absl::UnauthenticatedError("the upload's token was removed from --auth-tokens")
                 : grant_->Check("event_id", id);
    });
    if (!allowed.ok()) {
      ctx_.metrics->Refused(allowed);
      return ToGrpcStatus(allowed);
    }
  }
  auto result = ReadUploadedFile(file, ctx_.clock->Now(), emit);
  if (!result.ok()) return ToGrpcStatus(result.status());
  absl::Status failure;
  std::vector<RejectedRow> refused;
  {
    absl::MutexLock lock(&progress->mu);
    auto settled = [&]() ABSL_SHARED_LOCKS_REQUIRED(progress->mu) { return progress->pending == 0; };
    progress->mu.Await(absl::Condition(&settled));
    failure = progress->failure;
    refused.swap(progress->refused);
  }
  if (!failure.ok()) return ToGrpcStatus(failure);
  const std::string& name = spool_.header().file_name();
  ctx_.metrics->Received(Source::kFile, name, result->accepted() + result->rejected(), result->accepted(),
                         {});
  for (const auto& [code, count] : rejects_by_code) ctx_.metrics->Rejected(Source::kFile, name, code, count);
  AddRefused(refused, *result);  // after the metrics, which count what validation accepted
  files->Durable(sha256, *result);
  *result_ = std::move(*result);
  Logger("ingest")->info("upload of {} ({} bytes): {} rows accepted, {} rejected, durable",
                         spool_.header().file_name(), spool_.received(), result_->accepted(),
                         result_->rejected());
  return grpc::Status::OK;
}

void FileUpload::End(const grpc::Status& status) {
  static LogRate rate(absl::Seconds(30));
  const std::string& name = spool_.header().file_name();
  if (!status.ok()) {
    if (auto held = rate.Allow(name, absl::Now())) {
      Logger("ingest")->warn("upload of '{}' from {} refused: {}{}", name, call_->peer(),
                             status.error_message(), HeldBack(*held));
    }
  }
  ctx_.metrics->UploadEnded(!status.ok() ? "refused" : result_->duplicate() ? "duplicate" : "ingested");
  ctx_.metrics->RpcEnded("UploadFile", status.error_code());
  AddRetryHint(call_, status);
  ticket_.reset();  // the slot frees with the answer: a client retrying at once finds it free
  Finish(status);
}

void FileUpload::OnDone() { delete this; }

}  // namespace ingest::server
