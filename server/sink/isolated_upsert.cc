#include "server/sink/isolated_upsert.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/event_row.h"
#include "common/validation.h"
#include "server/sink/staging.h"

namespace ingest::server {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// A text rendering of a row for rejected_events.payload.
std::string RowPayload(const EventRow& e) { return PayloadText(ToProtoEvent(e)); }

}  // namespace

IsolatedUpsertResult UpsertIsolated(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part) {
  // Only the last occurrence of an event_id counts (the later position wins), as in the bulk path,
  // so the rows staged have distinct ids and any split of them upserts the same.
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> last;
  for (size_t i = 0; i < batch.items.size(); ++i) {
    for (size_t j = 0; j < batch.items[i].events.size(); ++j) {
      if (part.Holds(batch.items[i].events[j].event_id)) last[batch.items[i].events[j].event_id] = {i, j};
    }
  }
  std::vector<std::pair<size_t, size_t>> rows;  // (item, event) by ord
  {
    std::unique_ptr<CopyText> out = OpenEventStaging(tx, StagingTable::kRanges);
    for (size_t i = 0; i < batch.items.size(); ++i) {
      const WindowItem& item = batch.items[i];
      for (size_t j = 0; j < item.events.size(); ++j) {
        auto it = last.find(item.events[j].event_id);
        if (it == last.end() || it->second != std::make_pair(i, j)) continue;
        StageEvent(*out, static_cast<int>(rows.size()), item.events[j], item);
        rows.emplace_back(i, j);
      }
    }
    out->Complete();
  }
  IsolatedUpsertResult result;
  auto parts = tx.exec_params(
      "SELECT first_ord, inserted, updated, refused_state, refused_message FROM pg_temp.ingest_isolate($1, "
      "$2)",
      batch.batch_id, static_cast<int>(rows.size()));
  for (const auto& part : parts) {
    if (part[3].is_null()) {
      result.inserted += part[1].as<uint32_t>();
      result.updated += part[2].as<uint32_t>();
      continue;
    }
    const auto [i, j] = rows.at(part[0].as<size_t>());
    const WindowItem& item = batch.items[i];
    const EventRow& e = item.events[j];
    result.refused.push_back(RefusedRow{
        &item, RejectedRow{PositionOfEvent(item, j), e.event_id, code::kDbRefused,
                           absl::StrCat("PostgreSQL refused the row: ", FirstLine(part[4].as<std::string>()),
                                        " (SQLSTATE ", part[3].as<std::string>(), ")"),
                           RowPayload(e)}});
  }
  // In batch order, as rejected_events lists them.
  std::sort(result.refused.begin(), result.refused.end(), [](const RefusedRow& a, const RefusedRow& b) {
    return std::make_pair(a.item, a.reject.position) < std::make_pair(b.item, b.reject.position);
  });
  return result;
}

}  // namespace ingest::server
