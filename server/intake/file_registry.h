// FileRegistry: uploads in flight, by sha256. Of two concurrent uploads of one file, one ingests
// and the other waits, then answers as a duplicate of it; a file whose ingestion is durable but
// not yet committed is answered from here, and once committed, from ingested_files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ingest/v1/ingest.pb.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

class FileRegistry {
 public:
  // The durable result of an earlier upload of `sha256`, waiting (until `deadline`) for one in
  // progress; nullopt when the caller now holds the file and must ingest it (or find it in the
  // database) and then call Durable or Release. DeadlineExceeded if the other upload is still
  // going at `deadline`.
  absl::StatusOr<std::optional<v1::UploadResult>> Claim(const std::string& sha256, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The holder's ingestion is durable: later uploads are answered with `result`.
  void Durable(const std::string& sha256, const v1::UploadResult& result) ABSL_LOCKS_EXCLUDED(mu_);
  // The holder gives the file up (failed, or found in the database): the next upload claims it.
  void Release(const std::string& sha256) ABSL_LOCKS_EXCLUDED(mu_);
  // The ingestion committed: ingested_files answers from now on.
  void Committed(const std::string& sha256) ABSL_LOCKS_EXCLUDED(mu_);

  // After a restart: every file whose last part came back from the log (durable, not yet
  // committed) is answered as a duplicate until it commits. Sets those items' on_committed.
  // Counts are exact; the rejections listed are those of the parts still in the log.
  void RestoreFromLog(std::vector<WindowItem>* tail) ABSL_LOCKS_EXCLUDED(mu_);

  size_t in_flight() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    bool durable = false;
    v1::UploadResult result;
  };
  mutable absl::Mutex mu_;  // guards the uploads in flight by sha256
  absl::flat_hash_map<std::string, Entry> files_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
