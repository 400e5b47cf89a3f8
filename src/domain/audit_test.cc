#include "domain/audit.h"

#include <gtest/gtest.h>

#include "domain/policy.h"
#include "domain/sealed_fields.h"

namespace konfid::domain {
namespace {

// A stand-in MAC for the chain rules: a keyed checksum is enough to tell contents apart here;
// the real keyed BLAKE2b is tested with the crypto adapter and end to end.
Bytes FakeMac(const Bytes& m) {
  Bytes out(kAuditHashSize, 0);
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < m.size(); ++i) {
    h = (h ^ m[i]) * 1099511628211ull;
    out[i % kAuditHashSize] ^= static_cast<uint8_t>(h >> 24);
  }
  return out;
}

std::vector<AuditEvent> Chain(int n) {
  std::vector<AuditEvent> events;
  Bytes prev(kAuditHashSize, 0);
  for (int i = 1; i <= n; ++i) {
    AuditEvent e;
    e.tenant = "demo";
    e.seq = static_cast<uint64_t>(i);
    e.time = 1000 + i;
    e.actor = "apikey:1";
    e.operation = "extract";
    e.subject_id = "s" + std::to_string(i);
    e.fields = {"email", "name"};
    e.outcome = "ok";
    e.prev_hash = prev;
    e.hash = FakeMac(AuditCanonicalBytes(e));
    prev = e.hash;
    events.push_back(e);
  }
  return events;
}

std::optional<ChainBreak> Verify(const std::vector<AuditEvent>& events, uint64_t head_seq,
                                 Bytes head_hash) {
  AuditChainVerifier v(FakeMac, head_seq, std::move(head_hash));
  for (const auto& e : events) v.Add(e);
  return v.Finish();
}

TEST(AuditChain, IntactChainVerifies) {
  auto events = Chain(5);
  EXPECT_FALSE(Verify(events, 5, events.back().hash));
  EXPECT_FALSE(Verify({}, 0, Bytes(kAuditHashSize, 0)));
}

TEST(AuditChain, ChangedEventIsFound) {
  auto events = Chain(5);
  events[2].operation = "destroy";
  auto b = Verify(events, 5, events.back().hash);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 3u);
}

