#include "tests/unit/server/durability/wal/wal_test_util.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "gtest/gtest.h"
#include "server/durability/wal/wal_writer.h"

namespace ingest::server::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ingest-wal-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << pattern << " failed";
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string Payload(uint64_t seed, size_t size) {
  std::string out(size, '\0');
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x & 0xff);
  }
  return out;
}

std::vector<size_t> VariedSizes(size_t count, size_t max_size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> sizes;
  for (size_t i = 0; i < count; ++i) sizes.push_back(1 + rng() % max_size);
  return sizes;
}

std::vector<WalPosition> WriteRecords(const std::string& dir, uint64_t segment_bytes,
                                      const std::vector<std::string>& payloads, WalPosition end) {
  std::vector<WalPosition> positions;
  auto writer = WalWriter::Open({dir, segment_bytes}, end);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return positions;
  std::vector<absl::Status> results(payloads.size(), absl::UnknownError("done not called"));
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto pos = (*writer)->Append(payloads[i], [&results, i](absl::Status st) { results[i] = st; });
    EXPECT_TRUE(pos.ok()) << pos.status();
    positions.push_back(pos.ok() ? *pos : WalPosition{});
  }
  (*writer)->Stop();
  for (size_t i = 0; i < results.size(); ++i)
    EXPECT_TRUE(results[i].ok()) << "record " << i << ": " << results[i];
  return positions;
}

std::vector<std::string> ScanResult::payloads() const {
  std::vector<std::string> out;
  for (const auto& [pos, payload] : records) out.push_back(payload);
  return out;
}

ScanResult Scan(const std::string& dir, bool repair) {
  ScanResult result;
  auto scan = ScanWal(
      dir,
      [&](WalPosition pos, absl::string_view payload) {
        result.records.emplace_back(pos, std::string(payload));
      },
      repair);
  EXPECT_TRUE(scan.ok()) << scan.status();
  if (scan.ok()) result.scan = *scan;
  return result;
}

void WriteAt(const std::string& path, uint64_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.is_open()) << path;
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(f.good()) << path;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::string content = ReadFile(path);
  ASSERT_LT(offset, content.size());
  WriteAt(path, offset, std::string(1, static_cast<char>(~content[offset])));
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace ingest::server::testing
