// AppendForAck: the one way the intake hands a validated item on. Its log record is appended and
// the item added to the window in one step (MicroBatcher::Add), and the caller learns when it may
// answer its sender, whatever the ack mode. Used by StreamEvents (one item per batch) and
// UploadFile (one item per part of a file).
#pragma once

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/batching/micro_batcher.h"
#include "server/model/ack_mode.h"
#include "server/model/window_item.h"

namespace ingest::server {

struct AckCallbacks {
  // Exactly once: OK when the item is durable for the ack mode (its record fsynced with
  // --ack=durable, its micro-batch committed with --ack=committed), or the error that keeps it
  // from being acked (the log refused the record, the window is closed for shutdown). `refused`:
  // the item's rows PostgreSQL refused, known only when its commit settles it (--ack=committed).
  std::function<void(const absl::Status&, const std::vector<RejectedRow>& refused)> settled;
  // When its micro-batch commits, in either mode; also after the log refused the record, as the
  // batch is then written from memory. May be empty.
  OnCommitted committed;
};

// `body` is the record's body (see wal_record.h). Returns the window's answer, which `settled`
// also receives when it is an error.
absl::Status AppendForAck(MicroBatcher& batcher, AckMode mode, WindowItem item, absl::string_view body,
                          AckCallbacks callbacks);

}  // namespace ingest::server
