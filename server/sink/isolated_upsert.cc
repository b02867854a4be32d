#include "server/sink/isolated_upsert.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/event_row.h"
#include "common/validation.h"
#include "server/sink/batch_transaction.h"
#include "server/sink/pg_errors.h"

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
  // Only the last occurrence of an event_id counts (the later position wins), as in the bulk path.
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> last;
  for (size_t i = 0; i < batch.items.size(); ++i) {
    for (size_t j = 0; j < batch.items[i].events.size(); ++j)
      last[batch.items[i].events[j].event_id] = {i, j};
  }
  IsolatedUpsertResult result;
  for (size_t i = 0; i < batch.items.size(); ++i) {
    const WindowItem& item = batch.items[i];
    for (size_t j = 0; j < item.events.size(); ++j) {
      const EventRow& e = item.events[j];
      if (last[e.event_id] != std::make_pair(i, j)) continue;
      try {
        pqxx::subtransaction row(tx, "row");
        row.exec("TRUNCATE ingest_staging");
        {
          pqxx::stream_to out = OpenEventStaging(row);
          StageEvent(out, 0, e, item);
          out.complete();
        }
        auto counts = row.exec_params(upsert_sql, batch.batch_id);
        row.commit();
        result.inserted += counts[0][0].as<uint32_t>();
        result.updated += counts[0][1].as<uint32_t>();
      } catch (const pqxx::sql_error& err) {
        const std::string state = err.sqlstate();
        if (ClassifySqlState(state) != PgErrorKind::kData) throw;  // not the row's fault
        result.refused.push_back(
            RefusedRow{&item, RejectedRow{BatchIndex(item, j), e.event_id, code::kDbRefused,
                                          absl::StrCat("PostgreSQL refused the row: ", FirstLine(err.what()),
                                                       " (SQLSTATE ", state, ")"),
                                          RowPayload(e)}});
      }
    }
  }
  return result;
}

}  // namespace ingest::server
