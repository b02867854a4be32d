#include "file-bridge/file_scanner.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <tuple>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ingest::bridge {

FileScanner::FileScanner(std::string dir, absl::Duration settle, const Clock* clock)
    : dir_(std::move(dir)), settle_(settle), clock_(clock) {}

bool FileScanner::IsCandidateName(absl::string_view name) {
  return !name.empty() && name[0] != '.' && !absl::EndsWith(name, ".tmp");
}

absl::StatusOr<std::vector<std::string>> FileScanner::ListNames() const {
  DIR* dir = opendir(dir_.c_str());
  if (dir == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot list ", dir_, ": ", ErrnoText(errno)));
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = readdir(dir)) {
    if (IsCandidateName(entry->d_name)) names.emplace_back(entry->d_name);
  }
  int err = errno;
  closedir(dir);
  if (err != 0) return absl::UnavailableError(absl::StrCat("cannot list ", dir_, ": ", ErrnoText(err)));
  return names;
}

absl::StatusOr<std::set<std::string>> FileScanner::ListCandidates() const {
  auto names = ListNames();
  if (!names.ok()) return names.status();
  std::set<std::string> files;
  for (const std::string& name : *names) {
    auto identity = IdentityOf(JoinPath(dir_, name));
    if (identity.ok() && identity->regular) files.insert(name);
  }
  return files;
}

absl::StatusOr<ScanResult> FileScanner::Scan(size_t max_files, const std::set<std::string>* only) {
  auto names = ListNames();
  if (!names.ok()) return names.status();
  const absl::Time now = clock_->Now();
  std::map<std::string, Observation> seen;
  ScanResult result;
  for (const std::string& name : *names) {
    auto identity = IdentityOf(JoinPath(dir_, name));
    if (!identity.ok() || !identity->regular) continue;  // gone since listed, a directory, a link
    Observation observation{*identity, now};
    if (auto it = seen_.find(name); it != seen_.end() && it->second.identity == *identity) {
      observation.unchanged_since = it->second.unchanged_since;
    }
    seen.emplace(name, observation);
    if (only != nullptr && only->count(name) == 0) continue;
    if (now - observation.unchanged_since >= settle_) {
      result.settled.push_back({name, *identity});
    } else {
      result.waiting.push_back(name);
      result.next_settle_at = std::min(result.next_settle_at, observation.unchanged_since + settle_);
    }
  }
  seen_ = std::move(seen);
  std::sort(result.settled.begin(), result.settled.end(), [](const ScannedFile& a, const ScannedFile& b) {
    return std::tie(a.identity.mtime, a.name) < std::tie(b.identity.mtime, b.name);
  });
  if (result.settled.size() > max_files) {
    result.more_settled = result.settled.size() - max_files;
    result.settled.resize(max_files);
  }
  return result;
}

void FileScanner::Forget(const std::string& name) { seen_.erase(name); }

}  // namespace ingest::bridge
