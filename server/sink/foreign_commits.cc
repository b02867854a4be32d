#include "server/sink/foreign_commits.h"

#include <pqxx/pqxx>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/sink/batch_transaction.h"

namespace ingest::server {

std::vector<size_t> ItemsCommittedElsewhere(pqxx::transaction_base& tx, const SealedBatch& batch) {
  std::vector<std::string> producers;
  std::vector<std::string> sequences;
  for (const auto& item : batch.items) {
    if (item.source != Source::kStream) continue;
    producers.push_back(item.origin);
    sequences.push_back(absl::StrCat(item.sequence));
  }
  std::vector<size_t> out;
  if (producers.empty()) return out;
  auto rows = tx.exec_params(
      "SELECT a.producer_id, a.sequence FROM producer_acks a "
      "JOIN unnest($1::text[], $2::bigint[]) AS b(producer_id, sequence) "
      "ON a.producer_id = b.producer_id AND a.sequence = b.sequence",
      TextArrayLiteral(producers), TextArrayLiteral(sequences));
  if (rows.empty()) return out;
  absl::flat_hash_set<std::pair<std::string, uint64_t>> found;
  for (const auto& row : rows) found.emplace(row[0].as<std::string>(), row[1].as<uint64_t>());
  for (size_t i = 0; i < batch.items.size(); ++i) {
    const WindowItem& item = batch.items[i];
    if (item.source == Source::kStream && found.contains(std::make_pair(item.origin, item.sequence)))
      out.push_back(i);
  }
  return out;
}

SealedBatch WithoutItems(const SealedBatch& batch, const std::vector<size_t>& items) {
  SealedBatch out = batch;
  for (size_t i : items) {
    out.items[i].events.clear();
    out.items[i].rejects.clear();
  }
  return out;
}

size_t StreamItemCount(const SealedBatch& batch) {
  size_t n = 0;
  for (const auto& item : batch.items) n += item.source == Source::kStream;
  return n;
}

}  // namespace ingest::server
