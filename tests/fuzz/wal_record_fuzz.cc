// Fuzz target of the write-ahead log record (server/durability/wal_record.h). The first byte
// picks what the rest is:
//   0  a record: DecodeWalRecord gives DataLoss or an item, and that item encoded again (with the
//      same body) decodes to the same item;
//   1  a batch's wire bytes: the item validation builds from them, encoded and decoded, comes
//      back exactly (recovery rebuilds what the ack was computed from);
//   2  a wire::FilePart: the same round trip for a part of an uploaded file.
//
// A real fuzzing run: bench/fuzz 600 wal_record.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/event_row.h"
#include "google/protobuf/stubs/logging.h"
#include "ingest/wire/file_part.pb.h"
#include "server/durability/wal_record.h"
#include "server/intake/batch_intake.h"
#include "server/model/received_batch.h"
#include "tests/fuzz/fuzz_invariant.h"

namespace {

using ingest::fuzz::Require;
using ingest::server::WindowItem;

bool SameRejects(const WindowItem& a, const WindowItem& b) {
  if (a.rejects.size() != b.rejects.size()) return false;
  for (size_t i = 0; i < a.rejects.size(); ++i) {
    const auto &x = a.rejects[i], &y = b.rejects[i];
    if (x.position != y.position || x.event_id != y.event_id || x.code != y.code || x.reason != y.reason ||
        x.payload != y.payload) {
      return false;
    }
  }
  return true;
}

bool SameFileDone(const WindowItem& a, const WindowItem& b) {
  if (a.file_done.has_value() != b.file_done.has_value()) return false;
  if (!a.file_done) return true;
  const auto &x = *a.file_done, &y = *b.file_done;
  return x.file_name == y.file_name && x.size_bytes == y.size_bytes && x.accepted == y.accepted &&
         x.rejected == y.rejected;
}

void RequireSame(const WindowItem& want, const WindowItem& got, absl::string_view what) {
  Require(want.source == got.source && want.origin == got.origin && want.sequence == got.sequence &&
              want.received_us == got.received_us && want.content_hash == got.content_hash,
          absl::StrCat(what, ": the header differs"));
  Require(want.ack.SerializeAsString() == got.ack.SerializeAsString(),
          absl::StrCat(what, ": the ack differs"));
  Require(want.events == got.events, absl::StrCat(what, ": the rows differ"));
  Require(SameRejects(want, got), absl::StrCat(what, ": the rejects differ"));
  Require(SameFileDone(want, got), absl::StrCat(what, ": file_done differs"));
  Require(want.bytes == got.bytes, absl::StrCat(what, ": bytes differ"));
}

void RoundTrip(const WindowItem& item, absl::string_view body, absl::string_view what) {
  absl::StatusOr<WindowItem> decoded = ingest::server::DecodeWalRecord(EncodeWalRecord(item, body));
  Require(decoded.ok(),
          absl::StrCat(what, ": an encoded record does not decode: ", decoded.status().message()));
  RequireSame(item, *decoded, what);
}

// Where the body starts in a record that decoded: after version, source, sequence, receive
// time and the three length-prefixed fields.
size_t BodyOffset(absl::string_view record) {
  size_t at = 1 + 1 + 8 + 8;
  for (int field = 0; field < 3; ++field) {
    uint32_t n = 0;
    std::memcpy(&n, record.data() + at, sizeof(n));
    at += sizeof(n) + n;
  }
  return at;
}

void CheckRecord(absl::string_view record) {
  absl::StatusOr<WindowItem> item = ingest::server::DecodeWalRecord(record);
  if (!item.ok()) {
    Require(absl::IsDataLoss(item.status()), item.status().ToString());
    return;
  }
  RoundTrip(*item, record.substr(BodyOffset(record)), "a decoded record");
}

void CheckStreamBatch(absl::string_view bytes) {
  absl::StatusOr<ingest::server::ReceivedBatch> batch = ingest::server::ParseReceivedBatch(bytes);
  if (!batch.ok()) return;
  WindowItem item = ingest::server::BuildWindowItem(*batch, absl::FromUnixSeconds(1750000000));
  RoundTrip(item, bytes, "a stream batch");
}

void CheckFilePart(absl::string_view bytes) {
  ingest::wire::FilePart part;
  if (!part.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  WindowItem item;
  item.source = ingest::server::Source::kFile;
  item.origin = "upload.csv";
  item.sequence = bytes.size();
  item.content_hash = std::string(64, 'a');
  item.received_us = -static_cast<int64_t>(bytes.size());
  item.bytes = bytes.size();
  for (const auto& e : part.events()) item.events.push_back(ingest::ToEventRow(e));
  for (int i = 0; i < part.reject_payloads_size(); ++i) {
    ingest::v1::Rejection* r = item.ack.add_rejections();
    r->set_index(static_cast<uint32_t>(2 * i + 2));  // a line number
    r->set_code("bad_number");
    r->set_reason(absl::StrCat("line ", 2 * i + 2, ": not a number"));
    item.rejects.push_back(
        ingest::server::RejectedRow{r->index(), "", r->code(), r->reason(), part.reject_payloads(i)});
  }
  if (part.has_done()) {
    const auto& d = part.done();
    item.file_done = ingest::server::FileDone{d.file_name(), d.size_bytes(), d.accepted(), d.rejected()};
  }
  RoundTrip(item, bytes, "a file part");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Protobuf logs each string field that is not UTF-8; DecodeWalRecord already says DataLoss.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      CheckRecord(rest);
      break;
    case 1:
      CheckStreamBatch(rest);
      break;
    default:
      CheckFilePart(rest);
      break;
  }
  return 0;
}
