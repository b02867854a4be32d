#include "server/sink/refused_rows.h"

namespace ingest::server {
namespace {

// Rows [first, last) are known to hold a refused row: tries each half, and halves a refused one.
void Split(size_t first, size_t last, const std::string& error, const WriteRows& write,
           std::vector<RefusedRowIndex>* refused) {
  if (last - first == 1) {
    refused->push_back(RefusedRowIndex{first, error});
    return;
  }
  const size_t mid = first + (last - first) / 2;
  for (auto [lo, hi] : {std::pair{first, mid}, std::pair{mid, last}}) {
    if (std::optional<std::string> half_error = write(lo, hi)) Split(lo, hi, *half_error, write, refused);
  }
}

}  // namespace

std::vector<RefusedRowIndex> IsolateRefused(size_t rows, const WriteRows& write) {
  std::vector<RefusedRowIndex> refused;
  if (rows == 1) {
    if (std::optional<std::string> error = write(0, 1)) refused.push_back(RefusedRowIndex{0, *error});
  } else if (rows > 1) {
    Split(0, rows, "", write, &refused);
  }
  return refused;
}

}  // namespace ingest::server
