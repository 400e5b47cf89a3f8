#include "core/encoding.h"

#include <gtest/gtest.h>

#include "core/secret_bytes.h"
#include "core/time.h"

namespace konfid {
namespace {

TEST(Encoding, HexRoundTrip) {
  Bytes b = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(b), "0001abff");
  EXPECT_EQ(HexDecode("0001abff"), b);
  EXPECT_EQ(HexDecode("0001ABFF"), b);
}

TEST(Encoding, HexRejectsOddLengthAndNonHex) {
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(Encoding, LengthPrefixIsUnambiguous) {
  Bytes a, b;
  AppendLengthPrefixed(a, "ab");
  AppendLengthPrefixed(a, "c");
  AppendLengthPrefixed(b, "a");
  AppendLengthPrefixed(b, "bc");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 4u + 2 + 4 + 1);
}

TEST(SecretBytes, MoveLeavesSourceEmptyAndEqualsIsByValue) {
  uint8_t raw[4] = {1, 2, 3, 4};
  SecretBytes a(raw, 4);
  SecretBytes copy = a.Clone();
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.Equals(copy));
  uint8_t other[4] = {1, 2, 3, 5};
  EXPECT_FALSE(b.Equals(SecretBytes(other, 4)));
}

TEST(Time, Rfc3339) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(1795326161688362), "2026-11-22T05:42:41.688362Z");
}

}  // namespace
}  // namespace konfid
