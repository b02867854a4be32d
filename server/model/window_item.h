// WindowItem: one received unit of work on its way to PostgreSQL — an EventBatch of a producer,
// or one part (a run of rows) of an uploaded file — validated, logged and waiting in the window.
// Every stage from intake to the sink reads it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/event_row.h"
#include "ingest/v1/ingest.pb.h"
#include "server/model/wal_position.h"

namespace ingest::server {

enum class Source { kStream, kFile };
const char* SourceText(Source source);  // "stream" / "file"

// One rejected event or row, as stored in rejected_events.
struct RejectedRow {
  uint32_t position = 0;  // index in the batch, or line in the file
  std::string event_id;   // empty when absent
  std::string code;
  std::string reason;
  std::string payload;  // at most 4 KiB
};

// At most this many rejections are listed in an UploadResult (the counts are always exact).
inline constexpr int kMaxListedRejections = 1000;

// What ingested_files records for an uploaded file; carried by the file's last part.
struct FileDone {
  std::string file_name;
  uint64_t size_bytes = 0;
  uint32_t accepted = 0;
  uint32_t rejected = 0;
};

// Runs once the micro-batch holding an item committed, with the rows of the item PostgreSQL
// refused for a data reason (db_refused; in batch order, usually none).
using OnCommitted = std::function<void(const std::vector<RejectedRow>& refused)>;

// `ack` (an item's answer at validation) once `refused` are counted: each refused row moves from
// accepted to rejected and is listed with the other rejections, in index order.
v1::BatchAck WithRefused(v1::BatchAck ack, const std::vector<RejectedRow>& refused);
// Adds `refused` to `list` (an ack's or an upload's rejections), keeping it in index order.
void ListRefused(const std::vector<RejectedRow>& refused,
                 google::protobuf::RepeatedPtrField<v1::Rejection>* list);

// Where an item's log record stands.
enum class LogState : uint8_t {
  kPending,  // handed to the log, not yet fsynced
  kLogged,   // fsynced: it can be read back
  kFailed,   // the log refused it: it exists only in memory
};

struct WindowItem {
  Source source = Source::kStream;
  std::string origin;     // producer_id or file name
  uint64_t sequence = 0;  // stream: the producer's batch sequence; file: the part, from 1
  // stream: SHA-256 of the batch content (32 bytes); file: the file's sha256 in hex (64 chars).
  std::string content_hash;
  int64_t received_us = 0;
  std::vector<EventRow> events;  // the valid events, in batch order
  std::vector<RejectedRow> rejects;
  v1::BatchAck ack;                   // stream: the answer, stored for resends; file: the part's rejections
  std::optional<FileDone> file_done;  // the last part of a file
  size_t bytes = 0;                   // approximate payload size, for --max-batch-bytes
  WalPosition wal_pos;                // where its log record starts
  // Null for items recovered from the log (logged by definition) and for tests without a log.
  std::shared_ptr<std::atomic<LogState>> log_state;
  OnCommitted on_committed;  // runs once the micro-batch holding it committed

  // True when the record is confirmed in the log (or came from it).
  bool InLog() const { return !log_state || log_state->load() == LogState::kLogged; }
  bool LogPending() const { return log_state && log_state->load() == LogState::kPending; }
  size_t EventCount() const { return events.size() + rejects.size(); }
};

// The 0-based position in its batch (or file part) of the item's j-th valid event: valid events
// keep their order, with the positions rejected at validation taken out.
uint32_t PositionOfEvent(const WindowItem& item, size_t j);
// The inverse: the item's valid event at `position`, or null when that position was rejected at
// validation or lies past the item's events.
const EventRow* EventAtPosition(const WindowItem& item, uint32_t position);

}  // namespace ingest::server
