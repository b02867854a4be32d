#include "server/durability/wal_record.h"

#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/event_row.h"
#include "common/status_util.h"
#include "ingest/wire/file_part.pb.h"
#include "server/model/received_batch.h"

namespace ingest::server {
namespace {

template <typename T>
void PutFixed(std::string* out, T value) {
  char buf[sizeof(T)];
  std::memcpy(buf, &value, sizeof(T));  // little-endian hosts only (x86-64, arm64)
  out->append(buf, sizeof(T));
}

void PutBytes(std::string* out, absl::string_view bytes) {
  PutFixed<uint32_t>(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes.data(), bytes.size());
}

class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}
  template <typename T>
  bool Fixed(T* value) {
    if (data_.size() < sizeof(T)) return false;
    std::memcpy(value, data_.data(), sizeof(T));
    data_.remove_prefix(sizeof(T));
    return true;
  }
  bool Bytes(std::string* out) {
    uint32_t n;
    if (!Fixed(&n) || data_.size() < n) return false;
    out->assign(data_.data(), n);
    data_.remove_prefix(n);
    return true;
  }
  absl::string_view rest() const { return data_; }

 private:
  absl::string_view data_;
};

absl::Status StreamRecordDamage(const WindowItem& item, absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("log record of '", item.origin, "' sequence ", item.sequence, " ", what));
}

absl::Status DecodeStreamBatch(absl::string_view body, WindowItem* item) {
  auto received = ParseReceivedBatch(body);
  if (!received.ok()) {
    return StreamRecordDamage(
        *item, absl::StrCat("holds a batch that does not parse: ", received.status().message()));
  }
  item->bytes = received->wire_bytes;
  absl::flat_hash_map<uint32_t, const v1::Rejection*> rejected;
  for (const auto& rej : item->ack.rejections()) {
    // Validation rejects each event of the batch at most once; anything else is not its record.
    if (rej.index() >= received->events.size()) {
      return StreamRecordDamage(*item, absl::StrCat("rejects event ", rej.index(), " of a batch of ",
                                                    received->events.size(), " events"));
    }
    if (!rejected.emplace(rej.index(), &rej).second) {
      return StreamRecordDamage(*item, absl::StrCat("rejects event ", rej.index(), " twice"));
    }
  }
  item->events.reserve(received->events.size() - rejected.size());
  for (int i = 0; i < received->events_size(); ++i) {
    const EventView& e = received->events[i];
    auto it = rejected.find(static_cast<uint32_t>(i));
    if (it == rejected.end()) {
      item->events.push_back(ToEventRow(e));
    } else {
      const v1::Rejection& rej = *it->second;
      item->rejects.push_back(
          RejectedRow{rej.index(), rej.event_id(), rej.code(), rej.reason(), PayloadText(e.ToProto())});
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeFilePart(absl::string_view body, WindowItem* item) {
  wire::FilePart part;
  if (!part.ParseFromArray(body.data(), static_cast<int>(body.size())) ||
      part.reject_payloads_size() != item->ack.rejections_size()) {
    return absl::DataLossError(
        absl::StrCat("log record of file '", item->origin, "' part ", item->sequence, " does not parse"));
  }
  item->bytes = body.size();
  item->events.reserve(part.events_size());
  for (const auto& e : part.events()) item->events.push_back(ToEventRow(e));
  for (int i = 0; i < part.reject_payloads_size(); ++i) {
    const v1::Rejection& rej = item->ack.rejections(i);
    item->rejects.push_back(
        RejectedRow{rej.index(), rej.event_id(), rej.code(), rej.reason(), part.reject_payloads(i)});
  }
  if (part.has_done()) {
    const wire::FileDone& d = part.done();
    item->file_done = FileDone{d.file_name(), d.size_bytes(), d.accepted(), d.rejected()};
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeWalRecord(const WindowItem& item, absl::string_view body) {
  std::string out;
  out.reserve(64 + item.origin.size() + body.size());
  PutFixed<uint8_t>(&out, kWalRecordVersion);
  PutFixed<uint8_t>(&out, item.source == Source::kFile ? 1 : 0);
  PutFixed<uint64_t>(&out, item.sequence);
  PutFixed<int64_t>(&out, item.received_us);
  PutBytes(&out, item.origin);
  PutBytes(&out, item.content_hash);
  PutBytes(&out, item.ack.SerializeAsString());
  out.append(body.data(), body.size());
  return out;
}

absl::StatusOr<WindowItem> DecodeWalRecord(absl::string_view record) {
  Reader r(record);
  uint8_t version = 0, source = 0;
  WindowItem item;
  std::string ack_bytes;
  if (!r.Fixed(&version) || version != kWalRecordVersion) {
    return absl::DataLossError(
        absl::StrCat("log record has format version ", version, ", expected ", kWalRecordVersion));
  }
  if (!r.Fixed(&source) || !r.Fixed(&item.sequence) || !r.Fixed(&item.received_us) ||
      !r.Bytes(&item.origin) || !r.Bytes(&item.content_hash) || !r.Bytes(&ack_bytes) ||
      !item.ack.ParseFromString(ack_bytes)) {
    return absl::DataLossError("log record header is truncated or malformed");
  }
  item.source = source == 1 ? Source::kFile : Source::kStream;
  if (item.source == Source::kFile) {
    RETURN_IF_ERROR(DecodeFilePart(r.rest(), &item));
  } else {
    RETURN_IF_ERROR(DecodeStreamBatch(r.rest(), &item));
  }
  return item;
}

}  // namespace ingest::server
