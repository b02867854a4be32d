// TestDatabase: a fresh database for one test on the cluster named by INGEST_TEST_DSN, dropped
// when the test ends.
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace ingest::testing {

class TestDatabase {
 public:
  TestDatabase();  // creates it; available() is false when INGEST_TEST_DSN is unset
  ~TestDatabase();

  bool available() const { return !name_.empty(); }
  const std::string& conninfo() const { return conninfo_; }

  // Runs a query and returns the first column of the first row as text ("" for NULL/no row).
  std::string Scalar(const std::string& sql);
  pqxx::result Query(const std::string& sql);

 private:
  std::string admin_dsn_;
  std::string name_;
  std::string conninfo_;
};

}  // namespace ingest::testing
