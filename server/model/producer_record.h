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
  // Set by a claim (EventSink::ClaimProducer): the producer's previous stream was taken by another
  // server, whose log may hold acked batches past last_sequence that are not committed yet.
  bool taken_elsewhere = false;
  std::string taken_from;  // with taken_elsewhere: the id of the server that had it
};

}  // namespace ingest::server
