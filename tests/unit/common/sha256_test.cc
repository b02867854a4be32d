#include "common/sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace ingest {
namespace {

// FIPS 180-2 test vectors.
constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kTwoBlocks[] = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr char kMillionA[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(ToHex(Sha256Digest("")), kEmpty);
  EXPECT_EQ(ToHex(Sha256Digest("abc")), kAbc);
  EXPECT_EQ(ToHex(Sha256Digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")), kTwoBlocks);
}

TEST(Sha256Test, TheDigestIs32RawBytes) {
  std::string digest = Sha256Digest("abc");
  ASSERT_EQ(digest.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(digest[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(digest[31]), 0xad);
}

TEST(Sha256Test, IncrementalUpdatesEqualOneShot) {
  Sha256 h;
  h.Update("a");
  h.Update("");
  h.Update("bc");
  EXPECT_EQ(ToHex(h.Finish()), kAbc);

  Sha256 nothing;
  EXPECT_EQ(ToHex(nothing.Finish()), kEmpty);
}

TEST(Sha256Test, AMillionBytesInUnevenChunks) {
  const std::string million(1000000, 'a');
  Sha256 h;
  size_t pos = 0;
  for (size_t chunk = 1; pos < million.size(); chunk = chunk * 3 + 1) {
    size_t n = std::min(chunk, million.size() - pos);
    h.Update(absl::string_view(million).substr(pos, n));
    pos += n;
  }
  EXPECT_EQ(ToHex(h.Finish()), kMillionA);
  EXPECT_EQ(ToHex(Sha256Digest(million)), kMillionA);
}

TEST(Sha256Test, BinaryInputWithNulBytes) {
  std::string data("a\0b", 3);
  Sha256 h;
  h.Update(data.substr(0, 1));
  h.Update(data.substr(1));
  EXPECT_EQ(h.Finish(), Sha256Digest(data));
  EXPECT_NE(Sha256Digest(data), Sha256Digest("ab"));
}

TEST(ToHexTest, WritesLowercaseTwoDigitsPerByte) {
  EXPECT_EQ(ToHex(""), "");
  EXPECT_EQ(ToHex(std::string("\x00\x01\xab\xcd\xef\xff", 6)), "0001abcdefff");
}

}  // namespace
}  // namespace ingest
