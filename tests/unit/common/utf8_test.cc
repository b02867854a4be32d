#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace ingest {
namespace {

TEST(IsValidUtf8Test, AcceptsAsciiAndEverySequenceLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii 123"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9"));          // é, 2 bytes
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // €, 3 bytes
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // 😀, 4 bytes
  EXPECT_TRUE(IsValidUtf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"));
}

TEST(IsValidUtf8Test, AcceptsTheBoundaryCodePoints) {
  EXPECT_TRUE(IsValidUtf8("\x7f"));              // U+007F
  EXPECT_TRUE(IsValidUtf8("\xc2\x80"));          // U+0080
  EXPECT_TRUE(IsValidUtf8("\xdf\xbf"));          // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xe0\xa0\x80"));      // U+0800
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));      // U+E000
  EXPECT_TRUE(IsValidUtf8("\xef\xbf\xbf"));      // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xf0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(IsValidUtf8Test, RejectsTruncatedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  EXPECT_FALSE(IsValidUtf8("ab\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82z"));  // a sequence cut off by ASCII
}

TEST(IsValidUtf8Test, RejectsOverlongEncodings) {
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));  // '/' in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // NUL in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // '/' in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xe0\x9f\xbf"));      // U+07FF in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // '/' in 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in 4 bytes
}

TEST(IsValidUtf8Test, RejectsCodePointsPastU10FFFF) {
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf7\xbf\xbf\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xfc\x84\x80\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(IsValidUtf8Test, RejectsSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));              // U+D800
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));              // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\xbd\xed\xb8\x80"));  // CESU-8 pair for 😀
}

TEST(IsValidUtf8Test, RejectsStrayContinuationBytes) {
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xbf"));
  EXPECT_FALSE(IsValidUtf8("a\x80z"));
  EXPECT_FALSE(IsValidUtf8("\xc3\xa9\xa9"));  // é plus one continuation byte too many
}

TEST(TruncateUtf8Test, KeepsShortTextWhole) {
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(TruncateUtf8("abc", 10), "abc");
  EXPECT_EQ(TruncateUtf8("", 0), "");
  EXPECT_EQ(TruncateUtf8("abc", 0), "");
  EXPECT_EQ(TruncateUtf8("abcdef", 4), "abcd");
}

TEST(TruncateUtf8Test, NeverCutsInsideASequence) {
  EXPECT_EQ(TruncateUtf8("a\xc3\xa9", 2), "a");
  EXPECT_EQ(TruncateUtf8("\xe2\x82\xac\xe2\x82\xac", 5), "\xe2\x82\xac");
  EXPECT_EQ(TruncateUtf8("\xf0\x9f\x98\x80", 3), "");
  EXPECT_EQ(TruncateUtf8("\xf0\x9f\x98\x80"
                         "a",
                         4),
            "\xf0\x9f\x98\x80");
}

// Every cut of a text mixing 1- to 4-byte sequences: a valid prefix within the limit that
// stops only where the next character would not fit.
TEST(TruncateUtf8Test, EveryCutIsTheLongestValidPrefix) {
  const std::string text =
      "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
      "b\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9z";
  const size_t starts[] = {0, 1, 3, 6, 10, 11, 15, 18, 20, 21};  // character boundaries
  for (size_t max = 0; max <= text.size() + 1; ++max) {
    absl::string_view cut = TruncateUtf8(text, max);
    size_t want = 0;
    for (size_t s : starts) {
      if (s <= max) want = s;
    }
    if (max >= text.size()) want = text.size();
    EXPECT_EQ(cut.size(), want) << "max " << max;
    EXPECT_TRUE(IsValidUtf8(cut)) << "max " << max;
    EXPECT_EQ(cut, absl::string_view(text).substr(0, cut.size()));
  }
}

}  // namespace
}  // namespace ingest
