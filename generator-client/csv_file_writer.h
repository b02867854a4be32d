// Batch files in the seed generator's naming, written so that a folder watcher never sees a
// partial file: each is written under a dot-name ending in .tmp (which the file bridge ignores),
// fsynced, renamed into place without replacing anything, and then the folder is fsynced.
//
//   events_batch_0001_20251123.csv   batch number (4 digits, more when needed), UTC date
//   .events_batch_0001_20251123.csv.tmp   while it is being written
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ingest::generator {

// "events_batch_0001_20251123.csv" for batch 1 written at `when` (its UTC date).
std::string BatchFileName(uint64_t batch, absl::Time when);
// The name `final_name` is written under first: ".<final_name>.tmp".
std::string TempFileName(absl::string_view final_name);
// The batch number of a batch file name, or of its temp name; nullopt for any other name.
std::optional<uint64_t> BatchNumberOf(absl::string_view name);

// True when `path` lies in `dir` or below it, after resolving symlinks and "..". Neither needs
// to exist yet.
bool IsInsideDirectory(const std::string& path, const std::string& dir);
// Replaces `path` by a file holding `content` (temp name, fsync, rename, fsync of the folder),
// creating its folder when missing.
absl::Status ReplaceFileDurably(const std::string& path, absl::string_view content);

// The batch files of one folder: numbering continues after the highest batch number already
// there (final or temp names), so earlier runs' files are never overwritten.
class CsvBatchFiles {
 public:
  // Creates `dir` when missing and reads the numbers already used in it.
  static absl::StatusOr<CsvBatchFiles> Open(std::string dir);

  const std::string& dir() const { return dir_; }
  // The number the next Write will use unless another writer takes it first.
  uint64_t next_batch() const { return next_; }

  // Writes `content` as the next batch file, named for `now`, and returns its path. When that
  // name or its temp name is taken meanwhile (another generator), the following number is used.
  // On failure the error names the file and the system's reason, and no temp file is left.
  absl::StatusOr<std::string> Write(absl::string_view content, absl::Time now);

 private:
  CsvBatchFiles(std::string dir, uint64_t next) : dir_(std::move(dir)), next_(next) {}

  std::string dir_;
  uint64_t next_;
};

}  // namespace ingest::generator
