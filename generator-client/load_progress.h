// LoadProgress: the text of event-generator's progress line while it streams: events sent and
// acked, the acked rate of the last seconds, rejections, reconnects, elapsed time, and how far
// the run is when it has an end (--batches without --continuous, or --duration).
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/progress.h"
#include "generator-client/generator_config.h"
#include "generator-client/summary.h"

namespace ingest::generator {

class LoadProgress {
 public:
  LoadProgress(const GeneratorConfig& config, absl::Time start);

  // E.g. "events 120,000 sent · 118,500 acked (9,870/s) · 12 rejected · 0 reconnects · 12s ·
  // 45% ETA 14s · 3 producers". `totals` are the producers' counts so far; `stopping` says that
  // sending has stopped early (SIGINT, --duration) and the run waits for the last acks.
  std::string Render(const ProducerStats& totals, bool stopping, absl::Time now);

 private:
  // " · 45% ETA 14s", or "" when the run has no planned end.
  std::string HowFar(uint64_t events_acked, double rate, absl::Duration elapsed) const;

  const uint64_t planned_events_;  // 0: --continuous, no count to reach
  const absl::Duration duration_;  // InfiniteDuration: no --duration
  const int producers_;
  const absl::Time start_;
  RecentRate acked_rate_{start_};
};

}  // namespace ingest::generator
