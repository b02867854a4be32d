#include "common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace ingest {
namespace {

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::Status ErrnoStatus(int err, absl::string_view what) {
  std::string message = absl::StrCat(what, ": ", ErrnoText(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case EXDEV:
      return absl::FailedPreconditionError(message);
    default:
      return absl::UnavailableError(message);
  }
}

std::string ErrnoText(int err) {
  const char* name = strerrorname_np(err);
  return absl::StrCat(std::strerror(err), " (", name != nullptr ? name : absl::StrCat("errno ", err), ")");
}

absl::Status FsyncDirectory(const std::string& dir) {
  int fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("cannot open directory ", dir, " to fsync it"));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return ErrnoStatus(err, absl::StrCat("fsync of directory ", dir, " failed"));
  return absl::OkStatus();
}

namespace {

// mkdir -p; an error names the directory that could not be made.
absl::Status MakeDirectoryAndParents(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create directory ", dir, ": ", ErrnoText(ENOTDIR), ", a file of that name is in the way"));
  }
  std::string parent = ParentOf(dir);
  if (parent != dir) RETURN_IF_ERROR(MakeDirectoryAndParents(parent));
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("cannot create directory ", dir));
  }
  return FsyncDirectory(parent);
}

}  // namespace

absl::Status MakeDirectories(const std::string& dir) {
  absl::Status made = MakeDirectoryAndParents(dir);
  const std::string asked = absl::StrCat("cannot create directory ", dir, ": ");
  // Name the directory asked for too, when an ancestor of it failed.
  if (made.ok() || absl::StartsWith(made.message(), asked)) return made;
  return absl::Status(made.code(), absl::StrCat(asked, made.message()));
}

absl::Status WriteFileDurably(const std::string& path, absl::string_view content) {
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("cannot create ", tmp));
  int err = PwriteAll(fd, content, 0);
  if (err == 0 && fsync(fd) != 0) err = errno;
  close(fd);
  if (err == 0 && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    unlink(tmp.c_str());
    return ErrnoStatus(err, absl::StrCat("cannot write ", path));
  }
  return FsyncDirectory(ParentOf(path));
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("cannot open ", path));
  std::string content;
  char buf[8192];
  uint64_t offset = 0;
  while (true) {
    int64_t n = PreadFull(fd, buf, sizeof(buf), offset);
    if (n < 0) {
      close(fd);
      return ErrnoStatus(static_cast<int>(-n), absl::StrCat("cannot read ", path));
    }
    content.append(buf, static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
    if (n < static_cast<int64_t>(sizeof(buf))) break;
  }
  close(fd);
  return content;
}

int PwriteAll(int fd, absl::string_view data, uint64_t offset) {
  while (!data.empty()) {
    ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return 0;
}

int64_t PreadFull(int fd, char* out, uint64_t size, uint64_t offset) {
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  return static_cast<int64_t>(done);
}

absl::Status RenameDurably(const std::string& from, const std::string& to) {
  if (rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("cannot move ", from, " to ", to));
  }
  if (absl::Status s = FsyncDirectory(ParentOf(to)); !s.ok()) return s;
  return FsyncDirectory(ParentOf(from));
}

absl::StatusOr<FileIdentity> IdentityOf(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return ErrnoStatus(errno, absl::StrCat("cannot stat ", path));
  FileIdentity id;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime = absl::TimeFromTimespec(st.st_mtim);
  id.regular = S_ISREG(st.st_mode);
  return id;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return absl::StrCat(dir, "/", name);
}

}  // namespace ingest
