// Which of a micro-batch's events one writer handles when the batch is written through several
// PostgreSQL connections (--writers): those whose event_id hashes to its part. One id always falls
// in the same part, so the parts touch disjoint rows of user_events and "the later position of a
// repeated event_id wins" holds inside each part as it does in the whole batch.
#pragma once

#include <cstdint>
#include <string_view>

namespace ingest::server {

struct BatchPart {
  int index = 0;
  int count = 1;  // 1: the whole batch

  bool Holds(std::string_view event_id) const;
};

// FNV-1a over the bytes: stable across processes and builds, unlike absl::Hash.
uint64_t StableHash(std::string_view bytes);

}  // namespace ingest::server
