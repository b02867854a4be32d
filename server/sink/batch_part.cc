#include "server/sink/batch_part.h"

namespace ingest::server {

uint64_t StableHash(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool BatchPart::Holds(std::string_view event_id) const {
  return count <= 1 || static_cast<int>(StableHash(event_id) % static_cast<uint64_t>(count)) == index;
}

}  // namespace ingest::server
