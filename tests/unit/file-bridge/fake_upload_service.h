// A fake IngestService for the file-bridge tests: UploadFile reads the whole upload, checks the
// header's sha256 and size against the bytes like the server does, remembers every call, and
// answers from a script (errors with an optional retry-after-ms trailer, duplicates) or, past
// the script, with a result counting the file's lines (a sha256 seen before is a duplicate).
#pragma once

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "ingest/v1/ingest.grpc.pb.h"

namespace ingest::bridge::testing {

class FakeUploadService final : public v1::IngestService::Service {
 public:
  struct Answer {
    grpc::StatusCode code = grpc::StatusCode::OK;
    std::string message;
    std::string retry_after_ms;  // trailer sent with an error, when not empty
    bool duplicate = false;
    uint32_t rejected = 0;

    static Answer Error(grpc::StatusCode code, std::string message, std::string retry_after_ms = "") {
      Answer a;
      a.code = code;
      a.message = std::move(message);
      a.retry_after_ms = std::move(retry_after_ms);
      return a;
    }
    static Answer Result(bool duplicate, uint32_t rejected = 0) {
      Answer a;
      a.duplicate = duplicate;
      a.rejected = rejected;
      return a;
    }
  };
  struct Call {
    v1::FileHeader header;
    bool header_first = false;
    std::string data;
    int data_chunks = 0;
    bool cancelled = false;  // the client cancelled the call
    grpc::StatusCode answered = grpc::StatusCode::OK;
    absl::Time at;  // when the call arrived
  };

  // Answers for the next calls, in order; later calls get the default answer.
  void Script(std::vector<Answer> answers) {
    absl::MutexLock lock(&mu_);
    script_.assign(answers.begin(), answers.end());
  }
  // Every call from now on answers `answer`.
  void AlwaysAnswer(Answer answer) {
    absl::MutexLock lock(&mu_);
    always_ = std::make_unique<Answer>(answer);
  }

  std::vector<Call> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  // Waits until `n` calls have ended; false after `timeout`.
  bool WaitForCalls(size_t n, absl::Duration timeout = absl::Seconds(5)) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return calls_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  grpc::Status UploadFile(grpc::ServerContext* ctx, grpc::ServerReader<v1::FileChunk>* reader,
                          v1::UploadResult* result) override {
    Call call;
    call.at = absl::Now();
    v1::FileChunk chunk;
    bool first = true;
    while (reader->Read(&chunk)) {
      if (first) call.header_first = chunk.has_header();
      if (chunk.has_header()) call.header = chunk.header();
      if (chunk.chunk_case() == v1::FileChunk::kData) {
        call.data += chunk.data();
        ++call.data_chunks;
      }
      first = false;
    }
    call.cancelled = ctx->IsCancelled();
    Answer answer;
    {
      absl::MutexLock lock(&mu_);
      if (always_ != nullptr) {
        answer = *always_;
      } else if (!script_.empty()) {
        answer = script_.front();
        script_.pop_front();
      }
    }
    grpc::Status status = Respond(ctx, call, answer, result);
    call.answered = status.error_code();
    absl::MutexLock lock(&mu_);
    calls_.push_back(std::move(call));
    return status;
  }

 private:
  grpc::Status Respond(grpc::ServerContext* ctx, const Call& call, const Answer& answer,
                       v1::UploadResult* result) {
    if (call.cancelled) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    if (answer.code != grpc::StatusCode::OK) {
      if (!answer.retry_after_ms.empty()) ctx->AddTrailingMetadata("retry-after-ms", answer.retry_after_ms);
      return grpc::Status(answer.code, answer.message);
    }
    if (!call.header_first) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "header must come first");
    const std::string sha = ToHex(Sha256Digest(call.data));
    if (sha != call.header.sha256() || call.data.size() != call.header.size_bytes()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "header says sha256 " + call.header.sha256() + ", the bytes have " + sha);
    }
    const uint32_t lines = static_cast<uint32_t>(std::count(call.data.begin(), call.data.end(), '\n'));
    const uint32_t rows = lines > 0 ? lines - 1 : 0;
    result->set_file_name(call.header.file_name());
    result->set_sha256(sha);
    result->set_rejected(std::min(answer.rejected, rows));
    result->set_accepted(rows - result->rejected());
    for (uint32_t i = 0; i < result->rejected(); ++i) {
      v1::Rejection* r = result->add_rejections();
      r->set_index(i + 2);
      r->set_code("bad_number");
      r->set_reason("product_price is not a number");
    }
    absl::MutexLock lock(&mu_);
    result->set_duplicate(answer.duplicate || !seen_.insert(sha).second);
    return grpc::Status::OK;
  }

  absl::Mutex mu_;
  std::deque<Answer> script_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<Answer> always_ ABSL_GUARDED_BY(mu_);
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> seen_ ABSL_GUARDED_BY(mu_);
};

// The fake served on 127.0.0.1 at a port the kernel picks.
class FakeUploadServer {
 public:
  FakeUploadServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FakeUploadServer() {
    server_->Shutdown(gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_millis(500, GPR_TIMESPAN)));
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeUploadService& service() { return service_; }

 private:
  FakeUploadService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace ingest::bridge::testing
