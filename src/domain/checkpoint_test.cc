#include "domain/checkpoint.h"

#include <gtest/gtest.h>

#include <random>

namespace konfid::domain {
namespace {

AuditCheckpoint Sample() {
  return AuditCheckpoint{"demo", 6, Bytes(32, 0xab), 1'764'575'319'123'456};
}

constexpr char kKid[] = "demo-0123456789abcdef";

std::string Line(const AuditCheckpoint& c = Sample()) {
  return CheckpointLine(c, kKid, Bytes(64, 0x5a));
}

// A line whose header and payload are the given texts, with a well-formed signature part.
std::string Forged(std::string_view header, std::string_view payload) {
  return Base64UrlEncode(AsBytes(header)) + "." + Base64UrlEncode(AsBytes(payload)) + "." +
         Base64UrlEncode(Bytes(64, 1));
}

TEST(Checkpoint, CanonicalTextsAreExactlyAsDocumented) {
  EXPECT_EQ(CheckpointHeader(kKid),
            R"({"alg":"EdDSA","kid":"demo-0123456789abcdef","typ":"konfid-audit-checkpoint-v1"})");
  std::string payload = CheckpointPayload(Sample());
  std::string hash;
  for (int i = 0; i < 32; ++i) hash += "ab";
  EXPECT_EQ(payload,
            R"({"tenant":"demo","seq":6,"hash":")" + hash + R"(","time":1764575319123456})");
}

TEST(Checkpoint, RoundTrips) {
  auto parsed = ParseCheckpoint(Line());
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->checkpoint.tenant, "demo");
  EXPECT_EQ(parsed->checkpoint.seq, 6u);
  EXPECT_EQ(parsed->checkpoint.hash, Bytes(32, 0xab));
  EXPECT_EQ(parsed->checkpoint.time, 1'764'575'319'123'456);
  EXPECT_EQ(parsed->key_id, kKid);
  EXPECT_EQ(parsed->signature, Bytes(64, 0x5a));
  EXPECT_EQ(parsed->signing_input, CheckpointSigningInput(Sample(), kKid));
  EXPECT_EQ(Line().substr(0, parsed->signing_input.size()), parsed->signing_input);
}

TEST(Checkpoint, RefusesWhatIsNotCanonical) {
  std::string hash(64, 'a'), header = CheckpointHeader(kKid);
  auto payload = [&](std::string body) { return Forged(header, body); };
  const std::vector<std::string> bad = {
      "",
      ".",
      "..",
      "a.b.c",
      Line() + ".x",
      Line() + "=",
      Line() + "\r",
      Line().substr(0, Line().size() - 1),
      Line().substr(1),
      std::string(5000, 'a'),
      // the header: another algorithm, order, spacing or type, a bad key id
      Forged(R"({"alg":"none","kid":"demo-0123456789abcdef","typ":"konfid-audit-checkpoint-v1"})",
             CheckpointPayload(Sample())),
      Forged(R"({"kid":"demo-0123456789abcdef","alg":"EdDSA","typ":"konfid-audit-checkpoint-v1"})",
             CheckpointPayload(Sample())),
      Forged(R"({"alg":"EdDSA","kid":"demo-0123456789abcdef","typ":"JWT"})",
             CheckpointPayload(Sample())),
      Forged(R"({"alg":"EdDSA","kid":"demo-0123456789ABCDEF","typ":"konfid-audit-checkpoint-v1"})",
             CheckpointPayload(Sample())),
      Forged(R"({"alg":"EdDSA","kid":"other-0123456789abcdef","typ":"konfid-audit-checkpoint-v1"})",
             CheckpointPayload(Sample())),
      Forged(R"({"alg":"EdDSA","kid":"0123456789abcdef","typ":"konfid-audit-checkpoint-v1"})",
             CheckpointPayload(Sample())),
      Forged(header + " ", CheckpointPayload(Sample())),
      // the payload: order, spacing, numbers, hash, tenant, extra members
      payload(R"({"seq":6,"tenant":"demo","hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo", "seq":6,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":0,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":06,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":-6,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":9223372036854775808,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":99999999999999999999999,"hash":")" + hash +
              R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + hash + R"(","time":})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + hash + R"(","time":1.5})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + hash.substr(2) + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + std::string(64, 'A') + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + hash + R"(","time":1,"x":1})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + hash + R"(","time":1})" + "\n"),
      payload(R"({"tenant":"de\"mo","seq":6,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"Demo","seq":6,"hash":")" + hash + R"(","time":1})"),
      payload(R"({"tenant":"demo","seq":6,"hash":")" + hash + R"("})"),
      payload(""),
      // the signature: not 64 bytes
      Base64UrlEncode(AsBytes(header)) + "." +
          Base64UrlEncode(AsBytes(CheckpointPayload(Sample()))) + "." +
          Base64UrlEncode(Bytes(63, 1)),
  };
  for (const auto& line : bad) {
    auto r = ParseCheckpoint(line);
    EXPECT_FALSE(r) << line;
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << line;
    }
  }
  // The largest number the databases hold is accepted.
  EXPECT_TRUE(ParseCheckpoint(
      payload(R"({"tenant":"demo","seq":9223372036854775807,"hash":")" + hash + R"(","time":0})")));
}

// What a fuzzer would do first: every prefix, every one-byte change, and random bytes. None
// may crash.
TEST(Checkpoint, SurvivesMangledAndRandomInput) {
  std::string line = Line();
  for (size_t i = 0; i <= line.size(); ++i) (void)ParseCheckpoint(line.substr(0, i));
  for (size_t i = 0; i < line.size(); ++i)
    for (int c : {0, int('.'), int('-'), int('_'), int('A'), int('z'), int('0'), 0xff}) {
      std::string m = line;
      if (m[i] == static_cast<char>(c)) continue;
      m[i] = static_cast<char>(c);
      auto r = ParseCheckpoint(m);
      // What parses has one spelling: the line is exactly its canonical form. (A change in
      // the signature, a digit or a hex digit may parse; only the signature check tells.)
      if (r) {
        EXPECT_EQ(CheckpointLine(r->checkpoint, r->key_id, r->signature), m);
      }
    }
  std::mt19937 rng(42);
  for (int n = 0; n < 2000; ++n) {
    std::string junk(rng() % 600, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    EXPECT_FALSE(ParseCheckpoint(junk));
  }
}

}  // namespace
}  // namespace konfid::domain
