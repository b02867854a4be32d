#include "common/conninfo_password.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace ingest {
namespace {

TEST(MaskConninfoPasswords, MasksTheValueOfPasswordInKeyValueConninfo) {
  EXPECT_EQ(MaskConninfoPasswords("host=db password=s3cret dbname=x"), "host=db password=*** dbname=x");
  EXPECT_EQ(MaskConninfoPasswords("password = s3cret"), "password = ***");
  EXPECT_EQ(MaskConninfoPasswords("user=a password='a b\\' c' port=5"), "user=a password=*** port=5");
  EXPECT_EQ(MaskConninfoPasswords("sslpassword=k3y password=pw"), "sslpassword=*** password=***");
  EXPECT_EQ(MaskConninfoPasswords("--db=password=pw"), "--db=password=***");
}

TEST(MaskConninfoPasswords, MasksTheUserInfoAndQueryOfAUri) {
  EXPECT_EQ(MaskConninfoPasswords("postgresql://ingest:s3cret@db:5432/x?sslmode=require"),
            "postgresql://ingest:***@db:5432/x?sslmode=require");
  EXPECT_EQ(MaskConninfoPasswords("postgres://db/x?password=s3cret&sslmode=disable"),
            "postgres://db/x?password=***&sslmode=disable");
}

TEST(MaskConninfoPasswords, LeavesTextWithoutAPasswordAlone) {
  for (const char* text : {"host=db user=ingest dbname=x", "postgresql://ingest@db/x", "passfile=/etc/pgpass",
                           "mypassword", "password=", "--listen=127.0.0.1:50051", ""}) {
    EXPECT_EQ(MaskConninfoPasswords(text), text);
  }
}

TEST(HidePasswordsInArgv, OverwritesOnlyTheArgumentsThatHoldAPassword) {
  std::vector<std::string> args = {"ingest-server", "--db", "host=db password=s3cret user=u", "--log-level",
                                   "password=ab"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_EQ(HidePasswordsInArgv(static_cast<int>(argv.size()), argv.data()), 2);
  EXPECT_STREQ(argv[1], "--db");
  EXPECT_STREQ(argv[2], "host=db password=*** user=u   ");  // the same length, padded
  EXPECT_STREQ(argv[4], "password=**");                     // cut to the argument's length
  EXPECT_EQ(std::string(argv[2]).find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace ingest
