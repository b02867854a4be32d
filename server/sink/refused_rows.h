// IsolateRefused: which rows of a batch PostgreSQL refuses, found by halving. After the whole
// batch was refused for a data reason, the rows are tried in halves, and a half that is refused
// again is halved once more, down to single rows. With k refused rows out of n that is
// O(k·log n) attempts instead of n, and every good row is written exactly once.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ingest::server {

// Writes rows [first, last) (under a savepoint, in the sink): nullopt when they were written,
// else why PostgreSQL refused them (and nothing of them was written).
using WriteRows = std::function<std::optional<std::string>(size_t first, size_t last)>;

struct RefusedRowIndex {
  size_t row = 0;
  std::string error;  // why PostgreSQL refused this row alone
};

// The refused rows among [0, rows), ascending. The whole range is known to be refused, so it is
// not tried again (but a single row is, to learn its own error).
std::vector<RefusedRowIndex> IsolateRefused(size_t rows, const WriteRows& write);

}  // namespace ingest::server
