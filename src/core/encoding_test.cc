#include "core/encoding.h"

#include <gtest/gtest.h>

#include "core/json_writer.h"
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

TEST(LengthPrefixed, ReadsBackWhatWasAppendedAndRefusesATruncatedString) {
  Bytes a;
  AppendLengthPrefixed(a, "ab");
  AppendLengthPrefixed(a, "");
  std::string_view in(reinterpret_cast<const char*>(a.data()), a.size());
  std::string out;
  ASSERT_TRUE(ReadLengthPrefixed(in, out));
  EXPECT_EQ(out, "ab");
  ASSERT_TRUE(ReadLengthPrefixed(in, out));
  EXPECT_EQ(out, "");
  EXPECT_TRUE(in.empty());
  EXPECT_FALSE(ReadLengthPrefixed(in, out));
  std::string_view cut(reinterpret_cast<const char*>(a.data()), 5);  // says 2, holds 1
  EXPECT_FALSE(ReadLengthPrefixed(cut, out));
  EXPECT_EQ(cut.size(), 5u);
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

TEST(Time, Rfc3339RoundTripsAndRejectsNonsense) {
  auto t = ParseRfc3339("2026-12-01T10:30:00.25Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatRfc3339(*t), "2026-12-01T10:30:00.250000Z");
  EXPECT_EQ(*ParseRfc3339("2026-12-01T13:30:00+03:00"), *ParseRfc3339("2026-12-01T10:30:00Z"));
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-12-01")), "2026-12-01T00:00:00.000000Z");
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-12-01T25:00:00Z",
                          "2026-12-01T10:00:00", "2026-12-01T10:00:00Zjunk", "2026-12-1"})
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
}

TEST(Encoding, Base64UrlMatchesRfc4648) {
  // RFC 4648 §10 test vectors, in the URL alphabet without padding.
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64UrlEncode(AsBytes(plain[i])), coded[i]);
    auto back = Base64UrlDecode(coded[i]);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::string(back->begin(), back->end()), plain[i]);
  }
  Bytes high = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64UrlEncode(high), "-_-_");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), high);
  for (const char* bad : {"Zm9v=", "Z", "Zm+v", "Zh"}) EXPECT_FALSE(Base64UrlDecode(bad)) << bad;
}

TEST(JsonWriter, WritesInOrderAndEscapes) {
  JsonWriter w;
  w.BeginObject()
      .Member("s", "a\"b\\c\n\x01")
      .Member("n", int64_t{-5})
      .Member("t", true)
      .StringArray("l", {"x", "y"})
      .Key("o")
      .BeginObject()
      .EndObject()
      .Key("e")
      .BeginArray()
      .EndArray()
      .EndObject();
  EXPECT_EQ(w.str(), R"({"s":"a\"b\\c\n\u0001","n":-5,"t":true,"l":["x","y"],"o":{},"e":[]})");
}

}  // namespace
}  // namespace konfid
