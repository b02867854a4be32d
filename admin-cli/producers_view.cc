#include "admin-cli/producers_view.h"

#include "absl/strings/str_cat.h"
#include "admin-cli/human_format.h"
#include "admin-cli/text_table.h"
#include "common/time_text.h"

namespace ingest::admin {
namespace {

std::string Sequence(uint64_t sequence) { return sequence == 0 ? "-" : absl::StrCat(sequence); }

}  // namespace

std::string RenderProducers(const v1::ListProducersResponse& producers, size_t width, absl::Time now) {
  if (producers.producers().empty()) return "no producers known yet\n";
  using Align = TextTable::Align;
  TextTable table({{"PRODUCER", Align::kLeft, /*shrinkable=*/true},
                   {"PEER", Align::kLeft, /*shrinkable=*/true},
                   {"CONNECTED"},
                   {"LAST SEEN"},
                   {"RECEIVED", Align::kRight},
                   {"DURABLE", Align::kRight},
                   {"COMMITTED", Align::kRight},
                   {"EVENTS", Align::kRight}});
  for (const auto& p : producers.producers()) {
    std::string connected = "-";
    if (p.connected()) {
      connected = IsSet(p.connected_since())
                      ? absl::StrCat("for ", FormatElapsed(now - FromProtoTime(p.connected_since())))
                      : "yes";
    }
    std::string last_seen = IsSet(p.last_seen()) ? FormatRelative(FromProtoTime(p.last_seen()), now) : "-";
    table.AddRow({p.producer_id(), p.peer().empty() ? "-" : p.peer(), connected, last_seen,
                  Sequence(p.last_received_sequence()), Sequence(p.last_durable_sequence()),
                  Sequence(p.last_committed_sequence()), absl::StrCat(p.events())});
  }
  return table.Render(width);
}

}  // namespace ingest::admin
