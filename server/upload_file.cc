#include "server/upload_file.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/file_intake.h"
#include "server/log_rate.h"
#include "common/durable_file.h"
#include "server/wal_record.h"

namespace ingest::server {
namespace {

// How long an upload waits for a concurrent upload of the same file.
constexpr absl::Duration kWaitForTwin = absl::Minutes(10);

grpc::Status Invalid(const std::string& message) { return {grpc::StatusCode::INVALID_ARGUMENT, message}; }

bool IsHexSha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Counts a file's parts until each is durable (logged, or committed with --ack=committed).
struct PartsProgress {
  absl::Mutex mu;
  int pending ABSL_GUARDED_BY(mu) = 0;
  absl::Status failure ABSL_GUARDED_BY(mu);

  void Add() {
    absl::MutexLock lock(&mu);
    ++pending;
  }
  void Done(const absl::Status& st) {
    absl::MutexLock lock(&mu);
    --pending;
    if (!st.ok() && failure.ok()) failure = st;
  }
};

}  // namespace

absl::Status PrepareUploadsDir(const std::string& dir) {
  RETURN_IF_ERROR(MakeDirectories(dir));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".part") std::filesystem::remove(entry.path(), ec);
  }
  if (ec) return absl::InternalError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

void UploadWorkers::Run(std::function<void()> work) {
  {
    absl::MutexLock lock(&mu_);
    ++running_;
  }
  std::thread([this, work = std::move(work)] {
    pthread_setname_np(pthread_self(), "upload");
    work();
    absl::MutexLock lock(&mu_);
    --running_;
  }).detach();
}

bool UploadWorkers::WaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return running_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

FileUpload::FileUpload(const IngestContext& ctx, grpc::CallbackServerContext* call, v1::UploadResult* result)
    : ctx_(ctx), call_(call), result_(result) {
  StartRead(&chunk_);
}

void FileUpload::OnReadDone(bool ok) {
  if (ok) {
    grpc::Status st = Receive();
    if (!st.ok()) return End(st);
    StartRead(&chunk_);
    return;
  }
  if (call_->IsCancelled()) return End({grpc::StatusCode::CANCELLED, "the upload was cancelled"});
  if (grpc::Status st = Verify(); !st.ok()) return End(st);
  ctx_.upload_workers->Run([this] { End(Ingest()); });
}

grpc::Status FileUpload::Receive() {
  if (!have_header_) {
    if (!chunk_.has_header()) {
      return Invalid("the first FileChunk must be the header (file_name, sha256, size_bytes), then the data");
    }
    header_ = chunk_.header();
    if (header_.file_name().empty()) return Invalid("the FileHeader has no file_name");
    if (!IsHexSha256(header_.sha256())) {
      return Invalid(absl::StrCat("the FileHeader's sha256 '", header_.sha256(),
                                  "' is not 64 hexadecimal digits"));
    }
    if (header_.size_bytes() > ctx_.max_upload_bytes) {
      return {grpc::StatusCode::RESOURCE_EXHAUSTED,
              absl::StrCat(header_.file_name(), " is ", header_.size_bytes(), " bytes; this server takes files up to ",
                           ctx_.max_upload_bytes, " bytes (--max-upload-bytes)")};
    }
    if (ctx_.budget != nullptr && ctx_.budget->Full()) {
      return {grpc::StatusCode::UNAVAILABLE,
              "the write-ahead log is at its size limit (--wal-max-bytes) while PostgreSQL catches up; retry after "
              "the retry-after-ms hint"};
    }
    spool_path_ = absl::StrCat(ctx_.uploads_dir, "/upload-", reinterpret_cast<uintptr_t>(this), "-",
                               absl::ToUnixNanos(absl::Now()), ".part");
    fd_ = open(spool_path_.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      return {grpc::StatusCode::UNAVAILABLE,
              absl::StrCat("cannot spool the upload to ", spool_path_, ": ", std::strerror(errno))};
    }
    have_header_ = true;
    return grpc::Status::OK;
  }
  if (chunk_.has_header()) return Invalid("a second FileHeader arrived; send the header once, first");
  const std::string& data = chunk_.data();
  received_ += data.size();
  if (received_ > ctx_.max_upload_bytes) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            absl::StrCat(header_.file_name(), " is over ", ctx_.max_upload_bytes,
                         " bytes; this server takes files up to that size (--max-upload-bytes)")};
  }
  if (received_ > header_.size_bytes()) {
    return Invalid(absl::StrCat(header_.file_name(), ": more data arrived (", received_,
                                " bytes so far) than the header's size_bytes ", header_.size_bytes()));
  }
  hash_.Update(data);
  for (size_t done = 0; done < data.size();) {
    ssize_t n = write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return {grpc::StatusCode::UNAVAILABLE,
              absl::StrCat("cannot spool the upload to ", spool_path_, ": ", std::strerror(errno))};
    }
    done += static_cast<size_t>(n);
  }
  return grpc::Status::OK;
}

