// SealedBatch: a sealed window, the unit of one database transaction, and what the sink reports
// for it (CommitResult); EventSighting: an event found in a batch held in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/model/wal_position.h"
#include "server/model/window_item.h"

namespace ingest::server {

// Where a sealed batch is: its id, its window and its log range, [first record, just after the
// last). What a spilled batch keeps of itself, and all that reading it back from the log needs.
struct BatchRange {
  uint64_t batch_id = 0;
  int64_t window_start_us = 0;
  int64_t window_end_us = 0;
  WalPosition first;
  WalPosition end;
};

// A sealed window: the unit of one database transaction.
struct SealedBatch {
  uint64_t batch_id = 0;
  int64_t window_start_us = 0;
  int64_t window_end_us = 0;
  std::vector<WindowItem> items;
  // The log range of the batch, [first record, just after the last record): set when sealed,
  // and again once every record is settled, before offsets/N is written or the batch spilled.
  WalPosition wal_first;
  WalPosition wal_end;
  // Spilled: the items were dropped from memory (only their completions kept) and are read back
  // from the log when the batch is written, so a long database outage does not grow memory.
  bool spilled = false;
  struct Completion {
    size_t item;  // its index in `items` as read back
    OnCommitted run;
  };
  std::vector<Completion> spilled_completions;

  BatchRange Range() const {
    return BatchRange{batch_id, window_start_us, window_end_us, wal_first, wal_end};
  }
  void SetRange(const BatchRange& range);

  // The log range of the items whose records are in the log. A record the log refused is left
  // out: its position is handed out again after the failure, so counting it could make the
  // range cover records of later batches. Final once no item is pending (AnyLogPending).
  WalPosition WalFirst() const;
  WalPosition WalEnd() const;
  bool AnyLogPending() const;
  size_t EventCount() const;  // valid + rejected events
  size_t RejectCount() const;
  std::vector<std::string> Sources() const;  // distinct origins, in first-seen order
  // True when every record of the batch is confirmed in the log, so it can be read back.
  bool AllLogged() const;
};

// One event id found in a batch held in memory (the open window or a sealed batch), for
// AdminService.WhereIsEvent.
struct EventSighting {
  uint64_t batch_id = 0;  // the sealed batch, or the id the open window will get
  Source source = Source::kStream;
  std::string origin;
  int64_t received_us = 0;
  // The valid version when the batch holds one (the row it will write), else the rejection.
  std::optional<EventRow> row;
  std::optional<RejectedRow> reject;
};

// Looks `event_id` up in `batch`. A valid version anywhere in the batch wins over rejections,
// since the batch writes that row (the latest valid one); with none, the latest rejection is
// reported. nullopt when the batch does not hold the id. Linear in the batch's events.
std::optional<EventSighting> FindInBatch(const SealedBatch& batch, const std::string& event_id);

// What the sink reports for a committed batch.
struct CommitResult {
  uint32_t inserted = 0;
  uint32_t updated = 0;
  uint32_t rejected = 0;  // rejected at validation plus refused by PostgreSQL
  uint32_t refused = 0;   // rows PostgreSQL refused for a data reason (code db_refused)
  uint32_t write_ms = 0;
  int64_t committed_at_us = 0;
  bool already_committed = false;  // the batch's ingest_batches row existed: nothing written
  // The rows PostgreSQL refused (db_refused), each with the index of its item in the batch, in
  // batch order; their items' acks count them (WithRefused).
  struct Refused {
    size_t item;
    RejectedRow row;
  };
  std::vector<Refused> refused_rows;
};

}  // namespace ingest::server
