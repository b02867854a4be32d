#include "server/model/window_item.h"

namespace ingest::server {

const char* SourceText(Source source) { return source == Source::kFile ? "file" : "stream"; }

}  // namespace ingest::server
