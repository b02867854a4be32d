// CheckpointStore: the Spark-style checkpoint entries in the checkpoint dir.
//   offsets/N  the log range of batch N, written before batch N goes to the database
//   commits/N  written after batch N committed
// Each file is written tmp -> fsync -> rename -> fsync(dir), so it exists whole or not at all.
// Recovery re-runs every offsets entry without a commits entry, in order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/durability/checkpoint/checkpoint_format.h"

namespace ingest::server {

struct CheckpointState {
  std::vector<OffsetsEntry> offsets;      // valid offsets entries, by batch id
  std::map<uint64_t, int64_t> committed;  // batch id -> committed_at_us, from valid commits entries
  uint64_t last_committed = 0;            // highest committed batch id; 0 when none
  uint64_t last_batch_id = 0;             // highest batch id of any valid entry; 0 when none
  // One sentence per damaged file (bad checksum, version, content): such a file is never used,
  // so a damaged commits entry leaves its batch uncommitted (replayed), and a damaged offsets
  // entry leaves the batch without a log range.
  std::vector<std::string> damaged;

  // The offsets entries that have no commits entry, by batch id: the batches to re-run.
  std::vector<OffsetsEntry> Uncommitted() const;
};

class CheckpointStore {
 public:
  // Uses `dir` as it is: Load() of a missing dir is an empty state (for read-only checks).
  explicit CheckpointStore(std::string dir);
  // Creates `dir`, `dir`/offsets and `dir`/commits when missing.
  static absl::StatusOr<CheckpointStore> Open(std::string dir);

  const std::string& dir() const { return dir_; }

  // Durably writes offsets/N (replacing an earlier entry of the same batch).
  absl::Status WriteOffsets(const OffsetsEntry& entry);
  // Durably writes commits/N.
  absl::Status WriteCommit(uint64_t batch_id, int64_t committed_at_us);

  // Reads every entry; leftover `*.tmp` files and names that are not batch ids are ignored.
  absl::StatusOr<CheckpointState> Load() const;

  // Deletes the offsets and commits entries of committed batches except the newest `keep_last`
  // (at least 1 is kept, so the last committed batch id survives), and leftover `*.tmp` files.
  // Uncommitted offsets entries are never deleted, nor damaged commits entries (their batch
  // counts as uncommitted). Not to be called while a Write* is under way.
  absl::Status Prune(size_t keep_last);

  // Bytes of the files under offsets/ and commits/.
  uint64_t BytesOnDisk() const;

 private:
  std::string offsets_dir() const { return dir_ + "/offsets"; }
  std::string commits_dir() const { return dir_ + "/commits"; }

  std::string dir_;
};

}  // namespace ingest::server
