#include "admin-cli/where_view.h"

#include "absl/strings/str_cat.h"
#include "admin-cli/human_format.h"
#include "admin-cli/text_table.h"
#include "common/event_row.h"
#include "common/event_text.h"
#include "common/time_text.h"

namespace ingest::admin {
namespace {

void AddIf(TextTable* table, const std::string& key, const std::string& value) {
  if (!value.empty()) table->AddRow({key, value});
}

void AddTime(TextTable* table, const std::string& key, const google::protobuf::Timestamp& ts,
             absl::Time now) {
  if (!IsSet(ts)) return;
  table->AddRow({key, absl::StrCat(FormatTimestamp(ts), " (", FormatRelative(FromProtoTime(ts), now), ")")});
}

void AddEvent(TextTable* table, const v1::Event& e) {
  table->AddRow({"user id", e.user_id()});
  table->AddRow({"event type", std::string(EventTypeText(e.event_type()))});
  std::string product = e.product_id();
  if (!e.product_name().empty()) absl::StrAppend(&product, " (", e.product_name(), ")");
  table->AddRow({"product", product});
  AddIf(table, "category", e.product_category());
  table->AddRow(
      {"price", absl::StrCat(FormatCents(e.price_cents()), " x ", e.has_quantity() ? e.quantity() : 1)});
  table->AddRow({"event time", FormatUtc(FromProtoTime(e.event_time()))});
  AddIf(table, "session", e.session_id());
  AddIf(table, "device",
        e.device_type() == v1::DEVICE_TYPE_UNSPECIFIED ? "" : std::string(DeviceTypeText(e.device_type())));
}

}  // namespace

std::string RenderWhere(const std::string& event_id, const v1::WhereIsEventResponse& where, absl::Time now) {
  TextTable table({{"KEY"}, {"VALUE"}}, /*show_header=*/false);
  table.AddRow({"event id", event_id});
  table.AddRow({"state", where.state()});
  AddIf(&table, "detail", where.detail());
  if (where.batch_id() != 0) table.AddRow({"batch", absl::StrCat(where.batch_id())});
  AddIf(&table, "server", where.server_id());
  AddTime(&table, "committed at", where.committed_at(), now);
  AddTime(&table, "received at", where.received_at(), now);
  AddIf(&table, "source", where.source());
  AddIf(&table, "origin", where.origin());
  if (!where.code().empty()) {
    table.AddRow({where.source() == "file" ? "line" : "index", absl::StrCat(where.index())});
    table.AddRow({"code", where.code()});
    AddIf(&table, "reason", where.reason());
    AddIf(&table, "payload", where.payload());
  }
  if (where.has_event()) AddEvent(&table, where.event());
  return table.Render(/*max_width=*/0);
}

}  // namespace ingest::admin
