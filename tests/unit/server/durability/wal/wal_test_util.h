// Helpers for the log tests: a temp dir per test, writing records, reading a scan, poking bytes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/durability/wal/wal_format.h"
#include "server/durability/wal/wal_reader.h"

namespace ingest::server::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A payload of `size` bytes that differs for each `seed` (so mixed-up records are caught).
std::string Payload(uint64_t seed, size_t size);

// Sizes 1..max_size, varied but reproducible.
std::vector<size_t> VariedSizes(size_t count, size_t max_size, uint64_t seed);

// Appends `payloads` to the log in `dir` (continuing after `end`), waits until each is durable,
// checks every done got OK, and returns the positions Append gave.
std::vector<WalPosition> WriteRecords(const std::string& dir, uint64_t segment_bytes,
                                      const std::vector<std::string>& payloads,
                                      WalPosition end = WalPosition{});

struct ScanResult {
  WalScan scan;
  std::vector<std::pair<WalPosition, std::string>> records;
  std::vector<std::string> payloads() const;
};

// ScanWal, collecting what it delivers; fails the test when the scan itself errs.
ScanResult Scan(const std::string& dir, bool repair = false);

// Overwrites bytes of a file at `offset`.
void WriteAt(const std::string& path, uint64_t offset, const std::string& bytes);
// Flips every bit of the byte at `offset`.
void FlipByte(const std::string& path, uint64_t offset);
std::string ReadFile(const std::string& path);
uint64_t FileSize(const std::string& path);

}  // namespace ingest::server::testing
