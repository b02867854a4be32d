// What every StreamEvents and UploadFile call of the server shares.
#pragma once

#include "server/clock.h"
#include "server/counters.h"
#include "server/log_budget.h"
#include "server/micro_batcher.h"
#include "server/producers.h"
#include "server/stream_directory.h"

namespace ingest::server {

struct IngestContext {
  ProducerRegistry* producers;
  MicroBatcher* batcher;
  StreamDirectory* streams;
  IntakeCounters* counters;
  Clock* clock;
  bool durable_acks;  // --ack=durable: ack once in the fsynced log, not once committed
  // --wal-max-bytes: while it is exceeded streams stop reading; null means no budget.
  LogBudget* budget = nullptr;
};

}  // namespace ingest::server
