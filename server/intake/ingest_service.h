// The IngestService on gRPC's callback API. StreamEvents is registered raw (ByteBuffer), so the
// server sees each batch's bytes as they arrived: the log stores them unchanged, and text that is
// not UTF-8 rejects only its event instead of failing the whole message in protobuf's parser.
#pragma once

#include <grpcpp/grpcpp.h>

#include "ingest/v1/ingest.grpc.pb.h"
#include "server/intake/ingest_context.h"

namespace ingest::server {

using IngestServiceBase = v1::IngestService::WithRawCallbackMethod_StreamEvents<
    v1::IngestService::WithCallbackMethod_UploadFile<v1::IngestService::Service>>;

class IngestServiceImpl final : public IngestServiceBase {
 public:
  explicit IngestServiceImpl(const IngestContext& ctx) : ctx_(ctx) {}

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StreamEvents(
      grpc::CallbackServerContext* call) override;
  grpc::ServerReadReactor<v1::FileChunk>* UploadFile(grpc::CallbackServerContext* call,
                                                     v1::UploadResult* result) override;

 private:
  IngestContext ctx_;
};

}  // namespace ingest::server
