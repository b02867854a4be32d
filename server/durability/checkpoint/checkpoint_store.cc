#include "server/durability/checkpoint/checkpoint_store.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "common/logging.h"
#include "common/status_util.h"

namespace ingest::server {
namespace {

struct DirListing {
  std::vector<uint64_t> ids;       // files named by a batch id, ascending
  std::vector<std::string> temps;  // leftover *.tmp names
};

absl::StatusOr<DirListing> ListEntries(const std::string& dir) {
  DirListing listing;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return listing;
    return absl::UnavailableError(absl::StrCat("cannot list ", dir, ": ", ErrnoText(errno)));
  }
  while (struct dirent* e = readdir(d)) {
    absl::string_view name = e->d_name;
    uint64_t id = 0;
    if (absl::EndsWith(name, ".tmp")) {
      listing.temps.emplace_back(name);
    } else if (!name.empty() && std::all_of(name.begin(), name.end(), absl::ascii_isdigit) &&
               absl::SimpleAtoi(name, &id)) {
      listing.ids.push_back(id);
    }
  }
  closedir(d);
  std::sort(listing.ids.begin(), listing.ids.end());
  return listing;
}

absl::Status Remove(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(
        absl::StrCat("cannot delete checkpoint file ", path, ": ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

std::string Damaged(const std::string& path, const absl::Status& status) {
  return absl::StrCat("checkpoint entry ", path, " is damaged: ", status.message(), "; it is not used");
}

}  // namespace

std::vector<OffsetsEntry> CheckpointState::Uncommitted() const {
  std::vector<OffsetsEntry> out;
  for (const OffsetsEntry& e : offsets) {
    if (!committed.contains(e.batch_id)) out.push_back(e);
  }
  return out;
}

CheckpointStore::CheckpointStore(std::string dir) : dir_(std::move(dir)) {}

absl::StatusOr<CheckpointStore> CheckpointStore::Open(std::string dir) {
  CheckpointStore store(std::move(dir));
  RETURN_IF_ERROR(MakeDirectories(store.offsets_dir()));
  RETURN_IF_ERROR(MakeDirectories(store.commits_dir()));
  return store;
}

absl::Status CheckpointStore::WriteOffsets(const OffsetsEntry& entry) {
  return WriteFileDurably(absl::StrCat(offsets_dir(), "/", entry.batch_id), EncodeOffsetsEntry(entry));
}

absl::Status CheckpointStore::WriteCommit(uint64_t batch_id, int64_t committed_at_us) {
  return WriteFileDurably(absl::StrCat(commits_dir(), "/", batch_id),
                          EncodeCommitEntry({batch_id, committed_at_us}));
}

absl::StatusOr<CheckpointState> CheckpointStore::Load() const {
  CheckpointState state;
  ASSIGN_OR_RETURN(DirListing offsets, ListEntries(offsets_dir()));
  for (uint64_t id : offsets.ids) {
    const std::string path = absl::StrCat(offsets_dir(), "/", id);
    ASSIGN_OR_RETURN(std::string content, ReadWholeFile(path));
    absl::StatusOr<OffsetsEntry> entry = DecodeOffsetsEntry(content, id);
    if (!entry.ok()) {
      state.damaged.push_back(Damaged(path, entry.status()));
      continue;
    }
    state.offsets.push_back(*entry);
    state.last_batch_id = std::max(state.last_batch_id, id);
  }
  ASSIGN_OR_RETURN(DirListing commits, ListEntries(commits_dir()));
  for (uint64_t id : commits.ids) {
    const std::string path = absl::StrCat(commits_dir(), "/", id);
    ASSIGN_OR_RETURN(std::string content, ReadWholeFile(path));
    absl::StatusOr<CommitEntry> entry = DecodeCommitEntry(content, id);
    if (!entry.ok()) {
      state.damaged.push_back(Damaged(path, entry.status()));
      continue;
    }
    state.committed[id] = entry->committed_at_us;
    state.last_committed = std::max(state.last_committed, id);
    state.last_batch_id = std::max(state.last_batch_id, id);
  }
  return state;
}

absl::Status CheckpointStore::Prune(size_t keep_last) {
  keep_last = std::max<size_t>(keep_last, 1);
  ASSIGN_OR_RETURN(CheckpointState state, Load());
  std::set<uint64_t> doomed;
  size_t kept = 0;
  for (auto it = state.committed.rbegin(); it != state.committed.rend(); ++it) {
    if (kept < keep_last) {
      ++kept;
    } else {
      doomed.insert(it->first);
    }
  }
  for (const std::string& dir : {offsets_dir(), commits_dir()}) {
    ASSIGN_OR_RETURN(DirListing listing, ListEntries(dir));
    bool changed = false;
    for (uint64_t id : listing.ids) {
      if (!doomed.contains(id)) continue;
      RETURN_IF_ERROR(Remove(absl::StrCat(dir, "/", id)));
      changed = true;
    }
    for (const std::string& temp : listing.temps) {
      RETURN_IF_ERROR(Remove(absl::StrCat(dir, "/", temp)));
      changed = true;
    }
    if (changed) RETURN_IF_ERROR(FsyncDirectory(dir));
  }
  if (!doomed.empty()) {
    Logger("checkpoint")
        ->debug("pruned the checkpoint entries of {} committed batches up to batch {}", doomed.size(),
                *doomed.rbegin());
  }
  return absl::OkStatus();
}

uint64_t CheckpointStore::BytesOnDisk() const {
  uint64_t total = 0;
  for (const std::string& dir : {offsets_dir(), commits_dir()}) {
    absl::StatusOr<DirListing> listing = ListEntries(dir);
    if (!listing.ok()) continue;
    for (uint64_t id : listing->ids) {
      struct stat st;
      if (stat(absl::StrCat(dir, "/", id).c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
    }
  }
  return total;
}

}  // namespace ingest::server