grpc::Status FileUpload::Verify() {
  if (!have_header_) return Invalid("the upload ended before its FileHeader");
  if (close(fd_) != 0) {
    fd_ = -1;
    return {grpc::StatusCode::UNAVAILABLE, absl::StrCat("cannot spool the upload: ", std::strerror(errno))};
  }
  fd_ = -1;
  if (received_ != header_.size_bytes()) {
    return Invalid(absl::StrCat(header_.file_name(), ": the header says size_bytes ", header_.size_bytes(),
                                " but ", received_, " bytes arrived"));
  }
  const std::string actual = ToHex(hash_.Finish());
  if (actual != absl::AsciiStrToLower(header_.sha256())) {
    return Invalid(absl::StrCat(header_.file_name(), ": the header says sha256 ", header_.sha256(),
                                " but the data received has sha256 ", actual));
  }
  return grpc::Status::OK;
}

grpc::Status FileUpload::Ingest() {
  const std::string sha256 = absl::AsciiStrToLower(header_.sha256());
  auto earlier = ctx_.files->Claim(sha256, absl::Now() + kWaitForTwin);
  if (!earlier.ok()) return ToGrpcStatus(absl::UnavailableError(earlier.status().message()));
  if (!earlier->has_value()) {
    auto committed = ctx_.lookup_file(sha256);
    if (!committed.ok()) {
      ctx_.files->Release(sha256);
      return {grpc::StatusCode::UNAVAILABLE,
              absl::StrCat("cannot check whether the file was ingested before (", committed.status().message(),
                           "); retry later")};
    }
    if (committed->has_value()) {
      ctx_.files->Release(sha256);
      *earlier = std::move(*committed);
    }
  }
  if (earlier->has_value()) {
    *result_ = std::move(**earlier);
    result_->set_file_name(header_.file_name());
    result_->set_duplicate(true);
    Logger("ingest")->info("upload of {} ({}): duplicate of an earlier ingestion, nothing stored",
                           header_.file_name(), sha256);
    return grpc::Status::OK;
  }
  grpc::Status st = IngestParts(sha256);
  if (!st.ok()) ctx_.files->Release(sha256);
  return st;
}

grpc::Status FileUpload::IngestParts(const std::string& sha256) {
  auto progress = std::make_shared<PartsProgress>();
  FileRegistry* files = ctx_.files;
  const bool durable_acks = ctx_.durable_acks;
  std::map<std::string, uint64_t> rejects_by_code;
  auto emit = [&](WindowItem item, std::string body) -> absl::Status {
    progress->Add();
    for (const RejectedRow& r : item.rejects) rejects_by_code[r.code]++;
    auto once = std::make_shared<std::atomic<bool>>(false);
    auto complete = [progress, once](const absl::Status& st) {
      if (!once->exchange(true)) progress->Done(st);
    };
    const bool last = item.file_done.has_value();
    item.on_committed = [complete, files, sha256, last] {
      complete(absl::OkStatus());
      if (last) files->Committed(sha256);
    };
    item.log_state = std::make_shared<std::atomic<int>>(kLogPending);
    WalWriter::Done logged = [complete, durable_acks, state = item.log_state](absl::Status st) {
      state->store(st.ok() ? kLogged : kLogFailed);
      if (!st.ok()) {
        complete(st);
      } else if (durable_acks) {
        complete(st);
      }
    };
    std::string record = EncodeWalRecord(item, body);
    absl::Status added = ctx_.batcher->Add(std::move(item), std::move(record), std::move(logged));
    if (!added.ok()) complete(added);
    return added;
  };
  UploadedFile file{spool_path_, header_.file_name(), sha256, received_};
  auto result = ReadUploadedFile(file, ctx_.clock->Now(), emit);
  if (!result.ok()) return ToGrpcStatus(result.status());
  absl::Status failure;
  {
    absl::MutexLock lock(&progress->mu);
    auto settled = [&]() ABSL_SHARED_LOCKS_REQUIRED(progress->mu) { return progress->pending == 0; };
    progress->mu.Await(absl::Condition(&settled));
    failure = progress->failure;
  }
  if (!failure.ok()) return ToGrpcStatus(failure);
  const std::string& name = header_.file_name();
  ctx_.metrics->Received(Source::kFile, name, result->accepted() + result->rejected(), result->accepted(), {});
  for (const auto& [code, count] : rejects_by_code) ctx_.metrics->Rejected(Source::kFile, name, code, count);
  files->Durable(sha256, *result);
  *result_ = std::move(*result);
  Logger("ingest")->info("upload of {} ({} bytes): {} rows accepted, {} rejected, durable", header_.file_name(),
                         received_, result_->accepted(), result_->rejected());
  return grpc::Status::OK;
}

void FileUpload::End(const grpc::Status& status) {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!spool_path_.empty()) unlink(spool_path_.c_str());
  static LogRate rate(absl::Seconds(30));
  if (!status.ok()) {
    if (auto held = rate.Allow(header_.file_name(), absl::Now())) {
      Logger("ingest")->warn("upload of '{}' from {} refused: {}{}", header_.file_name(), call_->peer(),
                             status.error_message(), HeldBack(*held));
    }
  }
  ctx_.metrics->UploadEnded(!status.ok() ? "refused" : result_->duplicate() ? "duplicate" : "ingested");
  ctx_.metrics->RpcEnded("UploadFile", status.error_code());
  AddRetryHint(call_, status);
  Finish(status);
}

void FileUpload::OnDone() { delete this; }

}  // namespace ingest::server
