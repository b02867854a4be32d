#include "server/intake/upload_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/durable_file.h"
#include "common/status_util.h"

namespace ingest::server {
namespace {

bool IsHexSha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Distinct names for the spool files of one process.
std::atomic<uint64_t> spool_counter{0};

}  // namespace

absl::Status PrepareUploadsDir(const std::string& dir) {
  RETURN_IF_ERROR(MakeDirectories(dir));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".part") std::filesystem::remove(entry.path(), ec);
  }
  if (ec) return absl::InternalError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

UploadSpool::~UploadSpool() {
  if (fd_ >= 0) close(fd_);
  if (!path_.empty()) unlink(path_.c_str());
}

std::string UploadSpool::sha256() const { return absl::AsciiStrToLower(header_.sha256()); }

absl::Status UploadSpool::Begin(const v1::FileHeader& header) {
  header_ = header;
  if (header_.file_name().empty()) return absl::InvalidArgumentError("the FileHeader has no file_name");
  if (!IsHexSha256(header_.sha256())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the FileHeader's sha256 '", header_.sha256(), "' is not 64 hexadecimal digits"));
  }
  if (header_.size_bytes() > max_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat(header_.file_name(), " is ", header_.size_bytes(),
                                                     " bytes; this server takes files up to ", max_bytes_,
                                                     " bytes (--max-upload-bytes)"));
  }
  path_ = absl::StrCat(dir_, "/upload-", getpid(), "-", spool_counter.fetch_add(1), "-",
                       absl::ToUnixNanos(absl::Now()), ".part");
  fd_ = open(path_.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot spool the upload to ", path_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status UploadSpool::Append(absl::string_view data) {
  received_ += data.size();
  if (received_ > max_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat(header_.file_name(), " is over ", max_bytes_,
                                                     " bytes; this server takes files up to that size "
                                                     "(--max-upload-bytes)"));
  }
  if (received_ > header_.size_bytes()) {
    return absl::InvalidArgumentError(absl::StrCat(header_.file_name(), ": more data arrived (", received_,
                                                   " bytes so far) than the header's size_bytes ",
                                                   header_.size_bytes()));
  }
  hash_.Update(data);
  for (size_t done = 0; done < data.size();) {
    ssize_t n = write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot spool the upload to ", path_, ": ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status UploadSpool::Finish() {
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot spool the upload: ", std::strerror(errno)));
  }
  if (received_ != header_.size_bytes()) {
    return absl::InvalidArgumentError(absl::StrCat(header_.file_name(), ": the header says size_bytes ",
                                                   header_.size_bytes(), " but ", received_,
                                                   " bytes arrived"));
  }
  const std::string actual = ToHex(hash_.Finish());
  if (actual != sha256()) {
    return absl::InvalidArgumentError(absl::StrCat(header_.file_name(), ": the header says sha256 ",
                                                   header_.sha256(), " but the data received has sha256 ",
                                                   actual));
  }
  return absl::OkStatus();
}

}  // namespace ingest::server
