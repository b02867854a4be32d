// FileUploader: the bridge's connection to ingest-server and one UploadFile call per file: a
// FileChunk with the FileHeader (name, sha256, size), then the file's bytes in chunks read from
// disk as they are sent. The bytes sent are hashed again on the way; if the file no longer
// matches its header the call is cancelled before it ends, so the server stores nothing.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/client_access.h"
#include "file-bridge/file_digest.h"
#include "ingest/v1/ingest.grpc.pb.h"

namespace ingest::bridge {

enum class UploadVerdict {
  kDone,       // an UploadResult: every row is durable (a duplicate too)
  kRefused,    // INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION: the file goes to failed/
  kRetry,      // UNAVAILABLE, DEADLINE_EXCEEDED, a lost connection...: the same file again later
  kBlocked,    // the server takes no uploads from us (UNIMPLEMENTED, UNAUTHENTICATED...)
  kChanged,    // the file is not what was hashed any more: it must settle again
  kGone,       // the file disappeared from the watch folder
  kCancelled,  // Cancel() was called: the file stays where it is
};

struct UploadOutcome {
  UploadVerdict verdict = UploadVerdict::kRetry;
  v1::UploadResult result;                            // kDone
  absl::Status status;                                // why, for every other verdict
  absl::Duration retry_after = absl::ZeroDuration();  // the server's retry-after-ms trailer
};

struct UploaderOptions {
  std::string target;
  ClientAccess access;  // TLS and token; default: plaintext, no token
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration upload_timeout = absl::Minutes(10);
  size_t chunk_bytes = 64 * 1024;
};

class FileUploader {
 public:
  explicit FileUploader(UploaderOptions options);

  // Waits until the channel is connected, at most the connect timeout; Unavailable naming the
  // transport's reason ("connection refused") otherwise, Cancelled after Cancel().
  absl::Status Connect();
  bool ever_connected() const;

  // Uploads `path` as `file_name`, claiming `digest`; blocks until the server answers.
  UploadOutcome Upload(const std::string& path, const std::string& file_name, const FileDigest& digest);

  // Abandons the call in flight and refuses later ones. Thread-safe.
  void Cancel();

  // Bytes of the file sent so far by the upload in flight; 0 between uploads. Thread-safe, for
  // a progress line.
  uint64_t body_bytes_sent() const { return body_sent_.load(std::memory_order_relaxed); }

 private:
  using Writer = grpc::ClientWriter<v1::FileChunk>;
  // Sends the file's bytes after the header; false in `*changed` means they matched the digest.
  bool SendBody(int fd, const FileDigest& digest, Writer* writer, bool* changed);
  std::string ProbeError();
  bool cancelled() const;

  const UploaderOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> stub_;

  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool ever_connected_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;  // of the call in flight
  std::atomic<uint64_t> body_sent_{0};
};

// Which verdict a status of UploadFile leads to; `retry_hint`: the server sent a retry-after-ms
// trailer (a RESOURCE_EXHAUSTED with it is a busy server, e.g. --max-uploads, not a bad file).
UploadVerdict VerdictFor(grpc::StatusCode code, bool retry_hint = false);

// "INVALID_ARGUMENT: message", or just the code name when there is no message.
std::string DescribeStatus(const absl::Status& status);

}  // namespace ingest::bridge
