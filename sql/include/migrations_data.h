// The SQL migrations of sql/NNN_*.sql, embedded at build time, in version order.
#pragma once

#include <string>
#include <vector>

namespace ingest::sql {

struct Migration {
  int version;
  std::string name;
  std::string text;
};

// Every migration, ordered by version.
const std::vector<Migration>& Migrations();

}  // namespace ingest::sql