TEST(AuditChain, EveryFieldIsCovered) {
  auto base = Chain(1);
  std::vector<std::function<void(AuditEvent&)>> edits = {
      [](AuditEvent& e) { e.tenant = "other"; },   [](AuditEvent& e) { e.time += 1; },
      [](AuditEvent& e) { e.actor = "cli"; },      [](AuditEvent& e) { e.subject_id = "x"; },
      [](AuditEvent& e) { e.fields.pop_back(); },  [](AuditEvent& e) { e.purpose = "p"; },
      [](AuditEvent& e) { e.ground = "consent"; }, [](AuditEvent& e) { e.outcome = "denied"; },
      [](AuditEvent& e) { e.reason = "role"; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto events = base;
    edits[i](events[0]);
    EXPECT_TRUE(Verify(events, 1, base[0].hash)) << "edit " << i;
  }
}

TEST(AuditChain, DeletedInsertedAndTruncatedEventsAreFound) {
  auto events = Chain(5);
  auto deleted = events;
  deleted.erase(deleted.begin() + 1);
  EXPECT_EQ(Verify(deleted, 5, events.back().hash)->seq, 2u);

  auto truncated = events;
  truncated.pop_back();
  EXPECT_EQ(Verify(truncated, 5, events.back().hash)->seq, 5u);

  auto appended = Chain(6);  // one more than the head records
  EXPECT_EQ(Verify(appended, 5, events.back().hash)->seq, 6u);
}

TEST(SealedFields, PackUnpackRoundTripAndCorruption) {
  SealedFields f = {{"email", Bytes{1, 2, 3}}, {"name", Bytes(300, 7)}};
  Bytes blob = PackSealedFields(f);
  auto back = UnpackSealedFields(blob);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, f);
  blob.pop_back();
  EXPECT_EQ(UnpackSealedFields(blob).error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(UnpackSealedFields(Bytes{2, 0, 0}));  // version 2 needs its generation
}

// The key generation: version 1 (no generation written) for 0, version 2 with it after.
TEST(SealedFields, AKeyGenerationPastTheFirstIsWrittenAsVersionTwo) {
  SealedFields f = {{"inn", Bytes{5, 6}}};
  Bytes first = PackSealedFields(f);
  EXPECT_EQ(first[0], 1);
  EXPECT_EQ(*SealedFieldsKeyGeneration(first), 0u);
  Bytes later = PackSealedFields(f, 0x01020304);
  EXPECT_EQ(Bytes(later.begin(), later.begin() + 5), (Bytes{2, 1, 2, 3, 4}));
  EXPECT_EQ(*SealedFieldsKeyGeneration(later), 0x01020304u);
  EXPECT_EQ(*UnpackSealedFields(later), f);
  EXPECT_EQ(Bytes(later.begin() + 5, later.end()), Bytes(first.begin() + 1, first.end()));
  Bytes none = PackSealedFields({}, 9);
  EXPECT_TRUE(UnpackSealedFields(none)->empty());
  EXPECT_EQ(*SealedFieldsKeyGeneration(none), 9u);
  for (const Bytes& bad : {Bytes{}, Bytes{3, 0, 0}, Bytes{2, 0, 0, 0}, Bytes{1, 0}}) {
    EXPECT_EQ(SealedFieldsKeyGeneration(bad).error().code(), ErrorCode::kDataLoss);
    EXPECT_FALSE(UnpackSealedFields(bad));
  }
}

TEST(SealedFields, ViewsPointIntoTheBlobWithoutCopying) {
  SealedFields f = {{"email", Bytes{1, 2, 3}}, {"name", Bytes(300, 7)}};
  Bytes blob = PackSealedFields(f);
  auto views = ViewSealedFields(blob);
  ASSERT_TRUE(views);
  ASSERT_EQ(views->size(), 2u);
  EXPECT_EQ((*views)[0].name, "email");
  EXPECT_EQ(Bytes((*views)[0].ciphertext.begin(), (*views)[0].ciphertext.end()), f["email"]);
  EXPECT_EQ((*views)[1].name, "name");
  EXPECT_EQ((*views)[1].ciphertext.size(), 300u);
  EXPECT_GE((*views)[1].ciphertext.data(), blob.data());  // inside the blob itself
  EXPECT_LT((*views)[1].ciphertext.data(), blob.data() + blob.size());
  Bytes longer = blob;
  longer.push_back(0);  // trailing bytes
  EXPECT_EQ(ViewSealedFields(longer).error().code(), ErrorCode::kDataLoss);
  Bytes lying = blob;
  lying[2] = 3;  // claims a third entry
  EXPECT_EQ(ViewSealedFields(lying).error().code(), ErrorCode::kDataLoss);
}

TEST(SealedFields, AssociatedDataSeparatesParts) {
  EXPECT_NE(FieldAssociatedData("a", "bc", "d"), FieldAssociatedData("ab", "c", "d"));
}

TEST(Policy, TenantIds) {
  EXPECT_TRUE(IsValidTenantId("demo-2"));
  EXPECT_FALSE(IsValidTenantId("2demo"));
  EXPECT_FALSE(IsValidTenantId("Demo!"));
}

TEST(Policy, Retention) {
  auto r = ParseRetention("3 years");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count, 3);
  EXPECT_EQ(r->unit, Retention::Unit::kYears);
  EXPECT_EQ(RetentionText(*r), "3 years");
  EXPECT_EQ(ParseRetention("30 days")->ShortestDays(), 30);
  EXPECT_EQ(ParseRetention("30 days")->LongestDays(), 30);
  EXPECT_EQ(ParseRetention("1 month")->ShortestDays(), 28);
  EXPECT_EQ(ParseRetention("1 month")->LongestDays(), 31);
  EXPECT_EQ(ParseRetention("1 year")->ShortestDays(), 365);
  EXPECT_EQ(ParseRetention("1 year")->LongestDays(), 366);
  EXPECT_EQ(ParseRetention("4 years")->ShortestDays(), 1460);  // 2097-03-01 to 2101-03-01
  EXPECT_EQ(ParseRetention("4 years")->LongestDays(), 1461);
  EXPECT_EQ(ParseRetention("12 months")->Months(), ParseRetention("1 year")->Months());
  for (const char* bad : {"", "3", "years", "3years", "three years", "-1 days", "0 days", "1 years",
                          "2 year", "3 decades", "3  years", "3 years ago"})
    EXPECT_FALSE(ParseRetention(bad)) << bad;
}

}  // namespace
}  // namespace konfid::domain
