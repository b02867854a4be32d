// FileUpload: the reactor of one UploadFile call. Chunks are spooled to a file in the uploads
// folder as they arrive (memory does not grow with the file), with the size limit checked per
// chunk and the sha256 computed on the way. Once the client half-closes, a worker thread checks
// the size and sha256 against the header, answers a duplicate from the file registry or
// ingested_files, else reads the CSV into window parts (each a log record) and returns the
// UploadResult once every part is durable.
#pragma once

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "common/sha256.h"
#include "ingest/v1/ingest.pb.h"
#include "server/ingest_context.h"

namespace ingest::server {

// The worker threads of uploads, so that shutdown can wait for them.
class UploadWorkers {
 public:
  void Run(std::function<void()> work) ABSL_LOCKS_EXCLUDED(mu_);
  // False if some are still running at `deadline`.
  bool WaitIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

// Creates the uploads folder, or empties it of parts left by a process that died mid-upload
// (never acknowledged, so the clients upload them again).
absl::Status PrepareUploadsDir(const std::string& dir);

class FileUpload final : public grpc::ServerReadReactor<v1::FileChunk> {
 public:
  FileUpload(const IngestContext& ctx, grpc::CallbackServerContext* call, v1::UploadResult* result);

  void OnReadDone(bool ok) override;
  void OnDone() override;

 private:
  grpc::Status Receive();
  grpc::Status Verify();
  // On the worker thread: everything after the last chunk.
  grpc::Status Ingest();
  grpc::Status IngestParts(const std::string& sha256);
  void End(const grpc::Status& status);

  IngestContext ctx_;
  grpc::CallbackServerContext* call_;
  v1::UploadResult* result_;
  v1::FileChunk chunk_;
  v1::FileHeader header_;
  bool have_header_ = false;
  Sha256 hash_;
  uint64_t received_ = 0;
  int fd_ = -1;
  std::string spool_path_;
};

}  // namespace ingest::server
