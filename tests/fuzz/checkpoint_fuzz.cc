// Fuzz target of the checkpoint entries offsets/N and commits/N (checkpoint_format.h). The first
// byte picks what the rest is:
//   even  an entry file, any bytes: ParseCheckpointEntry and both decoders give DataLoss or
//         an entry, and a decoded entry encoded again decodes to the same entry;
//   odd   the fields of an entry (fixed-size integers, zero-filled when short): encoded, it
//         decodes to the same entry, and the file cut short or with one byte changed (where and
//         to what the input says) decodes to an error or, when the change is a hex digit's case
//         in the checksum, to the same entry, never to another one.
//
// A real fuzzing run: bench/fuzz 600 checkpoint.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/durability/checkpoint/checkpoint_format.h"
#include "tests/fuzz/fuzz_invariant.h"

namespace {

using ingest::fuzz::Require;
using ingest::server::CommitEntry;
using ingest::server::OffsetsEntry;

bool operator==(const CommitEntry& a, const CommitEntry& b) {
  return a.batch_id == b.batch_id && a.committed_at_us == b.committed_at_us;
}

void RequireDataLoss(const absl::Status& status) {
  Require(absl::IsDataLoss(status), absl::StrCat("not DataLoss: ", status.ToString()));
}

void CheckEntryFile(absl::string_view content) {
  auto fields = ingest::server::ParseCheckpointEntry(content);
  if (!fields.ok()) return RequireDataLoss(fields.status());
  uint64_t batch_id = 0;
  if (auto it = fields->find("batch_id"); it != fields->end()) (void)absl::SimpleAtoi(it->second, &batch_id);
  if (auto offsets = ingest::server::DecodeOffsetsEntry(content, batch_id); offsets.ok()) {
    Require(!(offsets->end < offsets->first), "a decoded log range ends before it starts");
    auto again = ingest::server::DecodeOffsetsEntry(EncodeOffsetsEntry(*offsets), batch_id);
    Require(again.ok() && *again == *offsets, "a decoded offsets entry does not survive encoding");
  } else {
    RequireDataLoss(offsets.status());
  }
  if (auto commit = ingest::server::DecodeCommitEntry(content, batch_id); commit.ok()) {
    auto again = ingest::server::DecodeCommitEntry(EncodeCommitEntry(*commit), batch_id);
    Require(again.ok() && *again == *commit, "a decoded commit entry does not survive encoding");
  } else {
    RequireDataLoss(commit.status());
  }
}

// Reads fixed-size values from the input, zeros once it runs out.
class FieldReader {
 public:
  explicit FieldReader(absl::string_view data) : data_(data) {}
  template <typename T>
  T Next() {
    T v{};
    const size_t n = std::min(sizeof(T), data_.size());
    std::memcpy(&v, data_.data(), n);
    data_.remove_prefix(n);
    return v;
  }

 private:
  absl::string_view data_;
};

// `content` damaged as the reader says: cut at a position, or one byte there replaced.
std::string Damage(std::string content, FieldReader& r) {
  const size_t at = r.Next<uint16_t>() % content.size();
  const auto replacement = r.Next<char>();
  if (replacement == content[at]) {
    content.resize(at);  // cut short
  } else {
    content[at] = replacement;
  }
  return content;
}

template <typename Entry, typename Decode>
void CheckEncoded(const Entry& entry, const std::string& content, FieldReader& r, Decode decode) {
  auto decoded = decode(content, entry.batch_id);
  Require(decoded.ok() && *decoded == entry, absl::StrCat("an encoded entry does not decode: ", content));
  const std::string damaged = Damage(content, r);
  auto read = decode(damaged, entry.batch_id);
  if (!read.ok()) return RequireDataLoss(read.status());
  Require(*read == entry, absl::StrCat("a damaged entry decodes to another entry: ", damaged));
}

void CheckEntryFields(absl::string_view data) {
  FieldReader r(data);
  OffsetsEntry offsets;
  offsets.batch_id = r.Next<uint64_t>();
  offsets.first = {r.Next<uint64_t>(), r.Next<uint64_t>()};
  offsets.end = {r.Next<uint64_t>(), r.Next<uint64_t>()};
  if (offsets.end < offsets.first) std::swap(offsets.first, offsets.end);
  offsets.window_start_us = r.Next<int64_t>();
  offsets.window_end_us = r.Next<int64_t>();
  offsets.events = r.Next<uint64_t>();
  CheckEncoded(offsets, EncodeOffsetsEntry(offsets), r, ingest::server::DecodeOffsetsEntry);
  const CommitEntry commit{offsets.batch_id, offsets.window_end_us};
  CheckEncoded(commit, EncodeCommitEntry(commit), r, ingest::server::DecodeCommitEntry);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    CheckEntryFile(rest);
  } else {
    CheckEntryFields(rest);
  }
  return 0;
}
