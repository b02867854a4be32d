// Helpers for the file-bridge tests: a temp folder tree (watch, archive, failed) per test, and
// writing, reading and dating files in it.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace ingest::bridge::testing {

// A fresh directory under $TMPDIR (or /tmp) holding watch/, archive/ and failed/, removed with
// everything in it at destruction.
class BridgeDirs {
 public:
  BridgeDirs() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ingest-bridge-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << pattern << " failed";
    root_ = pattern;
    for (const char* sub : {"watch", "archive", "failed"})
      std::filesystem::create_directory(root_ + "/" + sub);
  }
  ~BridgeDirs() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string watch() const { return root_ + "/watch"; }
  std::string archive() const { return root_ + "/archive"; }
  std::string failed() const { return root_ + "/failed"; }
  std::string root() const { return root_; }

 private:
  std::string root_;
};

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

inline void AppendFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// Sets the mtime of `path` to `unix_seconds` (so "oldest first" does not depend on timing).
inline void SetMtime(const std::string& path, int64_t unix_seconds) {
  timespec times[2];
  times[0].tv_sec = unix_seconds;
  times[0].tv_nsec = 0;
  times[1] = times[0];
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

// The names in `dir`.
inline std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

// A small seed-style CSV file with `rows` rows.
inline std::string Csv(int rows, const std::string& tag = "e") {
  std::string out = "event_id,user_id,event_type,product_id,price,timestamp\n";
  for (int i = 0; i < rows; ++i) {
    out += tag + "-" + std::to_string(i) + ",user_0001,view,p1,9.99,2025-01-01T00:00:00Z\n";
  }
  return out;
}

}  // namespace ingest::bridge::testing
