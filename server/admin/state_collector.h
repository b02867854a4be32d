// StateCollector: the gauges of /metrics (and the writer's failure count), read from one
// ServerState at each scrape rather than kept up to date as things change.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/admin/server_state.h"
#include "server/model/ack_mode.h"

namespace ingest::server {

class StateCollector : public prometheus::Collectable {
 public:
  struct Identity {
    std::string version;
    std::string server_id;
    AckMode ack_mode;
    absl::Time started_at;
    absl::Duration trigger;
  };
  StateCollector(Identity identity, std::function<ServerState()> read)
      : identity_(std::move(identity)), read_(std::move(read)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const Identity identity_;
  const std::function<ServerState()> read_;
};

}  // namespace ingest::server
