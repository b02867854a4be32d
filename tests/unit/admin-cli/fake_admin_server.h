// An in-process ingest.v1.AdminService with canned answers, plus gRPC's default health
// service, listening on 127.0.0.1 at a port the kernel picked: the server side of the
// ingest-admin tests.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "ingest/v1/admin.grpc.pb.h"

namespace ingest::admin::testing {

class FakeAdminService final : public v1::AdminService::Service {
 public:
  // Answers; an error status, when not OK, is returned instead of the response.
  v1::GetStatusResponse status_response;
  grpc::Status status_error;
  v1::ListBatchesResponse batches_response;
  v1::FlushResponse flush_response;
  grpc::Status flush_error;
  v1::ListProducersResponse producers_response;
  v1::ListRejectionsResponse rejections_response;
  grpc::Status rejections_error;
  v1::ListFilesResponse files_response;
  v1::WhereIsEventResponse where_response;

  // The last request of each list / lookup RPC.
  v1::ListProducersRequest last_producers_request() const {
    std::lock_guard lock(mu_);
    return last_producers_request_;
  }
  v1::ListRejectionsRequest last_rejections_request() const {
    std::lock_guard lock(mu_);
    return last_rejections_request_;
  }
  v1::ListFilesRequest last_files_request() const {
    std::lock_guard lock(mu_);
    return last_files_request_;
  }
  v1::WhereIsEventRequest last_where_request() const {
    std::lock_guard lock(mu_);
    return last_where_request_;
  }

  // What the calls asked for.
  uint32_t last_batches_limit() const {
    std::lock_guard lock(mu_);
    return last_batches_limit_;
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // Time the last Flush had left before its deadline when it arrived.
  std::chrono::milliseconds last_flush_budget() const {
    std::lock_guard lock(mu_);
    return last_flush_budget_;
  }

  grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*,
                         v1::GetStatusResponse* response) override {
    Count();
    if (!status_error.ok()) return status_error;
    *response = status_response;
    return grpc::Status::OK;
  }

  grpc::Status ListBatches(grpc::ServerContext*, const v1::ListBatchesRequest* request,
                           v1::ListBatchesResponse* response) override {
    {
      std::lock_guard lock(mu_);
      ++calls_;
      last_batches_limit_ = request->limit();
    }
    *response = batches_response;
    return grpc::Status::OK;
  }

  grpc::Status ListProducers(grpc::ServerContext*, const v1::ListProducersRequest* request,
                             v1::ListProducersResponse* response) override {
    Remember(*request, &last_producers_request_);
    *response = producers_response;
    return grpc::Status::OK;
  }

  grpc::Status ListRejections(grpc::ServerContext*, const v1::ListRejectionsRequest* request,
                              v1::ListRejectionsResponse* response) override {
    Remember(*request, &last_rejections_request_);
    if (!rejections_error.ok()) return rejections_error;
    *response = rejections_response;
    return grpc::Status::OK;
  }

  grpc::Status ListFiles(grpc::ServerContext*, const v1::ListFilesRequest* request,
                         v1::ListFilesResponse* response) override {
    Remember(*request, &last_files_request_);
    *response = files_response;
    return grpc::Status::OK;
  }

  grpc::Status WhereIsEvent(grpc::ServerContext*, const v1::WhereIsEventRequest* request,
                            v1::WhereIsEventResponse* response) override {
    Remember(*request, &last_where_request_);
    *response = where_response;
    return grpc::Status::OK;
  }

  grpc::Status Flush(grpc::ServerContext* context, const v1::FlushRequest*,
                     v1::FlushResponse* response) override {
    {
      std::lock_guard lock(mu_);
      ++calls_;
      last_flush_budget_ = std::chrono::duration_cast<std::chrono::milliseconds>(
          context->deadline() - std::chrono::system_clock::now());
    }
    if (!flush_error.ok()) return flush_error;
    *response = flush_response;
    return grpc::Status::OK;
  }

 private:
  void Count() {
    std::lock_guard lock(mu_);
    ++calls_;
  }
  template <typename Request>
  void Remember(const Request& request, Request* last) {
    std::lock_guard lock(mu_);
    ++calls_;
    *last = request;
  }

  mutable std::mutex mu_;
  uint32_t last_batches_limit_ = 0;
  int calls_ = 0;
  std::chrono::milliseconds last_flush_budget_{0};
  v1::ListProducersRequest last_producers_request_;
  v1::ListRejectionsRequest last_rejections_request_;
  v1::ListFilesRequest last_files_request_;
  v1::WhereIsEventRequest last_where_request_;
};

// The fake service and the health service on 127.0.0.1:<port>, until destroyed.
class FakeAdminServer {
 public:
  FakeAdminServer() {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FakeAdminServer() { server_->Shutdown(std::chrono::system_clock::now()); }

  bool started() const { return server_ != nullptr && port_ > 0; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeAdminService& service() { return service_; }
  void SetServing(const std::string& service, bool serving) {
    server_->GetHealthCheckService()->SetServingStatus(service, serving);
  }

 private:
  FakeAdminService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// A loopback port nothing listens on: bound to learn it, then closed.
inline int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace ingest::admin::testing
