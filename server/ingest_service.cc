#include "server/ingest_service.h"

#include "server/event_stream.h"

namespace ingest::server {

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestServiceImpl::StreamEvents(
    grpc::CallbackServerContext* call) {
  return new EventStream(ctx_, call);
}

grpc::ServerReadReactor<v1::FileChunk>* IngestServiceImpl::UploadFile(grpc::CallbackServerContext*,
                                                                      v1::UploadResult*) {
  class Unimplemented final : public grpc::ServerReadReactor<v1::FileChunk> {
   public:
    Unimplemented() {
      Finish({grpc::StatusCode::UNIMPLEMENTED, "UploadFile is not available in this version of ingest-server"});
    }
    void OnDone() override { delete this; }
  };
  return new Unimplemented();
}

}  // namespace ingest::server
