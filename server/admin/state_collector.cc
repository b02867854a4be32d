#include "server/admin/state_collector.h"

#include "absl/time/clock.h"

namespace ingest::server {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Single(const std::string& name, const std::string& help, MetricType type, double value) {
  ClientMetric m;
  if (type == MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return MetricFamily{name, help, type, {m}};
}

MetricFamily Gauge(const std::string& name, const std::string& help, double value) {
  return Single(name, help, MetricType::Gauge, value);
}

// One series per possible value of `label`, 1 for `current` and 0 for the others, so a query
// such as ingest_sink_state{state="retrying"} == 1 always has a series to look at.
MetricFamily OneHot(const std::string& name, const std::string& help, const std::string& label,
                    const std::vector<std::string>& values, const std::string& current) {
  MetricFamily family{name, help, MetricType::Gauge, {}};
  for (const std::string& value : values) {
    ClientMetric m;
    m.label.push_back({label, value});
    m.gauge.value = value == current ? 1 : 0;
    family.metric.push_back(std::move(m));
  }
  return family;
}

double UnixSeconds(absl::Time t) {
  return t == absl::InfinitePast() ? 0 : absl::ToDoubleSeconds(t - absl::UnixEpoch());
}

}  // namespace

std::vector<MetricFamily> StateCollector::Collect() const {
  const ServerState s = read_();
  std::vector<MetricFamily> out;
  out.push_back(Gauge("ingest_window_events", "Events in the open window.", s.window.events));
  out.push_back(Gauge("ingest_window_bytes", "Bytes in the open window.", s.window.bytes));
  out.push_back(Gauge("ingest_window_age_seconds", "Age of the open window (0 when empty).",
                      s.window.events == 0 ? 0 : absl::ToDoubleSeconds(s.window.age)));
  out.push_back(Gauge("ingest_batches_pending", "Sealed micro-batches waiting to be committed.",
                      static_cast<double>(s.writer.pending_batches)));
  out.push_back(Gauge("ingest_last_committed_batch_id", "Id of the last committed micro-batch.",
                      static_cast<double>(s.writer.last_committed_id)));
  out.push_back(Gauge("ingest_last_commit_timestamp_seconds",
                      "Unix time of the last commit (0 before the first).",
                      UnixSeconds(s.writer.last_commit_time)));
  out.push_back(Gauge("ingest_trigger_seconds", "The --trigger of the micro-batches.",
                      absl::ToDoubleSeconds(identity_.trigger)));
  out.push_back(Gauge("ingest_wal_bytes", "Write-ahead log size on disk.", static_cast<double>(s.wal_bytes)));
  out.push_back(
      Gauge("ingest_wal_segments", "Write-ahead log segment files.", static_cast<double>(s.wal_segments)));
  out.push_back(Gauge("ingest_wal_max_bytes", "The log budget, --wal-max-bytes.",
                      static_cast<double>(s.wal_max_bytes)));
  out.push_back(Gauge("ingest_checkpoint_bytes", "Checkpoint files (offsets/, commits/) on disk.",
                      static_cast<double>(s.checkpoint_bytes)));
  out.push_back(OneHot("ingest_sink_state", "1 for the sink's current state.", "state", {"ok", "retrying"},
                       s.writer.sink.retrying ? "retrying" : "ok"));
  out.push_back(Gauge("ingest_sink_consecutive_failures", "Failed write attempts in a row (0 when ok).",
                      s.writer.sink.attempts));
  out.push_back(Single("ingest_sink_write_failures_total",
                       "Failed attempts to write a micro-batch (each is retried).", MetricType::Counter,
                       static_cast<double>(s.writer.failed_writes)));
  out.push_back(Gauge("ingest_database_up",
                      "1 when the last probe reached PostgreSQL (every 5 s, also when idle).",
                      !s.database.checked || s.database.reachable ? 1 : 0));
  out.push_back(OneHot("ingest_intake_state", "1 for the current intake mode.", "state",
                       {kAccepting, kThrottling, kRefusing}, s.intake_mode));
  out.push_back(Gauge("ingest_streams_active", "Open StreamEvents calls.", static_cast<double>(s.streams)));
  out.push_back(Gauge("ingest_streams_waiting_for_log", "Streams paused until commits free log space.",
                      static_cast<double>(s.streams_waiting)));
  out.push_back(Gauge("ingest_producers_known", "Producers whose sequence state this server holds in memory.",
                      static_cast<double>(s.producers)));
  out.push_back(Gauge("ingest_uploads_in_progress", "Uploads received and not yet committed.",
                      static_cast<double>(s.uploads_in_progress)));
  out.push_back(
      Gauge("ingest_start_time_seconds", "Unix time the server started.", UnixSeconds(identity_.started_at)));
  MetricFamily info = Gauge("ingest_build_info", "Always 1; the labels say which server this is.", 1);
  info.metric[0].label = {{"ack_mode", AckModeName(identity_.ack_mode)},
                          {"server_id", identity_.server_id},
                          {"version", identity_.version}};
  out.push_back(std::move(info));
  return out;
}

}  // namespace ingest::server
