#include "server/sink/refused_rows.h"

#include <algorithm>

#include "common/validation.h"

namespace ingest::server {
namespace {

const WindowItem* ItemOf(const SealedBatch& batch, const std::string& source, const std::string& origin,
                         uint32_t position, const std::string& event_id) {
  for (auto it = batch.items.rbegin(); it != batch.items.rend(); ++it) {
    if (SourceText(it->source) != source || it->origin != origin) continue;
    const EventRow* e = EventAtPosition(*it, position);
    if (e && e->event_id == event_id) return &*it;
  }
  return nullptr;
}

}  // namespace

std::vector<RefusedRow> StoredRefusals(pqxx::transaction_base& tx, const SealedBatch& batch,
                                       const std::string& server_id) {
  std::vector<RefusedRow> found;
  auto rows = tx.exec_params(
      "SELECT source, origin, position, coalesce(event_id, ''), reason, payload FROM rejected_events "
      "WHERE server_id = $1 AND batch_id = $2 AND code = $3",
      server_id, batch.batch_id, code::kDbRefused);
  for (const auto& row : rows) {
    const auto position = row[2].as<uint32_t>();
    const auto event_id = row[3].as<std::string>();
    const WindowItem* item =
        ItemOf(batch, row[0].as<std::string>(), row[1].as<std::string>(), position, event_id);
    if (!item) continue;  // not from this batch's items as held now: nothing to count
    found.push_back(RefusedRow{item, RejectedRow{position, event_id, code::kDbRefused,
                                                 row[4].as<std::string>(), row[5].as<std::string>()}});
  }
  std::sort(found.begin(), found.end(), [](const RefusedRow& a, const RefusedRow& b) {
    return std::make_pair(a.item, a.reject.position) < std::make_pair(b.item, b.reject.position);
  });
  return found;
}

std::vector<CommitResult::Refused> ByItemIndex(const SealedBatch& batch,
                                               const std::vector<RefusedRow>& refused) {
  std::vector<CommitResult::Refused> out;
  out.reserve(refused.size());
  for (const RefusedRow& r : refused) {
    out.push_back({static_cast<size_t>(r.item - batch.items.data()), r.reject});
  }
  return out;
}

std::vector<RejectedRow> RefusedOf(const WindowItem& item, const std::vector<RefusedRow>& refused) {
  std::vector<RejectedRow> rows;
  for (const RefusedRow& r : refused) {
    if (r.item == &item) rows.push_back(r.reject);
  }
  return rows;
}

}  // namespace ingest::server
