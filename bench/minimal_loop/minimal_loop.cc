#include "bench/minimal_loop/minimal_loop.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/minimal_loop/group_commit_log.h"
#include "ingest/v1/ingest.grpc.pb.h"

namespace ingest::bench {
namespace {

// Batches read but not yet acked before a stream stops reading, as in ingest-server.
constexpr int kMaxUnacked = 256;

absl::string_view View(const grpc::Slice& s) {
  return absl::string_view(reinterpret_cast<const char*>(s.begin()), s.size());
}

// The reactor of one StreamEvents call. It owns itself: gRPC holds one reference until OnDone,
// and each batch waiting for its fdatasync holds one.
class BatchStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  BatchStream(GroupCommitLog* log, std::atomic<uint64_t>* events) : log_(log), events_(events) {
    absl::MutexLock lock(&mu_);
    read_in_flight_ = true;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed: finish once everything is acked
      absl::MutexLock lock(&mu_);
      read_in_flight_ = false;
      reads_done_ = true;
      Pump();
      return;
    }
    grpc::Status status = Take();
    absl::MutexLock lock(&mu_);
    read_in_flight_ = false;
    if (!status.ok()) FinishNow(status);
    Pump();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    write_in_flight_ = false;
    if (!ok) FinishNow({grpc::StatusCode::UNAVAILABLE, "the ack could not be sent"});
    Pump();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishNow({grpc::StatusCode::CANCELLED, "cancelled"});
  }

  void OnDone() override { Unref(); }

 private:
  // Parses the batch in request_, checks its events and appends it to the log.
  grpc::Status Take() {
    slices_.clear();
    if (!request_.Dump(&slices_).ok()) return {grpc::StatusCode::INVALID_ARGUMENT, "unreadable message"};
    std::vector<absl::string_view> pieces;
    for (const grpc::Slice& s : slices_) pieces.push_back(View(s));
    bool parsed;
    if (pieces.size() == 1) {
      parsed = batch_.ParseFromArray(pieces[0].data(), static_cast<int>(pieces[0].size()));
    } else {
      joined_.clear();
      for (absl::string_view p : pieces) joined_.append(p.data(), p.size());
      parsed = batch_.ParseFromString(joined_);
    }
    if (!parsed) return {grpc::StatusCode::INVALID_ARGUMENT, "the message is not an EventBatch"};
    v1::BatchAck ack;
    ack.set_sequence(batch_.sequence());
    for (int i = 0; i < batch_.events_size(); ++i) {
      const v1::Event& e = batch_.events(i);
      if (!e.event_id().empty() && e.event_type() != v1::EVENT_TYPE_UNSPECIFIED) continue;
      v1::Rejection* r = ack.add_rejections();
      r->set_index(i);
      r->set_event_id(e.event_id());
      r->set_code(e.event_id().empty() ? "missing_field" : "bad_enum");
      r->set_reason(e.event_id().empty() ? "event_id is empty" : "event_type is not set");
    }
    ack.set_rejected(ack.rejections_size());
    ack.set_accepted(batch_.events_size() - ack.rejections_size());
    events_->fetch_add(batch_.events_size(), std::memory_order_relaxed);
    {
      absl::MutexLock lock(&mu_);
      ++unacked_;
    }
    refs_.fetch_add(1);
    absl::Status appended = log_->Append(
        pieces, [this, bytes = ack.SerializeAsString()]() mutable { OnDurable(std::move(bytes)); });
    if (appended.ok()) return grpc::Status::OK;
    absl::MutexLock lock(&mu_);
    --unacked_;
    refs_.fetch_sub(1);
    return {grpc::StatusCode::UNAVAILABLE, std::string(appended.message())};
  }

  void OnDurable(std::string ack) {
    {
      absl::MutexLock lock(&mu_);
      --unacked_;
      acks_.push_back(std::move(ack));
      Pump();
    }
    Unref();
  }

  // Writes the next ack, reads the next batch when allowed, finishes when all is acked.
  void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (!write_in_flight_ && !acks_.empty()) {
      grpc::Slice slice(acks_.front());
      acks_.pop_front();
      writing_ = grpc::ByteBuffer(&slice, 1);
      write_in_flight_ = true;
      StartWrite(&writing_);
    }
    if (!reads_done_ && !read_in_flight_ && unacked_ + static_cast<int>(acks_.size()) < kMaxUnacked) {
      read_in_flight_ = true;
      StartRead(&request_);
    }
    if (reads_done_ && unacked_ == 0 && acks_.empty() && !write_in_flight_) FinishNow(grpc::Status::OK);
  }

  void FinishNow(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  GroupCommitLog* const log_;
  std::atomic<uint64_t>* const events_;
  std::atomic<int> refs_{1};
  // Used by one read at a time: the next read starts only after Take() returned.
  grpc::ByteBuffer request_;
  std::vector<grpc::Slice> slices_;
  std::string joined_;
  v1::EventBatch batch_;

  absl::Mutex mu_;
  std::deque<std::string> acks_ ABSL_GUARDED_BY(mu_);  // durable, serialized, in batch order
  grpc::ByteBuffer writing_ ABSL_GUARDED_BY(mu_);
  int unacked_ ABSL_GUARDED_BY(mu_) = 0;  // appended, waiting for their fdatasync
  bool read_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

using ServiceBase = v1::IngestService::WithRawCallbackMethod_StreamEvents<
    v1::IngestService::WithCallbackMethod_UploadFile<v1::IngestService::Service>>;

class MinimalIngestService final : public ServiceBase {
 public:
  explicit MinimalIngestService(GroupCommitLog* log) : log_(log) {}

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StreamEvents(
      grpc::CallbackServerContext*) override {
    return new BatchStream(log_, &events_);
  }

  uint64_t events() const { return events_.load(); }

 private:
  GroupCommitLog* const log_;
  std::atomic<uint64_t> events_{0};
};

bool WriteReadyFile(const std::string& path, const std::string& address) {
  std::ofstream out(path + ".tmp");
  out << "ingest=" << address << "\n";
  out.close();
  return out && std::rename((path + ".tmp").c_str(), path.c_str()) == 0;
}

}  // namespace

int RunMinimalLoop(const MinimalLoopConfig& config) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before any thread starts: main alone waits
  auto log = GroupCommitLog::Open(config.log_file);
  if (!log.ok()) {
    std::fprintf(stderr, "ingest-minimal-loop: %s\n", std::string(log.status().message()).c_str());
    return 1;
  }
  MinimalIngestService service(log->get());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(64 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "ingest-minimal-loop: cannot listen on %s (in use? pass --listen HOST:PORT)\n",
                 config.listen.c_str());
    return 1;
  }
  const std::string address = absl::StrCat(config.listen.substr(0, config.listen.rfind(':')), ":", port);
  if (!config.ready_file.empty() && !WriteReadyFile(config.ready_file, address)) {
    std::fprintf(stderr, "ingest-minimal-loop: cannot write --ready-file %s\n", config.ready_file.c_str());
    return 1;
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  GroupCommitLog::Totals t = (*log)->totals();
  std::fprintf(
      stderr,
      "ingest-minimal-loop: %llu events in %llu batches, %llu bytes, %llu fdatasyncs (%.1f batches each)\n",
      static_cast<unsigned long long>(service.events()), static_cast<unsigned long long>(t.appends),
      static_cast<unsigned long long>(t.bytes), static_cast<unsigned long long>(t.syncs),
      t.syncs == 0 ? 0.0 : static_cast<double>(t.appends) / static_cast<double>(t.syncs));
  return 0;
}

}  // namespace ingest::bench
