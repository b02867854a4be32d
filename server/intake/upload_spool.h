// UploadSpool: an upload's bytes on their way to disk. The header is checked, each chunk is
// appended to a file in the uploads folder with the size limits checked and the sha256 computed
// on the way (memory does not grow with the file), and at the end the size and sha256 are
// compared with the header. Blocking file I/O: FileUpload calls it on the uploads pool, never on
// a gRPC callback thread.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/sha256.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::server {

// Creates the uploads folder, or empties it of spool files left by a process that died
// mid-upload (never acknowledged, so the clients upload them again).
absl::Status PrepareUploadsDir(const std::string& dir);

class UploadSpool {
 public:
  // Spools into `dir`; files over `max_bytes` are refused.
  UploadSpool(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  // Removes the spool file.
  ~UploadSpool();
  UploadSpool(const UploadSpool&) = delete;
  UploadSpool& operator=(const UploadSpool&) = delete;

  // The header, first: InvalidArgument for a missing name or a sha256 that is not 64 hex digits,
  // ResourceExhausted for a size over the limit, Unavailable when the spool file cannot be made.
  absl::Status Begin(const v1::FileHeader& header);
  // One chunk of data: ResourceExhausted past the limit, InvalidArgument past the header's size,
  // Unavailable when the disk refuses it.
  absl::Status Append(absl::string_view data);
  // After the last chunk: InvalidArgument when the size or sha256 differs from the header.
  absl::Status Finish();

  bool started() const { return !path_.empty(); }  // Begin made the spool file
  const v1::FileHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  uint64_t received() const { return received_; }
  std::string sha256() const;  // the header's, in lower case

 private:
  const std::string dir_;
  const uint64_t max_bytes_;
  v1::FileHeader header_;
  Sha256 hash_;
  uint64_t received_ = 0;
  int fd_ = -1;
  std::string path_;
};

}  // namespace ingest::server
