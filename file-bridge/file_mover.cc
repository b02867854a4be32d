#include "file-bridge/file_mover.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "file-bridge/result_record.h"

namespace ingest::bridge {
namespace {

constexpr int kMaxSuffix = 10000;

// The sha256 named by `dir`/`record`; empty when there is no such file.
absl::StatusOr<std::string> RecordSha256(const std::string& path) {
  auto content = ReadWholeFile(path);
  if (absl::IsNotFound(content.status())) return std::string();
  if (!content.ok()) return content.status();
  std::string sha = Sha256InRecord(*content);
  if (sha.empty()) return std::string("unreadable record");
  return sha;
}

}  // namespace

FileMover::FileMover(std::string watch_dir, std::string archive_dir, std::string failed_dir)
    : watch_dir_(std::move(watch_dir)),
      archive_dir_(std::move(archive_dir)),
      failed_dir_(std::move(failed_dir)) {}

std::string FileMover::SuffixedName(const std::string& name, int k) {
  size_t dot = name.find_last_of('.');
  if (dot == std::string::npos || dot == 0) return absl::StrCat(name, ".", k);
  return absl::StrCat(name.substr(0, dot), ".", k, name.substr(dot));
}

absl::StatusOr<bool> FileMover::HoldsOtherContent(const std::string& dir, const std::string& candidate,
                                                  const FileDigest& digest,
                                                  const std::string& record_suffix) const {
  auto record_sha = RecordSha256(JoinPath(dir, candidate + record_suffix));
  if (!record_sha.ok()) return record_sha.status();
  if (!record_sha->empty() && *record_sha != digest.sha256) return true;
  const std::string path = JoinPath(dir, candidate);
  auto identity = IdentityOf(path);
  if (absl::IsNotFound(identity.status())) return false;
  if (!identity.ok()) return identity.status();
  if (!identity->regular || identity->size != digest.size_bytes) return true;
  auto existing = DigestFile(path);
  if (!existing.ok()) return existing.status();
  return existing->sha256 != digest.sha256;
}

absl::StatusOr<std::string> FileMover::FreeName(const std::string& dir, const std::string& name,
                                                const FileDigest& digest,
                                                const std::string& record_suffix) const {
  for (int k = 0; k <= kMaxSuffix; ++k) {
    std::string candidate = k == 0 ? name : SuffixedName(name, k);
    auto taken = HoldsOtherContent(dir, candidate, digest, record_suffix);
    if (!taken.ok()) return taken.status();
    if (!*taken) return candidate;
  }
  return absl::ResourceExhaustedError(
      absl::StrCat(dir, " already holds ", kMaxSuffix, " other files named like ", name, "; clean it up"));
}

absl::StatusOr<std::string> FileMover::Archive(const std::string& name, const FileDigest& digest,
                                               const v1::UploadResult& result, absl::Time uploaded_at) {
  if (absl::Status s = IdentityOf(JoinPath(watch_dir_, name)).status(); !s.ok()) return s;
  auto target = FreeName(archive_dir_, name, digest, kResultSuffix);
  if (!target.ok()) return target.status();
  const std::string record = JoinPath(archive_dir_, *target + kResultSuffix);
  auto existing = RecordSha256(record);
  if (!existing.ok()) return existing.status();
  if (*existing != digest.sha256) {
    v1::UploadResult named = result;
    if (named.file_name().empty()) named.set_file_name(name);
    named.set_sha256(digest.sha256);  // what was sent, and what later runs compare with
    if (absl::Status s = WriteFileDurably(record, ResultJson(named, digest.size_bytes, uploaded_at));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = RenameDurably(JoinPath(watch_dir_, name), JoinPath(archive_dir_, *target)); !s.ok()) {
    return s;
  }
  return *target;
}

absl::StatusOr<std::string> FileMover::Fail(const std::string& name, const FileDigest& digest,
                                            const absl::Status& why, absl::Time failed_at) {
  if (absl::Status s = IdentityOf(JoinPath(watch_dir_, name)).status(); !s.ok()) return s;
  auto target = FreeName(failed_dir_, name, digest, kReasonSuffix);
  if (!target.ok()) return target.status();
  const std::string record = JoinPath(failed_dir_, *target + kReasonSuffix);
  if (absl::Status s =
          WriteFileDurably(record, ReasonText(why, name, digest.sha256, digest.size_bytes, failed_at));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RenameDurably(JoinPath(watch_dir_, name), JoinPath(failed_dir_, *target)); !s.ok()) {
    return s;
  }
  return *target;
}

}  // namespace ingest::bridge
