#include "admin-cli/batches_view.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admin-cli/human_format.h"
#include "admin-cli/text_table.h"

namespace ingest::admin {

std::string RenderBatches(const v1::ListBatchesResponse& batches, size_t width) {
  if (batches.batches().empty()) return "no committed batches yet\n";
  using Align = TextTable::Align;
  TextTable table({{"BATCH", Align::kRight},
                   {"WINDOW START"},
                   {"EVENTS", Align::kRight},
                   {"INSERTED", Align::kRight},
                   {"UPDATED", Align::kRight},
                   {"REJECTED", Align::kRight},
                   {"WRITE MS", Align::kRight},
                   {"COMMITTED AT"},
                   {"SERVER", Align::kLeft, /*shrinkable=*/true},
                   {"SOURCES", Align::kLeft, /*shrinkable=*/true}});
  for (const auto& b : batches.batches()) {
    std::string sources = b.sources().empty() ? "-" : absl::StrJoin(b.sources(), ",");
    table.AddRow({absl::StrCat(b.batch_id()), FormatTimestamp(b.window_start()), absl::StrCat(b.events()),
                  absl::StrCat(b.inserted()), absl::StrCat(b.updated()), absl::StrCat(b.rejected()),
                  absl::StrCat(b.write_ms()), FormatTimestamp(b.committed_at()),
                  b.server_id().empty() ? "-" : b.server_id(), sources});
  }
  return table.Render(width);
}

}  // namespace ingest::admin
