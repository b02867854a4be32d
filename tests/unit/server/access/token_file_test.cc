#include "server/access/token_file.h"

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace ingest::server {
namespace {

TEST(TokenFileTest, ReadsTokensPrefixesAndAdminSkippingCommentsAndBlankLines) {
  auto entries = ParseTokenFile(
      "# producers of shop A\n"
      "\n"
      "  aaaaaaaaaaaaaaaa1 shop-a-\n"
      "bbbbbbbbbbbbbbbb2\t*\tadmin\n",
      "tokens.txt");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].digest, Sha256Digest("aaaaaaaaaaaaaaaa1"));
  EXPECT_EQ((*entries)[0].prefix, "shop-a-");
  EXPECT_FALSE((*entries)[0].admin);
  EXPECT_EQ((*entries)[0].line, 3);
  EXPECT_EQ((*entries)[1].prefix, "*");
  EXPECT_TRUE((*entries)[1].admin);
}

// Each refusal names the file and line, and never shows the token.
void ExpectRefused(const std::string& text, const std::string& expected) {
  auto entries = ParseTokenFile(text, "t.txt");
  ASSERT_FALSE(entries.ok()) << text;
  EXPECT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(entries.status().message(), expected + " (each line: TOKEN PRODUCER_PREFIX [admin])");
}

TEST(TokenFileTest, RefusesBadLinesNamingTheLineNotTheToken) {
  ExpectRefused("short p-\n", "t.txt:1: the token has 5 characters; at least 16 are needed");
  ExpectRefused("\naaaaaaaaaaaaaaaa1\n",
                "t.txt:2: a token needs a producer prefix after it (\"*\" allows any)");
  ExpectRefused("aaaaaaaaaaaaaaaa1 p- root\n",
                "t.txt:1: the third field may only be \"admin\", not \"root\"");
  ExpectRefused("aaaaaaaaaaaaaaaa1 p- admin x\n", "t.txt:1: more than three fields");
  ExpectRefused("aaaaaaaaaaaaaaaa1 p-\naaaaaaaaaaaaaaaa1 q-\n", "t.txt:2: the same token is listed twice");
}

TEST(TokenFileTest, AnEmptyFileHasNoTokensAndAMissingOneIsAnError) {
  auto empty = ParseTokenFile("# none yet\n", "t.txt");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto missing = ReadTokenFile("/nonexistent/tokens.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "cannot read the token file /nonexistent/tokens.txt");
}

}  // namespace
}  // namespace ingest::server
