#include "generator-client/load_progress.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace ingest::generator {
namespace {

constexpr absl::string_view kSep = kProgressSeparator;

uint64_t PlannedEvents(const GeneratorConfig& c) {
  if (c.continuous) return 0;
  return c.batches * static_cast<uint64_t>(c.producers) * static_cast<uint64_t>(c.events_per_batch);
}

}  // namespace

LoadProgress::LoadProgress(const GeneratorConfig& config, absl::Time start)
    : planned_events_(PlannedEvents(config)),
      duration_(config.duration),
      producers_(config.producers),
      start_(start) {}

std::string LoadProgress::Render(const ProducerStats& t, bool stopping, absl::Time now) {
  const double rate = acked_rate_.Add(now, t.events_acked);
  const absl::Duration elapsed = now - start_;
  std::string line = absl::StrCat(
      "events ", GroupThousands(t.events_sent), " sent", kSep, GroupThousands(t.events_acked), " acked (",
      GroupThousands(static_cast<uint64_t>(std::llround(rate))), "/s)", kSep, GroupThousands(t.rejected),
      " rejected", kSep, t.reconnects, t.reconnects == 1 ? " reconnect" : " reconnects");
  if (t.batches_resent > 0) absl::StrAppend(&line, kSep, t.batches_resent, " batches resent");
  absl::StrAppend(&line, kSep, ShortDuration(elapsed));
  if (stopping && t.events_acked < t.events_sent) {
    absl::StrAppend(&line, kSep, "waiting for acks");
  } else {
    absl::StrAppend(&line, HowFar(t.events_acked, rate, elapsed));
  }
  absl::StrAppend(&line, kSep, producers_, producers_ == 1 ? " producer" : " producers");
  return line;
}

std::string LoadProgress::HowFar(uint64_t events_acked, double rate, absl::Duration elapsed) const {
  // The run ends at whichever comes first: the planned events all acked, or --duration.
  double done = 0;
  absl::Duration eta = absl::InfiniteDuration();
  bool has_end = false;
  if (planned_events_ > 0) {
    has_end = true;
    done = std::min(1.0, static_cast<double>(events_acked) / static_cast<double>(planned_events_));
    if (rate > 0 && events_acked < planned_events_) {
      eta = absl::Seconds(static_cast<double>(planned_events_ - events_acked) / rate);
    }
  }
  if (duration_ != absl::InfiniteDuration()) {
    has_end = true;
    done = std::max(done, std::min(1.0, absl::FDivDuration(elapsed, duration_)));
    eta = std::min(eta, std::max(absl::ZeroDuration(), duration_ - elapsed));
  }
  if (!has_end) return "";
  std::string out = absl::StrCat(kSep, static_cast<int>(done * 100), "%");
  if (eta != absl::InfiniteDuration() && done < 1) absl::StrAppend(&out, " ETA ", ShortDuration(eta));
  return out;
}

}  // namespace ingest::generator
