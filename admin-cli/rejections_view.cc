#include "admin-cli/rejections_view.h"

#include "absl/strings/str_cat.h"
#include "admin-cli/human_format.h"
#include "admin-cli/text_table.h"

namespace ingest::admin {

std::string RenderRejections(const v1::ListRejectionsResponse& rejections, size_t width,
                             const std::string& code) {
  if (rejections.rejections().empty()) {
    return code.empty() ? "no rejected events\n" : absl::StrCat("no rejected events with code ", code, "\n");
  }
  using Align = TextTable::Align;
  TextTable table({{"RECEIVED AT"},
                   {"SOURCE"},
                   {"ORIGIN", Align::kLeft, /*shrinkable=*/true},
                   {"POS", Align::kRight},
                   {"EVENT ID", Align::kLeft, /*shrinkable=*/true},
                   {"CODE"},
                   {"BATCH", Align::kRight},
                   {"REASON", Align::kLeft, /*shrinkable=*/true}});
  for (const auto& r : rejections.rejections()) {
    table.AddRow({FormatTimestamp(r.received_at()), r.source().empty() ? "-" : r.source(), r.origin(),
                  absl::StrCat(r.index()), r.event_id().empty() ? "-" : r.event_id(), r.code(),
                  absl::StrCat(r.batch_id()), r.reason()});
  }
  return table.Render(width);
}

}  // namespace ingest::admin
