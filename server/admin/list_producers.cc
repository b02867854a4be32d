#include "server/admin/list_producers.h"

#include <algorithm>
#include <map>
#include <string>

#include "common/time_text.h"

namespace ingest::server {
namespace {

struct Merged {
  v1::ProducerInfo info;
  absl::Time last_seen = absl::InfinitePast();
  absl::Time connected_since = absl::InfinitePast();
};

}  // namespace

v1::ListProducersResponse MergeProducers(const std::vector<StoredProducer>& stored,
                                         const std::vector<ProducerActivity>& activity,
                                         const std::vector<StreamDirectory::Connection>& live,
                                         uint32_t limit) {
  std::map<std::string, Merged> by_id;
  auto entry = [&by_id](const std::string& id) -> Merged& {
    Merged& m = by_id[id];
    m.info.set_producer_id(id);
    return m;
  };
  for (const StoredProducer& p : stored) {
    Merged& m = entry(p.producer_id);
    m.info.set_last_committed_sequence(p.last_sequence);
    m.info.set_last_durable_sequence(std::max(m.info.last_durable_sequence(), p.last_sequence));
    if (p.last_seen_us != 0) m.last_seen = std::max(m.last_seen, FromMicros(p.last_seen_us));
  }
  for (const ProducerActivity& a : activity) {
    Merged& m = entry(a.producer_id);
    m.info.set_events(a.events);
    m.info.set_last_received_sequence(a.last_received);
    m.info.set_last_durable_sequence(std::max(m.info.last_durable_sequence(), a.last_durable));
    m.last_seen = std::max(m.last_seen, a.last_seen);
  }
  for (const StreamDirectory::Connection& c : live) {
    Merged& m = entry(c.producer_id);
    m.info.set_connected(true);
    m.info.set_peer(c.peer);
    m.connected_since = c.since;
  }
  std::vector<Merged*> order;
  for (auto& [_, m] : by_id) order.push_back(&m);
  // std::map gives id order, so the stable sort keeps ids ascending among equal times.
  std::stable_sort(order.begin(), order.end(), [](const Merged* a, const Merged* b) {
    absl::Time ta = std::max(a->last_seen, a->connected_since),
               tb = std::max(b->last_seen, b->connected_since);
    return ta > tb;
  });
  v1::ListProducersResponse response;
  for (Merged* m : order) {
    if (response.producers_size() >= static_cast<int>(limit)) break;
    if (m->last_seen != absl::InfinitePast()) *m->info.mutable_last_seen() = ToProtoTime(m->last_seen);
    if (m->connected_since != absl::InfinitePast()) {
      *m->info.mutable_connected_since() = ToProtoTime(m->connected_since);
    }
    *response.add_producers() = std::move(m->info);
  }
  return response;
}

absl::StatusOr<v1::ListProducersResponse> ListProducers(uint32_t limit, PostgresReader& reader,
                                                        const ProducerRegistry& registry,
                                                        const StreamDirectory& streams) {
  std::vector<StreamDirectory::Connection> live = streams.Connections();
  std::vector<ProducerActivity> activity = registry.Activity();
  // The database's most recent ones, and the rows of those this server knows, whatever their age.
  std::vector<std::string> known;
  for (const auto& a : activity) known.push_back(a.producer_id);
  for (const auto& c : live) known.push_back(c.producer_id);
  auto stored = reader.ListProducers(limit, known);
  if (!stored.ok()) return stored.status();
  return MergeProducers(*stored, activity, live, limit);
}

}  // namespace ingest::server
