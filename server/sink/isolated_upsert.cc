#include "server/sink/isolated_upsert.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/event_row.h"
#include "common/validation.h"
#include "server/sink/batch_transaction.h"
#include "server/sink/pg_errors.h"
#include "server/sink/refused_rows.h"

namespace ingest::server {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// A text rendering of a row for rejected_events.payload.
std::string RowPayload(const EventRow& e) { return PayloadText(ToProtoEvent(e)); }

// The 0-based position in its batch of the item's j-th valid event: valid events keep batch
// order, with the rejected positions taken out.
uint32_t BatchIndex(const WindowItem& item, size_t j) {
  std::vector<uint32_t> rejected;
  for (const auto& r : item.rejects) rejected.push_back(r.position);
  std::sort(rejected.begin(), rejected.end());
  uint32_t index = 0;
  size_t valid = 0;
  auto next = rejected.begin();
  while (true) {
    if (next != rejected.end() && *next == index) {
      ++next;
    } else if (valid++ == j) {
      return index;
    }
    ++index;
  }
}

}  // namespace

IsolatedUpsertResult UpsertIsolated(pqxx::work& tx, const SealedBatch& batch, const std::string& upsert_sql) {
  // Only the last occurrence of an event_id counts (the later position wins), as in the bulk path,
  // so the rows left have distinct ids and any split of them upserts the same.
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> last;
  for (size_t i = 0; i < batch.items.size(); ++i) {
    for (size_t j = 0; j < batch.items[i].events.size(); ++j)
      last[batch.items[i].events[j].event_id] = {i, j};
  }
  std::vector<std::pair<size_t, size_t>> rows;  // (item, event) in batch order
  for (size_t i = 0; i < batch.items.size(); ++i) {
    for (size_t j = 0; j < batch.items[i].events.size(); ++j) {
      if (last[batch.items[i].events[j].event_id] == std::make_pair(i, j)) rows.emplace_back(i, j);
    }
  }
  IsolatedUpsertResult result;
  auto write = [&](size_t first, size_t end) -> std::optional<std::string> {
    try {
      pqxx::subtransaction part(tx, "rows");
      part.exec("TRUNCATE ingest_staging");
      {
        pqxx::stream_to out = OpenEventStaging(part);
        for (size_t r = first; r < end; ++r) {
          const WindowItem& item = batch.items[rows[r].first];
          StageEvent(out, static_cast<int>(r), item.events[rows[r].second], item);
        }
        out.complete();
      }
      auto counts = part.exec_params(upsert_sql, batch.batch_id);
      part.commit();
      result.inserted += counts[0][0].as<uint32_t>();
      result.updated += counts[0][1].as<uint32_t>();
      return std::nullopt;
    } catch (const pqxx::sql_error& err) {
      if (ClassifySqlState(err.sqlstate()) != PgErrorKind::kData) throw;  // not the rows' fault
      return absl::StrCat("PostgreSQL refused the row: ", FirstLine(err.what()), " (SQLSTATE ",
                          err.sqlstate(), ")");
    }
  };
  for (const RefusedRowIndex& r : IsolateRefused(rows.size(), write)) {
    const WindowItem& item = batch.items[rows[r.row].first];
    const EventRow& e = item.events[rows[r.row].second];
    result.refused.push_back(RefusedRow{&item, RejectedRow{BatchIndex(item, rows[r.row].second), e.event_id,
                                                           code::kDbRefused, r.error, RowPayload(e)}});
  }
  return result;
}

}  // namespace ingest::server
