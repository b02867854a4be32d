// Reading Prometheus families in tests: a family by name, and one series' value.
#pragma once

#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ingest::testing {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

inline const MetricFamily* Find(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The value of the series of `name` whose labels include `labels` (counter or gauge).
inline double Value(const std::vector<MetricFamily>& families, const std::string& name,
                    const std::vector<ClientMetric::Label>& labels = {}) {
  const MetricFamily* f = Find(families, name);
  if (f == nullptr) ADD_FAILURE() << name << " is not served";
  if (f == nullptr) return -1;
  for (const ClientMetric& m : f->metric) {
    bool match = true;
    for (const auto& want : labels) {
      match = match && std::find(m.label.begin(), m.label.end(), want) != m.label.end();
    }
    if (match) return f->type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  ADD_FAILURE() << name << " has no series with the labels asked";
  return -1;
}

}  // namespace ingest::testing
