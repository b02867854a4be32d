// The on-disk format of the write-ahead log: segment files, their header, record frames.
//
// A segment `<dir>/%020llu.wal` is preallocated to its full size and starts with a 32-byte
// header: magic "INGWAL\0\0", format version (u32), segment number (u64), zero padding.
// Records follow back to back, each framed as
//   u32 payload length | u32 crc32 (zlib) over the 4 length bytes and the payload | payload
// all little-endian. A length of 0 ends the written data (preallocated space reads as zeros).
// A record never spans segments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/model/wal_position.h"

namespace ingest::server {

inline constexpr char kWalMagic[8] = {'I', 'N', 'G', 'W', 'A', 'L', '\0', '\0'};
inline constexpr uint32_t kWalFormatVersion = 1;
inline constexpr uint64_t kWalHeaderBytes = 32;
inline constexpr uint64_t kWalFrameBytes = 8;  // length + checksum before each payload

// "<dir>/00000000000000000003.wal"
std::string WalSegmentPath(const std::string& dir, uint64_t segment);

// The segment numbers of the `%020llu.wal` files in `dir`, ascending; other files are ignored.
// A missing dir is an empty log.
absl::StatusOr<std::vector<uint64_t>> ListWalSegments(const std::string& dir);

// The 32 header bytes of segment `segment`.
std::string EncodeWalHeader(uint64_t segment);

// OK, or a sentence saying what is wrong with the header of segment `segment`.
absl::Status CheckWalHeader(absl::string_view header, uint64_t segment);

// The checksum stored in a frame: crc32 over the little-endian length bytes, then the payload.
uint32_t WalRecordChecksum(absl::string_view payload);

// Writes the 8 frame bytes that precede a payload of `length` bytes.
void EncodeWalFrame(uint32_t length, uint32_t checksum, char* out);

uint32_t LoadLittleEndian32(const char* p);
uint64_t LoadLittleEndian64(const char* p);

}  // namespace ingest::server
