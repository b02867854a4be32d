// FileUpload: the reactor of one UploadFile call. Nothing it does touches the disk or waits on a
// gRPC callback thread: each chunk is handed to the uploads pool, which spools it (UploadSpool)
// and then asks for the next one, so the client is held back by flow control while the pool is
// busy. After the last chunk, the same pool checks the size and sha256, answers a duplicate from
// the file registry or ingested_files, else reads the CSV into window parts (each a log record,
// see file_intake.h) and returns the UploadResult once every part is durable. Before its first
// read, the call's token and the upload limit are checked (server/access/).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "ingest/v1/ingest.pb.h"
#include "server/intake/ingest_context.h"
#include "server/intake/upload_spool.h"

namespace ingest::server {

class FileUpload final : public grpc::ServerReadReactor<v1::FileChunk> {
 public:
  FileUpload(const IngestContext& ctx, grpc::CallbackServerContext* call, v1::UploadResult* result);

  void OnReadDone(bool ok) override;
  void OnDone() override;

 private:
  // The call's token and a place under --max-uploads; an error refuses the call unread.
  absl::Status Open();
  // On the uploads pool: one chunk into the spool, then the next read.
  void Receive();
  absl::Status ReceiveHeader();
  // On the uploads pool, after the last chunk: everything up to the answer.
  void Complete();
  grpc::Status Ingest();
  grpc::Status IngestParts(const std::string& sha256);
  // Finishes the call; nothing may touch the reactor afterwards.
  void End(const grpc::Status& status);

  IngestContext ctx_;
  grpc::CallbackServerContext* call_;
  v1::UploadResult* result_;
  v1::FileChunk chunk_;
  UploadSpool spool_;
  std::shared_ptr<const Grant> grant_;                // what the call's token allows
  std::unique_ptr<CallLimits::UploadTicket> ticket_;  // its place under --max-uploads; null without limits
};

}  // namespace ingest::server
