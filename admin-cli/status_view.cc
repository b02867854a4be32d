#include "admin-cli/status_view.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admin-cli/human_format.h"
#include "admin-cli/text_table.h"
#include "common/time_text.h"
#include "common/units.h"

namespace ingest::admin {
namespace {

std::string Or(const std::string& value, const char* fallback) { return value.empty() ? fallback : value; }

std::string Listeners(const v1::GetStatusResponse& status) {
  std::vector<std::string> parts;
  for (const auto& listener : status.listeners()) {
    parts.push_back(absl::StrCat(listener.role(), " ", listener.address()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

std::string Intake(const v1::GetStatusResponse& status) {
  std::string mode = Or(status.intake_mode(), "unknown");
  if (status.intake_reason().empty()) return mode;
  return absl::StrCat(mode, " (", status.intake_reason(), ")");
}

std::string Window(const v1::OpenWindow& window) {
  return absl::StrCat(window.events(), " events, ", FormatBytes(window.bytes()), ", open for ",
                      FormatElapsed(absl::Milliseconds(window.age_ms())));
}

std::string LastBatch(const v1::GetStatusResponse& status, absl::Time now) {
  if (status.last_batch_id() == 0) return "none committed yet";
  std::string text = absl::StrCat(status.last_batch_id());
  if (IsSet(status.last_commit_time())) {
    absl::StrAppend(&text, ", committed ", FormatTimestamp(status.last_commit_time()), " (",
                    FormatRelative(FromProtoTime(status.last_commit_time()), now), ")");
  }
  return text;
}

std::string Totals(const v1::Totals& t) {
  return absl::StrCat("received ", t.received(), ", accepted ", t.accepted(), ", rejected ", t.rejected(),
                      ", committed ", t.committed(), ", duplicates ", t.duplicates(), ", batches ",
                      t.batches());
}

void AddSink(const v1::SinkState& sink, absl::Time now, TextTable* table) {
  std::string state = Or(sink.state(), "unknown");
  if (sink.attempts() > 0) absl::StrAppend(&state, " (", sink.attempts(), " failed attempts)");
  table->AddRow({"sink", state});
  if (!sink.last_error().empty()) table->AddRow({"sink error", sink.last_error()});
  if (IsSet(sink.next_attempt())) {
    table->AddRow(
        {"next attempt", absl::StrCat(FormatTimestamp(sink.next_attempt()), " (",
                                      FormatRelative(FromProtoTime(sink.next_attempt()), now), ")")});
  }
}

// "reachable (checked 3s ago)" or "unreachable: <error> (checked 1s ago)".
std::string Database(const v1::DatabaseState& db, absl::Time now) {
  std::string text =
      db.reachable() ? "reachable" : absl::StrCat("unreachable: ", Or(db.error(), "no error given"));
  if (IsSet(db.checked_at()))
    absl::StrAppend(&text, " (checked ", FormatRelative(FromProtoTime(db.checked_at()), now), ")");
  return text;
}

}  // namespace

std::string RenderStatus(const v1::GetStatusResponse& status, absl::Time now) {
  TextTable table({{"KEY"}, {"VALUE"}}, /*show_header=*/false);
  table.AddRow({"version", Or(status.version(), "-")});
  table.AddRow({"server id", Or(status.server_id(), "-")});
  table.AddRow({"uptime", FormatElapsed(absl::Seconds(status.uptime_seconds()))});
  table.AddRow({"listeners", Listeners(status)});
  table.AddRow({"trigger", ingest::DurationText(absl::Milliseconds(status.trigger_ms()))});
  table.AddRow({"ack mode", Or(status.ack_mode(), "-")});
  table.AddRow({"intake", Intake(status)});
  table.AddRow({"open window", Window(status.open_window())});
  table.AddRow({"last batch", LastBatch(status, now)});
  table.AddRow({"pending batches", absl::StrCat(status.pending_batches())});
  table.AddRow({"totals", Totals(status.totals())});
  AddSink(status.sink(), now, &table);
  if (status.has_database()) table.AddRow({"database", Database(status.database(), now)});
  table.AddRow({"wal", FormatBytes(status.wal_bytes())});
  table.AddRow({"checkpoint", FormatBytes(status.checkpoint_bytes())});
  // Nothing is cut: an error message or a listener list is worth a wrapped line.
  return table.Render(/*max_width=*/0);
}

}  // namespace ingest::admin
