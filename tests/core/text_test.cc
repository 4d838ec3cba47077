#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace icrm {
namespace {

TEST(Text, TrimBlanksRemovesSpacesAndTabsOnly) {
  EXPECT_EQ(trim_blanks(" \t a b \t "), "a b");
  EXPECT_EQ(trim_blanks(""), "");
  EXPECT_EQ(trim_blanks(" \t "), "");
  EXPECT_EQ(trim_blanks("\na\r"), "\na\r");
}

TEST(Text, IequalsFoldsAsciiLettersOnly) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("a[", "A{"));              // '[' is not 'Z' + 1 folded
  EXPECT_FALSE(iequals("\xC3\x84", "\xC3\xA4"));  // Ä and ä: not ASCII, compared exactly
}

// The ASCII fast path reads eight bytes at a time: an invalid or multi-byte
// sequence must be found wherever it falls relative to those words.
TEST(Text, Utf8ValidationFindsBadBytesAtEveryOffset) {
  for (size_t at = 0; at < 20; ++at) {
    std::string prefix(at, 'a');
    EXPECT_TRUE(is_valid_utf8(prefix + "\xE2\x82\xAC" + "tail")) << at;
    EXPECT_TRUE(is_valid_utf8(prefix + "\xF0\x9F\x98\x80")) << at;
    EXPECT_FALSE(is_valid_utf8(prefix + "\x80" + "tail")) << at;      // lone continuation
    EXPECT_FALSE(is_valid_utf8(prefix + "\xC0\xAF")) << at;           // overlong
    EXPECT_FALSE(is_valid_utf8(prefix + "\xED\xA0\x80")) << at;       // surrogate
    EXPECT_FALSE(is_valid_utf8(prefix + "\xF4\x90\x80\x80")) << at;   // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8(prefix + "\xE2\x82")) << at;           // truncated
    EXPECT_FALSE(is_valid_utf8(prefix + "\xFF" + "12345678")) << at;  // never valid
  }
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8(std::string(1000, 'x')));
}

}  // namespace
}  // namespace icrm
