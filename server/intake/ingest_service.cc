#include "server/intake/ingest_service.h"

#include "server/intake/event_stream.h"
#include "server/intake/upload_file.h"

namespace ingest::server {

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestServiceImpl::StreamEvents(
    grpc::CallbackServerContext* call) {
  return new EventStream(ctx_, call);
}

grpc::ServerReadReactor<v1::FileChunk>* IngestServiceImpl::UploadFile(grpc::CallbackServerContext* call,
                                                                      v1::UploadResult* result) {
  if (ctx_.files != nullptr && ctx_.uploads != nullptr) return new FileUpload(ctx_, call, result);
  class Unimplemented final : public grpc::ServerReadReactor<v1::FileChunk> {
   public:
    Unimplemented() {
      Finish({grpc::StatusCode::UNIMPLEMENTED, "this server is not set up to take file uploads"});
    }
    void OnDone() override { delete this; }
  };
  return new Unimplemented();
}

}  // namespace ingest::server
