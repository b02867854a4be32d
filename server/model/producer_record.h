// What PostgreSQL keeps of a producer (producers, producer_acks): the last sequence committed and
// the acks of its last batches, which the intake loads to answer resends and the sink writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/v1/ingest.pb.h"

namespace ingest::server {

// A durable ack of one batch, as kept in producer_acks.
struct StoredAck {
  uint64_t sequence = 0;
  std::string content_hash;
  v1::BatchAck ack;
};

// What the database knows of a producer.
struct ProducerRecord {
  uint64_t last_sequence = 0;
  std::vector<StoredAck> acks;  // ascending sequence
};

}  // namespace ingest::server
