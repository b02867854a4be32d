#include "file-bridge/bridge_progress.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace ingest::bridge {
namespace {

constexpr absl::string_view kSep = kProgressSeparator;

// Nothing sent yet (hashing, connecting) or no upload in flight (archiving): no stage. Once all
// bytes are out, the server is parsing them and making them durable.
std::string Stage(const OnceProgress& p) {
  if (p.current_sent == 0 || p.current_size == 0) return "";
  if (p.current_sent >= p.current_size) return " sent, waiting for the server";
  return absl::StrCat(" ", p.current_sent * 100 / p.current_size, "%");
}

}  // namespace

std::string OnceProgressText::Render(const OnceProgress& p, absl::Time now) {
  if (!p.listed) return "";
  const BridgeSummary& s = p.summary;
  const double rate = accepted_rate_.Add(now, s.rows_accepted);
  std::string line =
      absl::StrCat("files ", s.files_archived + s.files_failed, "/", p.files_total, kSep, "rows ",
                   GroupThousands(s.rows_accepted), " accepted (",
                   GroupThousands(static_cast<uint64_t>(std::llround(rate))), "/s)", kSep,
                   GroupThousands(s.rows_rejected), " rejected", kSep, s.files_failed, " failed", kSep,
                   s.duplicates, s.duplicates == 1 ? " duplicate" : " duplicates");
  if (s.retries > 0) absl::StrAppend(&line, kSep, s.retries, s.retries == 1 ? " retry" : " retries");
  absl::StrAppend(&line, kSep, ShortDuration(now - start_));
  if (!p.current_file.empty()) absl::StrAppend(&line, kSep, "current: ", p.current_file, Stage(p));
  return line;
}

}  // namespace ingest::bridge
