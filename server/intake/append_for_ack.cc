#include "server/intake/append_for_ack.h"

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "server/durability/wal_record.h"

namespace ingest::server {

absl::Status AppendForAck(MicroBatcher& batcher, AckMode mode, WindowItem item, absl::string_view body,
                          AckCallbacks callbacks) {
  auto once = std::make_shared<std::atomic<bool>>(false);
  auto settle = [once, settled = std::move(callbacks.settled)](const absl::Status& st,
                                                               const std::vector<RejectedRow>& refused) {
    if (!once->exchange(true)) settled(st, refused);
  };
  // Once committed the item is durable in any mode: the first of the two paths settles it.
  item.on_committed = [settle,
                       committed = std::move(callbacks.committed)](const std::vector<RejectedRow>& refused) {
    settle(absl::OkStatus(), refused);
    if (committed) committed(refused);
  };
  item.log_state = std::make_shared<std::atomic<LogState>>(LogState::kPending);
  WalWriter::Done logged = [settle, mode, state = item.log_state](absl::Status st) {
    state->store(st.ok() ? LogState::kLogged : LogState::kFailed);
    if (!st.ok() || mode == AckMode::kDurable) settle(st, {});
  };
  std::string record = EncodeWalRecord(item, body);
  absl::Status added = batcher.Add(std::move(item), std::move(record), std::move(logged));
  if (!added.ok()) settle(added, {});
  return added;
}

}  // namespace ingest::server
