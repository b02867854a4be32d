#include "tests/testing/test_database.h"

#include <unistd.h>

#include <cstdlib>
#include <random>

namespace ingest::testing {

TestDatabase::TestDatabase() {
  const char* dsn = std::getenv("INGEST_TEST_DSN");
  if (dsn == nullptr || *dsn == '\0') return;
  admin_dsn_ = dsn;
  std::random_device rd;
  name_ = "it_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
  pqxx::connection conn(admin_dsn_);
  pqxx::nontransaction tx(conn);
  tx.exec("CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0");
  conninfo_ = admin_dsn_ + " dbname=" + name_;  // libpq takes the last value of a repeated keyword
}

TestDatabase::~TestDatabase() {
  if (name_.empty()) return;
  try {
    pqxx::connection conn(admin_dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A database left behind is harmless: the test cluster is recreated for every run.
  }
}

pqxx::result TestDatabase::Query(const std::string& sql) {
  pqxx::connection conn(conninfo_);
  pqxx::work tx(conn);
  pqxx::result r = tx.exec(sql);
  tx.commit();
  return r;
}

std::string TestDatabase::Scalar(const std::string& sql) {
  pqxx::result r = Query(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

}  // namespace ingest::testing
