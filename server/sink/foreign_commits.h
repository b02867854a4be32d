// Batches of a producer that another server committed already. With several servers a batch
// can be durable in two logs: a server acked it but the ack was lost when it died, and the
// producer resent it to another server. Whichever server commits second finds the batch's row in
// producer_acks and leaves its events and rejections out, so each batch is stored once.
#pragma once

#include <cstddef>
#include <vector>

#include "server/model/sealed_batch.h"

namespace pqxx {
class transaction_base;
}

namespace ingest::server {

// The indexes of the batch's stream items whose (producer, sequence) producer_acks holds.
std::vector<size_t> ItemsCommittedElsewhere(pqxx::transaction_base& tx, const SealedBatch& batch);

// A copy of `batch` without the events and rejections of `items` (their places kept, so the
// indexes of refused rows still name the same items).
SealedBatch WithoutItems(const SealedBatch& batch, const std::vector<size_t>& items);

// How many of the batch's items carry a producer's ack (stream items).
size_t StreamItemCount(const SealedBatch& batch);

}  // namespace ingest::server
