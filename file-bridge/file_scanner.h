// FileScanner: which files of the watch folder are complete. A file is complete once its size,
// mtime and inode have been seen unchanged for `settle` (so it is observed at least twice, that
// far apart, on the injected clock). Dot-files, `*.tmp`, directories and anything that is not
// a regular file are never taken. Complete files come oldest first (mtime, then name).
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/durable_file.h"

namespace ingest::bridge {

struct ScannedFile {
  std::string name;  // inside the watch folder
  FileIdentity identity;
};

struct ScanResult {
  std::vector<ScannedFile> settled;  // complete, oldest first, at most the `max_files` asked for
  size_t more_settled = 0;           // complete ones left out by `max_files`
  std::vector<std::string> waiting;  // seen, not yet unchanged for `settle`
  // When the first waiting file would settle if it stays as it is; InfiniteFuture when none waits.
  absl::Time next_settle_at = absl::InfiniteFuture();
};

class FileScanner {
 public:
  // `clock` must outlive the scanner. A zero `settle` takes a file on first sight.
  FileScanner(std::string dir, absl::Duration settle, const Clock* clock);

  // Lists the folder, records how each candidate looks now, and returns the complete ones.
  // `only`, when given, restricts the answer (not the observation) to those names.
  absl::StatusOr<ScanResult> Scan(size_t max_files, const std::set<std::string>* only = nullptr);

  // Forgets what was seen of `name`: it has to settle again before it is taken.
  void Forget(const std::string& name);

  // The candidate names of the folder right now (no settle), e.g. what --once starts from.
  absl::StatusOr<std::set<std::string>> ListCandidates() const;

  // False for dot-files and `*.tmp`: files other tools are still writing.
  static bool IsCandidateName(absl::string_view name);

 private:
  struct Observation {
    FileIdentity identity;
    absl::Time unchanged_since;
  };

  absl::StatusOr<std::vector<std::string>> ListNames() const;

  const std::string dir_;
  const absl::Duration settle_;
  const Clock* clock_;
  std::map<std::string, Observation> seen_;
};

}  // namespace ingest::bridge
