// RateBudget: --max-batches-per-second, the batches one client may send a second over all its
// streams. A token bucket holding one second's worth: a client under its rate never waits; one
// over it is not refused, its stream pauses reading (as for the log budget) until the bucket has
// refilled, and HTTP/2 flow control then holds the client. Shared by the streams of one client
// (its bearer token with --auth-tokens, else its address), so opening more streams does not
// raise a client's share.
#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::server {

class RateBudget {
 public:
  explicit RateBudget(double per_second) : per_second_(per_second), tokens_(per_second) {}

  // Takes one batch at `now`: how long its stream waits before reading the next one (zero while
  // the client is within its rate). The waits of a client's streams add up, so together they
  // keep to the rate.
  absl::Duration Take(absl::Time now);

 private:
  const double per_second_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);  // may go below zero: the debt its streams wait out
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace ingest::server
