#include "generator-client/csv_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/durable_file.h"

namespace ingest::generator {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kPrefix = "events_batch_";
// More than enough to get past any number of writers racing for the same names.
constexpr int kMaxNameAttempts = 1000;

absl::Status ErrnoError(int err, absl::string_view what, absl::string_view path) {
  return absl::ErrnoToStatus(err, absl::StrCat(what, " ", path));
}

// Writes all of `content` to the file `fd` (opened for `path`), fsyncs and closes it.
absl::Status WriteAndClose(int fd, absl::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return ErrnoError(err, "writing", path);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd) != 0) {
    const int err = errno;
    close(fd);
    return ErrnoError(err, "fsync of", path);
  }
  if (close(fd) != 0) return ErrnoError(errno, "closing", path);
  return absl::OkStatus();
}

// rename() that fails with EEXIST instead of replacing `to`; 0 or -1 with errno, like rename().
int RenameNoReplace(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  // A filesystem without RENAME_NOREPLACE: link() refuses an existing name just the same.
  if (link(from.c_str(), to.c_str()) != 0) return -1;
  unlink(from.c_str());
  return 0;
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// `p` made absolute, with symlinks of its existing part resolved and no trailing separator.
fs::path Resolved(const std::string& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = fs::path(p);
  fs::path out = fs::weakly_canonical(abs, ec);
  if (ec) out = abs.lexically_normal();
  if (!out.has_filename() && out.has_parent_path()) out = out.parent_path();
  return out;
}

}  // namespace

std::string BatchFileName(uint64_t batch, absl::Time when) {
  return absl::StrCat(kPrefix, absl::StrFormat("%04d", batch), "_",
                      absl::FormatTime("%Y%m%d", when, absl::UTCTimeZone()), ".csv");
}

std::string TempFileName(absl::string_view final_name) { return absl::StrCat(".", final_name, ".tmp"); }

std::optional<uint64_t> BatchNumberOf(absl::string_view name) {
  if (absl::ConsumePrefix(&name, ".") && !absl::EndsWith(name, ".tmp")) return std::nullopt;
  if (!absl::ConsumePrefix(&name, kPrefix)) return std::nullopt;
  const size_t digits = name.find('_');
  if (digits == 0 || digits == absl::string_view::npos) return std::nullopt;
  const absl::string_view number = name.substr(0, digits);
  for (char c : number) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  uint64_t batch = 0;
  if (!absl::SimpleAtoi(number, &batch)) return std::nullopt;
  return batch;
}

bool IsInsideDirectory(const std::string& path, const std::string& dir) {
  const fs::path p = Resolved(path), d = Resolved(dir);
  auto pi = p.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++pi) {
    if (pi == p.end() || *pi != *di) return false;
  }
  return true;
}

absl::Status ReplaceFileDurably(const std::string& path, absl::string_view content) {
  const fs::path target(path);
  const std::string dir = target.parent_path().string();
  if (!dir.empty()) {
    if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  }
  const std::string temp = JoinPath(dir, TempFileName(target.filename().string()));
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(errno, "creating", temp);
  if (absl::Status s = WriteAndClose(fd, content, temp); !s.ok()) {
    unlink(temp.c_str());
    return s;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(temp.c_str());
    return ErrnoError(err, absl::StrCat("renaming ", temp, " to"), path);
  }
  return FsyncDirectory(dir);
}

absl::StatusOr<CsvBatchFiles> CsvBatchFiles::Open(std::string dir) {
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  std::error_code ec;
  uint64_t highest = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (auto n = BatchNumberOf(it->path().filename().string())) highest = std::max(highest, *n);
  }
  if (ec) return ErrnoError(ec.value(), "listing folder", dir);
  return CsvBatchFiles(std::move(dir), highest + 1);
}

absl::StatusOr<std::string> CsvBatchFiles::Write(absl::string_view content, absl::Time now) {
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt, ++next_) {
    const std::string name = BatchFileName(next_, now);
    const std::string path = JoinPath(dir_, name);
    const std::string temp = JoinPath(dir_, TempFileName(name));
    if (Exists(path)) continue;
    // O_EXCL: a temp file of that name belongs to another writer, or to a crashed run.
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) return ErrnoError(errno, "creating", temp);
    if (absl::Status s = WriteAndClose(fd, content, temp); !s.ok()) {
      unlink(temp.c_str());
      return s;
    }
    if (RenameNoReplace(temp, path) != 0) {
      const int err = errno;
      unlink(temp.c_str());
      if (err == EEXIST) continue;
      return ErrnoError(err, absl::StrCat("renaming ", temp, " to"), path);
    }
    ++next_;
    if (absl::Status s = FsyncDirectory(dir_); !s.ok()) return s;
    return path;
  }
  return absl::AlreadyExistsError(absl::StrCat("no free batch file name in ", dir_, " after ",
                                               kMaxNameAttempts, " tries from ", BatchFileName(next_, now)));
}

}  // namespace ingest::generator
