#include "file-bridge/file_uploader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/durable_file.h"
#include "common/sha256.h"
#include "common/status_util.h"
#include "common/units.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ingest::bridge {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const ClientAccess& access) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  return MakeClientChannel(target, access, args);
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

UploadOutcome Outcome(UploadVerdict verdict, absl::Status status) {
  UploadOutcome outcome;
  outcome.verdict = verdict;
  outcome.status = std::move(status);
  return outcome;
}

}  // namespace

UploadVerdict VerdictFor(grpc::StatusCode code, bool retry_hint) {
  switch (code) {
    case grpc::StatusCode::OK:
      return UploadVerdict::kDone;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return retry_hint ? UploadVerdict::kRetry : UploadVerdict::kRefused;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::PERMISSION_DENIED:  // an event id outside the token's producer prefix
      return UploadVerdict::kRefused;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::CANCELLED:  // by the server or a proxy; our own Cancel() is checked first
    case grpc::StatusCode::UNKNOWN:    // "Stream removed" after a lost connection
    case grpc::StatusCode::INTERNAL:   // RST_STREAM from a proxy
      return UploadVerdict::kRetry;
    default:  // UNIMPLEMENTED, UNAUTHENTICATED, NOT_FOUND...
      return UploadVerdict::kBlocked;
  }
}

std::string DescribeStatus(const absl::Status& s) {
  std::string code = absl::StatusCodeToString(s.code());
  if (s.message().empty() || s.message() == code) return code;
  return absl::StrCat(code, ": ", s.message());
}

FileUploader::FileUploader(UploaderOptions options)
    : options_(std::move(options)),
      channel_(MakeChannel(options_.target, options_.access)),
      stub_(v1::IngestService::NewStub(channel_)) {}

bool FileUploader::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

bool FileUploader::ever_connected() const {
  absl::MutexLock lock(&mu_);
  return ever_connected_;
}

void FileUploader::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (ctx_ != nullptr) ctx_->TryCancel();
}

absl::Status FileUploader::Connect() {
  const absl::Time give_up_at = absl::Now() + options_.connect_timeout;
  while (!cancelled()) {
    absl::Time now = absl::Now();
    if (now >= give_up_at) {
      return absl::UnavailableError(
          absl::StrCat("cannot reach ingest-server at ", options_.target, " (", ProbeError(), ")"));
    }
    absl::Time slice = std::min(give_up_at, now + absl::Milliseconds(100));
    if (channel_->WaitForConnected(absl::ToChronoTime(slice))) {
      absl::MutexLock lock(&mu_);
      ever_connected_ = true;
      return absl::OkStatus();
    }
  }
  return absl::CancelledError("stopped while connecting");
}

std::string FileUploader::ProbeError() {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&ctx, request, &response);
  return UnreachableReason(status.error_message(), options_.connect_timeout);
}

bool FileUploader::SendBody(int fd, const FileDigest& digest, Writer* writer, bool* changed) {
  Sha256 hash;
  uint64_t sent = 0;
  v1::FileChunk chunk;
  *changed = false;
  while (sent < digest.size_bytes) {
    std::string* data = chunk.mutable_data();
    data->resize(static_cast<size_t>(std::min<uint64_t>(options_.chunk_bytes, digest.size_bytes - sent)));
    ssize_t n = read(fd, data->data(), data->size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // shorter than hashed, or unreadable now: either way not the file of the header
      *changed = true;
      return true;
    }
    data->resize(static_cast<size_t>(n));
    hash.Update(*data);
    sent += static_cast<uint64_t>(n);
    if (!writer->Write(chunk)) return false;
    body_sent_.store(sent, std::memory_order_relaxed);
  }
  char extra;
  ssize_t n;
  do {
    n = read(fd, &extra, 1);
  } while (n < 0 && errno == EINTR);
  *changed = n != 0 || ToHex(hash.Finish()) != digest.sha256;
  return true;
}

UploadOutcome FileUploader::Upload(const std::string& path, const std::string& file_name,
                                   const FileDigest& digest) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    absl::Status why = absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", ErrnoText(err)));
    return Outcome(err == ENOENT ? UploadVerdict::kGone : UploadVerdict::kRetry, why);
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.upload_timeout));
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) {
      close(fd);
      return Outcome(UploadVerdict::kCancelled, absl::CancelledError("stopped"));
    }
    ctx_ = &ctx;
  }
  v1::UploadResult result;
  std::unique_ptr<Writer> writer = stub_->UploadFile(&ctx, &result);
  v1::FileChunk header;
  header.mutable_header()->set_file_name(file_name);
  header.mutable_header()->set_sha256(digest.sha256);
  header.mutable_header()->set_size_bytes(digest.size_bytes);
  bool changed = false;
  bool ok = writer->Write(header) && SendBody(fd, digest, writer.get(), &changed);
  close(fd);
  if (changed) ctx.TryCancel();  // the server must not store bytes the header does not describe
  if (ok && !changed) writer->WritesDone();
  grpc::Status status = writer->Finish();
  body_sent_.store(0, std::memory_order_relaxed);
  {
    absl::MutexLock lock(&mu_);
    ctx_ = nullptr;
    if (cancelled_)
      return Outcome(UploadVerdict::kCancelled, absl::CancelledError("stopped during the upload"));
  }
  if (changed) {
    return Outcome(UploadVerdict::kChanged,
                   absl::AbortedError(absl::StrCat(path, " changed after it was hashed; upload cancelled")));
  }
  const absl::Duration retry_after = RetryAfterHint(ctx);
  UploadOutcome outcome =
      Outcome(VerdictFor(status.error_code(), retry_after > absl::ZeroDuration()), FromGrpcStatus(status));
  if (status.ok()) outcome.result = std::move(result);
  outcome.retry_after = retry_after;
  return outcome;
}

}  // namespace ingest::bridge
