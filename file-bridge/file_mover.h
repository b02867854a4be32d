// FileMover: takes a file out of the watch folder once the server has answered, so that a crash
// at any moment leaves it in exactly one place. The record beside it (`<name>.result.json` in
// archive/, `<name>.reason` in failed/) is written first (tmp -> fsync -> rename), then the
// file is renamed and both folders are fsynced. A crash before the rename leaves the file where
// it was: the next run uploads it again and the server answers it as a duplicate.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "file-bridge/file_digest.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::bridge {

class FileMover {
 public:
  FileMover(std::string watch_dir, std::string archive_dir, std::string failed_dir);

  // Moves watch/<name> to archive/ with the result's counts beside it. Returns the name it got
  // there: <name>, or <stem>.1<ext>, <stem>.2<ext>... when archive/ holds other content under
  // that name. An existing result record for the same sha256 (the first ingestion) is kept.
  absl::StatusOr<std::string> Archive(const std::string& name, const FileDigest& digest,
                                      const v1::UploadResult& result, absl::Time uploaded_at);

  // Moves watch/<name> to failed/ with `why` (status code and message) in <name>.reason.
  absl::StatusOr<std::string> Fail(const std::string& name, const FileDigest& digest, const absl::Status& why,
                                   absl::Time failed_at);

  // "a.csv" -> "a.1.csv", "a" -> "a.1".
  static std::string SuffixedName(const std::string& name, int k);

 private:
  // The first of <name>, <stem>.1<ext>, ... in `dir` that holds nothing or the same content.
  absl::StatusOr<std::string> FreeName(const std::string& dir, const std::string& name,
                                       const FileDigest& digest, const std::string& record_suffix) const;
  absl::StatusOr<bool> HoldsOtherContent(const std::string& dir, const std::string& candidate,
                                         const FileDigest& digest, const std::string& record_suffix) const;

  const std::string watch_dir_;
  const std::string archive_dir_;
  const std::string failed_dir_;
};

inline constexpr char kResultSuffix[] = ".result.json";
inline constexpr char kReasonSuffix[] = ".reason";

}  // namespace ingest::bridge
