#include "generator-client/summary.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ingest::generator {
namespace {

constexpr double kGrowth = 1.02;   // bucket i holds latencies up to kGrowth^i microseconds
constexpr size_t kBuckets = 1200;  // kGrowth^1200 us is about 6 hours

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

// `text` as a JSON string, quotes included.
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

void LatencyHistogram::Add(absl::Duration latency) {
  double us = std::max(1.0, absl::ToDoubleMicroseconds(latency));
  size_t i = static_cast<size_t>(std::ceil(std::log(us) / std::log(kGrowth)));
  ++buckets_[std::min(i, kBuckets - 1)];
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
}

absl::Duration LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return absl::ZeroDuration();
  uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * count_)));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return absl::Microseconds(std::pow(kGrowth, static_cast<double>(i)));
  }
  return absl::Microseconds(std::pow(kGrowth, static_cast<double>(kBuckets - 1)));
}

void ProducerStats::Merge(const ProducerStats& o) {
  MergeCounts(o);
  latency.Merge(o.latency);
}

void ProducerStats::MergeCounts(const ProducerStats& o) {
  batches_sent += o.batches_sent;
  batches_acked += o.batches_acked;
  batches_resent += o.batches_resent;
  events_sent += o.events_sent;
  events_acked += o.events_acked;
  accepted += o.accepted;
  rejected += o.rejected;
  reconnects += o.reconnects;
}

double Summary::events_per_second() const {
  double s = absl::ToDoubleSeconds(elapsed);
  return s > 0 ? static_cast<double>(totals.events_acked) / s : 0;
}

std::string FormatSummaryTable(const Summary& s) {
  const ProducerStats& t = s.totals;
  std::string out;
  auto row = [&out](const char* name, const std::string& value) {
    absl::StrAppendFormat(&out, "%-22s %s\n", name, value);
  };
  row("producers", absl::StrCat(s.producers));
  row("batches sent", absl::StrCat(t.batches_sent));
  row("batches acked", absl::StrCat(t.batches_acked));
  row("batches not acked", absl::StrCat(s.batches_not_acked()));
  row("batches resent", absl::StrCat(t.batches_resent));
  row("events sent", absl::StrCat(t.events_sent));
  row("events accepted", absl::StrCat(t.accepted));
  row("events rejected", absl::StrCat(t.rejected));
  row("reconnects", absl::StrCat(t.reconnects));
  row("elapsed", absl::StrFormat("%.3f s", absl::ToDoubleSeconds(s.elapsed)));
  row("throughput", absl::StrFormat("%.1f events/s (acked)", s.events_per_second()));
  row("ack latency p50", absl::StrFormat("%.2f ms", Ms(t.latency.Quantile(0.50))));
  row("ack latency p99", absl::StrFormat("%.2f ms", Ms(t.latency.Quantile(0.99))));
  row("ack latency p99.9", absl::StrFormat("%.2f ms", Ms(t.latency.Quantile(0.999))));
  row("seed", absl::StrCat(s.seed));
  return out;
}

std::string FormatSummaryJson(const Summary& s) {
  const ProducerStats& t = s.totals;
  return absl::StrFormat(
      "{\"producers\":%d,\"batches_sent\":%d,\"batches_acked\":%d,\"batches_not_acked\":%d,"
      "\"batches_resent\":%d,\"events_sent\":%d,\"events_accepted\":%d,\"events_rejected\":%d,"
      "\"reconnects\":%d,\"elapsed_s\":%.3f,\"events_per_s\":%.1f,\"ack_latency_p50_ms\":%.3f,"
      "\"ack_latency_p99_ms\":%.3f,\"ack_latency_p999_ms\":%.3f,\"seed\":%d}\n",
      s.producers, t.batches_sent, t.batches_acked, s.batches_not_acked(), t.batches_resent, t.events_sent,
      t.accepted, t.rejected, t.reconnects, absl::ToDoubleSeconds(s.elapsed), s.events_per_second(),
      Ms(t.latency.Quantile(0.50)), Ms(t.latency.Quantile(0.99)), Ms(t.latency.Quantile(0.999)), s.seed);
}

std::string FormatFileSummaryTable(const FileSummary& s) {
  std::string out;
  auto row = [&out](const char* name, const std::string& value) {
    absl::StrAppendFormat(&out, "%-22s %s\n", name, value);
  };
  row("folder", s.dir);
  row("format", s.format);
  row("catalog", s.catalog.empty() ? "(none)" : s.catalog);
  row("files written", absl::StrCat(s.files));
  if (s.files > 0) row("files", absl::StrCat(s.first_file, s.files > 1 ? " .. " + s.last_file : ""));
  row("rows", absl::StrCat(s.rows));
  row("invalid rows", absl::StrCat(s.invalid_rows));
  row("elapsed", absl::StrFormat("%.3f s", absl::ToDoubleSeconds(s.elapsed)));
  row("seed", absl::StrCat(s.seed));
  return out;
}

std::string FormatFileSummaryJson(const FileSummary& s) {
  return absl::StrFormat(
      "{\"mode\":\"csv\",\"dir\":%s,\"format\":%s,\"catalog\":%s,\"files_written\":%d,\"rows\":%d,"
      "\"invalid_rows\":%d,\"first_file\":%s,\"last_file\":%s,\"elapsed_s\":%.3f,\"seed\":%d}\n",
      JsonString(s.dir), JsonString(s.format), JsonString(s.catalog), s.files, s.rows, s.invalid_rows,
      JsonString(s.first_file), JsonString(s.last_file), absl::ToDoubleSeconds(s.elapsed), s.seed);
}

}  // namespace ingest::generator
