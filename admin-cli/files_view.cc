#include "admin-cli/files_view.h"

#include "absl/strings/str_cat.h"
#include "admin-cli/human_format.h"
#include "admin-cli/text_table.h"

namespace ingest::admin {

std::string RenderFiles(const v1::ListFilesResponse& files, size_t width) {
  if (files.files().empty()) return "no files ingested yet\n";
  using Align = TextTable::Align;
  TextTable table({{"INGESTED AT"},
                   {"FILE", Align::kLeft, /*shrinkable=*/true},
                   {"SIZE", Align::kRight},
                   {"ACCEPTED", Align::kRight},
                   {"REJECTED", Align::kRight},
                   {"BATCH", Align::kRight},
                   {"SHA256", Align::kLeft, /*shrinkable=*/true}});
  for (const auto& f : files.files()) {
    table.AddRow({FormatTimestamp(f.ingested_at()), f.file_name(), FormatBytes(f.size_bytes()),
                  absl::StrCat(f.accepted()), absl::StrCat(f.rejected()), absl::StrCat(f.batch_id()),
                  f.sha256()});
  }
  return table.Render(width);
}

}  // namespace ingest::admin
