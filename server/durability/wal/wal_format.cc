#include "server/durability/wal/wal_format.h"

#include <dirent.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace ingest::server {
namespace {

void StoreLittleEndian32(uint32_t v, char* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

void StoreLittleEndian64(uint64_t v, char* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

uint32_t LoadLittleEndian32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint64_t LoadLittleEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string WalSegmentPath(const std::string& dir, uint64_t segment) {
  return absl::StrFormat("%s/%020u.wal", dir, segment);
}

absl::StatusOr<std::vector<uint64_t>> ListWalSegments(const std::string& dir) {
  std::vector<uint64_t> segments;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return segments;
    return absl::UnavailableError(absl::StrCat("cannot list log dir ", dir, ": ", std::strerror(errno)));
  }
  while (struct dirent* e = readdir(d)) {
    absl::string_view name = e->d_name;
    uint64_t number = 0;
    if (name.size() == 24 && absl::EndsWith(name, ".wal") &&
        std::all_of(name.begin(), name.begin() + 20, absl::ascii_isdigit) &&
        absl::SimpleAtoi(name.substr(0, 20), &number)) {
      segments.push_back(number);
    }
  }
  closedir(d);
  std::sort(segments.begin(), segments.end());
  return segments;
}

std::string EncodeWalHeader(uint64_t segment) {
  std::string header(kWalHeaderBytes, '\0');
  std::memcpy(header.data(), kWalMagic, sizeof(kWalMagic));
  StoreLittleEndian32(kWalFormatVersion, header.data() + 8);
  StoreLittleEndian64(segment, header.data() + 12);
  return header;
}

absl::Status CheckWalHeader(absl::string_view header, uint64_t segment) {
  if (header.size() < kWalHeaderBytes) {
    return absl::DataLossError(absl::StrCat("the file is ", header.size(), " bytes, shorter than the ",
                                            kWalHeaderBytes, "-byte segment header"));
  }
  if (std::memcmp(header.data(), kWalMagic, sizeof(kWalMagic)) != 0) {
    return absl::DataLossError("the header does not start with the log magic \"INGWAL\": not a log segment");
  }
  uint32_t version = LoadLittleEndian32(header.data() + 8);
  if (version != kWalFormatVersion) {
    return absl::DataLossError(absl::StrCat("the header says format version ", version,
                                            "; this build reads version ", kWalFormatVersion));
  }
  uint64_t number = LoadLittleEndian64(header.data() + 12);
  if (number != segment) {
    return absl::DataLossError(
        absl::StrCat("the header names segment ", number, " but the file name says ", segment));
  }
  return absl::OkStatus();
}

uint32_t WalRecordChecksum(absl::string_view payload) {
  char length[4];
  StoreLittleEndian32(static_cast<uint32_t>(payload.size()), length);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(length), 4);
  // zlib's crc32 takes a uInt length; payloads are far below 4 GiB (a u32 frame length).
  crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

void EncodeWalFrame(uint32_t length, uint32_t checksum, char* out) {
  StoreLittleEndian32(length, out);
  StoreLittleEndian32(checksum, out + 4);
}

}  // namespace ingest::server
