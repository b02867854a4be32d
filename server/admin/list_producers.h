// AdminService.ListProducers: the producers table merged with this server's live streams
// (StreamDirectory) and its in-memory producer state (ProducerRegistry).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/v1/admin.pb.h"
#include "server/intake/producers.h"
#include "server/intake/stream_directory.h"
#include "server/sink/postgres_reader.h"

namespace ingest::server {

// One entry per producer id found in any of the three, most recently seen first (ties by id),
// cut to `limit`:
//   peer, connected, connected_since  the live stream (`live`)
//   events, last_received_sequence    this server's memory since it started (`activity`)
//   last_committed_sequence           producers.last_sequence (`stored`)
//   last_seen, last_durable_sequence  the newer of memory and database
v1::ListProducersResponse MergeProducers(const std::vector<StoredProducer>& stored,
                                         const std::vector<ProducerActivity>& activity,
                                         const std::vector<StreamDirectory::Connection>& live,
                                         uint32_t limit);

// Reads the three sources and merges them; Unavailable when the database cannot be read.
absl::StatusOr<v1::ListProducersResponse> ListProducers(uint32_t limit, PostgresReader& reader,
                                                        const ProducerRegistry& registry,
                                                        const StreamDirectory& streams);

}  // namespace ingest::server
