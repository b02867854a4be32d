#include "server/model/received_batch.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/utf8.h"

namespace ingest::server {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

// The content hash takes each event's bytes as received, preceded by their length. They are what
// protobuf serializes for the same event (fields in number order), so hashes kept in
// producer_acks stay comparable with those of earlier versions, which hashed a re-serialization.
void HashEvent(Sha256& h, absl::string_view bytes) {
  const uint64_t len = bytes.size();
  h.Update(absl::string_view(reinterpret_cast<const char*>(&len), sizeof(len)));
  h.Update(bytes);
}

absl::Status NotABatch(absl::string_view bytes) {
  return absl::InvalidArgumentError(
      absl::StrCat("the message (", bytes.size(), " bytes) is not an ingest.v1.EventBatch"));
}

// The number of events (field 3) in a batch's bytes, by a skim that only reads tags and
// lengths; 0 for bytes that do not parse (ParseReceivedBatch then says why).
size_t CountEvents(absl::string_view bytes) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(INT32_MAX);
  size_t n = 0;
  while (uint32_t tag = in.ReadTag()) {
    if (tag == WireFormatLite::MakeTag(3, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) ++n;
    if (!WireFormatLite::SkipField(&in, tag)) return 0;
  }
  return n;
}

}  // namespace

absl::StatusOr<ReceivedBatch> ParseReceivedBatch(absl::string_view bytes) {
  ReceivedBatch out;
  out.wire_bytes = bytes.size();
  out.events.reserve(CountEvents(bytes));  // one allocation, no moves as the views are added
  Sha256 hash;
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(INT32_MAX);
  absl::string_view producer;
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    bool ok = true;
    absl::string_view view;
    if (field == 1 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      ok = ReadLengthDelimited(in, bytes, &producer);
    } else if (field == 2 && type == WireFormatLite::WIRETYPE_VARINT) {
      ok = in.ReadVarint64(&out.sequence);
    } else if (field == 3 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      ok = ReadLengthDelimited(in, bytes, &view) && out.events.emplace_back().Parse(view);
      if (ok) HashEvent(hash, view);
    } else {
      ok = WireFormatLite::SkipField(&in, tag);
    }
    if (!ok) return NotABatch(bytes);
  }
  if (!in.ConsumedEntireMessage()) return NotABatch(bytes);
  if (!IsValidUtf8(producer)) return absl::InvalidArgumentError("producer_id is not valid UTF-8");
  if (!IsStorableText(producer)) {
    return absl::InvalidArgumentError(
        "producer_id holds a NUL character, which PostgreSQL text cannot store");
  }
  out.producer_id = std::string(producer);
  out.content_hash = hash.Finish();
  return out;
}

ReceivedBatch FromEventBatch(const v1::EventBatch& batch) {
  auto bytes = std::make_shared<const std::string>(batch.SerializeAsString());
  auto parsed = ParseReceivedBatch(*bytes);
  ReceivedBatch out = parsed.ok() ? std::move(*parsed) : ReceivedBatch();
  out.storage = std::move(bytes);
  return out;
}

}  // namespace ingest::server
