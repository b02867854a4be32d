#include "server/intake/file_intake.h"

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/csv_reader.h"
#include "common/event_row.h"
#include "common/status_util.h"
#include "common/time_text.h"
#include "common/utf8.h"
#include "ingest/wire/file_part.pb.h"

namespace ingest::server {
namespace {

// rejected_events.payload is TEXT: a row that is not valid UTF-8 (or holds NUL) is stored escaped.
std::string PayloadOf(const std::string& raw) {
  if (IsStorableText(raw)) return raw;
  return absl::StrCat("(invalid UTF-8) ", absl::CHexEscape(raw));
}

class PartBuilder {
 public:
  PartBuilder(const UploadedFile& file, absl::Time now) : file_(file), now_us_(ToMicros(now)) { Reset(); }

  void Accept(const v1::Event& event) {
    item_.events.push_back(ToEventRow(event));
    *body_.add_events() = event;
  }
  void Reject(const csv::CsvRow& row) {
    v1::Rejection* r = item_.ack.add_rejections();
    r->set_index(static_cast<uint32_t>(row.line));
    r->set_event_id(row.event.event_id());
    r->set_code(row.problem->code);
    r->set_reason(row.problem->reason);
    std::string payload = PayloadOf(row.raw);
    item_.rejects.push_back(RejectedRow{r->index(), r->event_id(), r->code(), r->reason(), payload});
    body_.add_reject_payloads(std::move(payload));
  }
  size_t rows() const { return item_.events.size() + item_.rejects.size(); }

  // The part so far, with `done` when it is the file's last; starts the next part.
  absl::Status Emit(const EmitPart& emit, const FileDone* done) {
    if (done != nullptr) {
      item_.file_done = *done;
      wire::FileDone* d = body_.mutable_done();
      d->set_file_name(done->file_name);
      d->set_size_bytes(done->size_bytes);
      d->set_accepted(done->accepted);
      d->set_rejected(done->rejected);
    }
    item_.ack.set_accepted(static_cast<uint32_t>(item_.events.size()));
    item_.ack.set_rejected(static_cast<uint32_t>(item_.rejects.size()));
    std::string body = body_.SerializeAsString();
    item_.bytes = body.size();
    absl::Status st = emit(std::move(item_), std::move(body));
    Reset();
    return st;
  }

 private:
  void Reset() {
    item_ = WindowItem();
    item_.source = Source::kFile;
    item_.origin = file_.file_name;
    item_.sequence = ++part_;
    item_.content_hash = file_.sha256;
    item_.received_us = now_us_;
    body_.Clear();
  }

  const UploadedFile& file_;
  const int64_t now_us_;
  uint64_t part_ = 0;
  WindowItem item_;
  wire::FilePart body_;
};

}  // namespace

absl::StatusOr<v1::UploadResult> ReadUploadedFile(const UploadedFile& file, absl::Time now,
                                                  const EmitPart& emit, size_t part_rows) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot open the received file ", file.path));
  csv::CsvReader reader(in);
  if (absl::Status header = reader.ReadHeader(); !header.ok()) {
    return absl::Status(header.code(), absl::StrCat(file.file_name, ": ", header.message()));
  }
  v1::UploadResult result;
  result.set_file_name(file.file_name);
  result.set_sha256(file.sha256);
  PartBuilder part(file, now);
  csv::CsvRow row;
  while (reader.Next(&row, now)) {
    if (row.problem) {
      part.Reject(row);
      result.set_rejected(result.rejected() + 1);
      if (result.rejections_size() < kMaxListedRejections) {
        v1::Rejection* r = result.add_rejections();
        r->set_index(static_cast<uint32_t>(row.line));
        r->set_event_id(row.event.event_id());
        r->set_code(row.problem->code);
        r->set_reason(row.problem->reason);
      } else {
        result.set_rejections_truncated(true);
      }
    } else {
      part.Accept(row.event);
      result.set_accepted(result.accepted() + 1);
    }
    if (part.rows() >= part_rows) RETURN_IF_ERROR(part.Emit(emit, nullptr));
  }
  if (absl::Status read = reader.status(); !read.ok()) {
    // The spooled copy could not be read back: the server's trouble, not the file's.
    return absl::UnavailableError(
        absl::StrCat("reading the received file back failed (", read.message(), "); upload it again"));
  }
  const FileDone done{file.file_name, file.size_bytes, result.accepted(), result.rejected()};
  RETURN_IF_ERROR(part.Emit(emit, &done));
  return result;
}

absl::Status CheckEventIds(const UploadedFile& file, absl::Time now,
                           const std::function<absl::Status(absl::string_view event_id)>& allowed) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot open the received file ", file.path));
  csv::CsvReader reader(in);
  if (!reader.ReadHeader().ok()) return absl::OkStatus();  // the file's reading reports it
  csv::CsvRow row;
  while (reader.Next(&row, now)) {
    if (row.event.event_id().empty()) continue;
    if (absl::Status st = allowed(row.event.event_id()); !st.ok()) {
      return absl::Status(st.code(), absl::StrCat(file.file_name, " line ", row.line, ": ", st.message(),
                                                  "; nothing of the file was stored"));
    }
  }
  return absl::OkStatus();
}

}  // namespace ingest::server
