// The storage contract of data-subject requests, one-time codes, blocking and disclosures.
#include <string>
#include <tuple>

#include "storage_contract.h"

namespace konfid::contract {
namespace {

Bytes B(std::initializer_list<uint8_t> v) { return Bytes(v); }

std::unique_ptr<ports::Transaction> Begin(ports::Storage& s, bool write = true) {
  auto t = s.Begin(write);
  EXPECT_TRUE(t) << (t ? "" : t.error().detail());
  return t ? std::move(*t) : nullptr;
}

ports::RequestRow Request(std::string id, std::string subject, std::string kind, std::string state,
                          std::string due_on) {
  bool open = state != "done" && state != "refused";
  return {"demo",
          std::move(id),
          std::move(subject),
          std::move(kind),
          std::move(state),
          open,
          "self",
          "2026-12-01",
          std::move(due_on),
          B({7}),
          "h\n",
          100,
          200};
}

std::vector<std::string> Ids(const std::vector<ports::RequestRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_P(StorageContract, RequestsReadBackAndUpdate) {
  auto t = Begin(*storage_);
  ports::RequestRow r = Request("r1", "s1", "access", "received", "2026-12-15");
  r.channel = "letter";
  ASSERT_TRUE(t->InsertRequest(r));
  ASSERT_TRUE(t->Savepoint());
  EXPECT_EQ(t->InsertRequest(r).error().code(), ErrorCode::kConflict);
  ASSERT_TRUE(t->RollbackToSavepoint());
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto found = **t->FindRequest("demo", "r1");
  EXPECT_EQ(std::tie(found.tenant, found.id, found.subject, found.kind, found.state, found.open,
                     found.channel, found.received_on, found.due_on, found.sealed, found.history,
                     found.created_at, found.updated_at),
            std::tie(r.tenant, r.id, r.subject, r.kind, r.state, r.open, r.channel, r.received_on,
                     r.due_on, r.sealed, r.history, r.created_at, r.updated_at));
  EXPECT_FALSE(*t->FindRequest("other", "r1"));
  r.state = "done";
  r.open = false;
  r.due_on = "2026-12-22";
  r.sealed = B({8, 9});
  r.history = "h\nh2\n";
  r.updated_at = 300;
  ASSERT_TRUE(t->UpdateRequest(r));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  found = **t->FindRequest("demo", "r1");
  EXPECT_EQ(std::tie(found.state, found.open, found.due_on, found.sealed, found.history,
                     found.updated_at, found.created_at, found.channel),
            std::make_tuple("done", false, "2026-12-22", B({8, 9}), "h\nh2\n", 300, 100, "letter"));
}

TEST_P(StorageContract, RequestQueueFiltersAndPages) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertRequest(Request("r1", "s1", "access", "received", "2026-12-10")));
  ASSERT_TRUE(t->InsertRequest(Request("r2", "s2", "erasure", "in_progress", "2026-12-20")));
  ASSERT_TRUE(t->InsertRequest(Request("r3", "s1", "access", "done", "2026-12-05")));
  ASSERT_TRUE(t->InsertRequest(Request("r4", "s3", "access", "extended", "2026-12-08")));
  // Received when no calendar reached its term: never counted overdue by a guess.
  ASSERT_TRUE(t->InsertRequest(Request("r6", "s4", "access", "received", "")));
  auto other = Request("r5", "s1", "access", "received", "2026-12-01");
  other.tenant = "other";
  ASSERT_TRUE(t->InsertRequest(other));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  EXPECT_EQ(Ids(*t->ListRequests("demo", {})),
            (std::vector<std::string>{"r1", "r2", "r3", "r4", "r6"}));
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.kind = "access"})),
            (std::vector<std::string>{"r1", "r3", "r4", "r6"}));
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.state = "received"})),
            (std::vector<std::string>{"r1", "r6"}));
  // Overdue on 2026-12-11: open and due before it; r3 is closed.
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.due_before = "2026-12-11"})),
            (std::vector<std::string>{"r1", "r4"}));
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.kind = "access", .due_before = "2026-12-09"})),
            (std::vector<std::string>{"r4"}));
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.without_term = true})),
            (std::vector<std::string>{"r6"}));
  EXPECT_TRUE(t->ListRequests("demo", {.state = "done", .without_term = true})->empty());
  // Pages of two.
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.limit = 2})), (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.after = "r2", .limit = 2})),
            (std::vector<std::string>{"r3", "r4"}));
  EXPECT_EQ(Ids(*t->ListRequests("demo", {.after = "r4", .limit = 2})),
            (std::vector<std::string>{"r6"}));
  EXPECT_TRUE(t->ListRequests("demo", {.after = "r6", .limit = 2})->empty());
  EXPECT_EQ(Ids(*t->ListSubjectRequests("demo", "s1")), (std::vector<std::string>{"r1", "r3"}));
  auto overdue = *t->CountOverdueRequests("demo", "2026-12-21");
  EXPECT_EQ(overdue,
            (std::vector<std::pair<std::string, uint64_t>>{{"access", 2}, {"erasure", 1}}));
  EXPECT_TRUE(t->CountOverdueRequests("demo", "2026-12-08")->empty());
  // r6 is open without a term; closed requests are not counted, nor another tenant's.
  EXPECT_EQ(*t->CountRequestsWithoutTerm("demo"), 1u);
  EXPECT_EQ(*t->CountRequestsWithoutTerm("other"), 0u);
}

TEST_P(StorageContract, OtpCodesCountTriesAndAreUsedOnce) {
  auto t = Begin(*storage_);
  ports::OtpCodeRow code{"demo", "c1", "s1", B({1}), B({2, 3}), 0, 100, 700, 0};
  ASSERT_TRUE(t->InsertOtpCode(code));
  ASSERT_TRUE(t->InsertOtpCode({"demo", "c2", "", B({1}), B({4}), 0, 200, 800, 0}));
  ASSERT_TRUE(t->InsertOtpCode({"demo", "c3", "s2", B({9}), B({5}), 0, 300, 900, 0}));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto found = **t->FindOtpCode("demo", "c1");
  EXPECT_EQ(std::tie(found.tenant, found.id, found.subject, found.address_hash, found.code_hash,
                     found.tries, found.created_at, found.expires_at, found.used_at),
            std::tie(code.tenant, code.id, code.subject, code.address_hash, code.code_hash,
                     code.tries, code.created_at, code.expires_at, code.used_at));
  EXPECT_FALSE(*t->FindOtpCode("other", "c1"));
  EXPECT_EQ(*t->CountOtpCodes("demo", B({1}), 0), 2u);
  EXPECT_EQ(*t->CountOtpCodes("demo", B({1}), 150), 1u);
  EXPECT_EQ(*t->CountOtpCodes("other", B({1}), 0), 0u);
  EXPECT_EQ(*t->AddOtpTry("demo", "c1"), 1);
  EXPECT_EQ(*t->AddOtpTry("demo", "c1"), 2);
  EXPECT_EQ(t->AddOtpTry("demo", "nosuch").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(*t->MarkOtpUsed("demo", "c1", 500));
  EXPECT_FALSE(*t->MarkOtpUsed("demo", "c1", 600));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  found = **t->FindOtpCode("demo", "c1");
  EXPECT_EQ(found.tries, 2);
  EXPECT_EQ(found.used_at, 500);
  // The purge takes every code created before the cut, used or not, of every tenant.
  ASSERT_TRUE(t->InsertOtpCode({"other", "c4", "", B({1}), B({6}), 0, 50, 650, 0}));
  EXPECT_EQ(*t->DeleteOtpCodesBefore(250), 3u);
  EXPECT_FALSE(*t->FindOtpCode("demo", "c1"));
  EXPECT_FALSE(*t->FindOtpCode("demo", "c2"));
  EXPECT_FALSE(*t->FindOtpCode("other", "c4"));
  EXPECT_TRUE(*t->FindOtpCode("demo", "c3"));
  EXPECT_EQ(*t->DeleteOtpCodesBefore(250), 0u);
}

TEST_P(StorageContract, SubjectsAreBlockedAndUnblocked) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertSubject({"demo", "s1", B({1}), B({2}), 10, 10}));
  ASSERT_TRUE(t->InsertIndex("demo", "email", B({3}), "s1"));
  EXPECT_EQ((*t->FindSubject("demo", "s1"))->blocked, "");
  EXPECT_TRUE(*t->SetSubjectBlocked("demo", "s1", "surname,phone", 20));
  EXPECT_FALSE(*t->SetSubjectBlocked("demo", "nosuch", "*", 20));
  EXPECT_FALSE(*t->SetSubjectBlocked("other", "s1", "*", 20));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  EXPECT_EQ((*t->FindSubject("demo", "s1"))->blocked, "surname,phone");
  EXPECT_EQ((*t->FindSubjectByIndex("demo", "email", B({3})))->blocked, "surname,phone");
  EXPECT_EQ((*t->FindSubject("demo", "s1"))->updated_at, 20);
  EXPECT_TRUE(*t->SetSubjectBlocked("demo", "s1", "", 30));
  EXPECT_EQ((*t->FindSubject("demo", "s1"))->blocked, "");
  ASSERT_TRUE(t->Commit());
}

}  // namespace konfid::contract

namespace konfid::contract {

TEST_P(StorageContract, DisclosuresReadBackFilteredAndPaged) {
  auto t = Begin(*storage_);
  ports::DisclosureRow d{"demo",       "d1",      "s1", "mailer",    "newsletter",
                         "name,email", "consent", {},   "apikey:k1", 100};
  ASSERT_TRUE(t->InsertDisclosure(d));
  ASSERT_TRUE(t->Savepoint());
  EXPECT_EQ(t->InsertDisclosure(d).error().code(), ErrorCode::kConflict);
  ASSERT_TRUE(t->RollbackToSavepoint());
  ASSERT_TRUE(t->InsertDisclosure({"demo", "d2", "s2", "", "", "surname", "authority_request",
                                   B({1, 2, 3}), "apikey:k1", 200}));
  ASSERT_TRUE(t->InsertDisclosure(
      {"demo", "d3", "s1", "payments", "registration", "email", "contract", {}, "apikey:k2", 300}));
  ASSERT_TRUE(t->InsertDisclosure(
      {"other", "d4", "s1", "mailer", "newsletter", "email", "consent", {}, "apikey:k9", 400}));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  auto all = *t->ListDisclosures("demo", {});
  ASSERT_EQ(all.size(), 3u);  // not the other tenant's
  const auto& got = all[0];
  EXPECT_EQ(std::tie(got.tenant, got.id, got.subject, got.recipient, got.purpose, got.fields,
                     got.ground, got.sealed, got.actor, got.created_at),
            std::tie(d.tenant, d.id, d.subject, d.recipient, d.purpose, d.fields, d.ground,
                     d.sealed, d.actor, d.created_at));
  EXPECT_EQ(all[1].sealed, B({1, 2, 3}));
  EXPECT_EQ(all[1].recipient, "");
  auto of_s1 = *t->ListDisclosures("demo", {.subject = "s1"});
  ASSERT_EQ(of_s1.size(), 2u);
  EXPECT_EQ(of_s1[0].id, "d1");
  EXPECT_EQ(of_s1[1].id, "d3");
  auto to_mailer = *t->ListDisclosures("demo", {.recipient = "mailer"});
  ASSERT_EQ(to_mailer.size(), 1u);
  EXPECT_EQ(to_mailer[0].id, "d1");
  auto page = *t->ListDisclosures("demo", {.after = "d1", .limit = 1});
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "d2");
  EXPECT_TRUE(t->ListDisclosures("demo", {.subject = "nobody"})->empty());
}

}  // namespace konfid::contract

namespace konfid::contract {

TEST_P(StorageContract, ContractEndsAreSetMovedAndCleared) {
  using Ends = std::vector<std::pair<std::string, UnixMicros>>;
  auto t = Begin(*storage_);
  EXPECT_EQ(*t->ListContractEnds("demo", "s1"), Ends{});
  ASSERT_TRUE(t->SetContractEnd("demo", "s1", "support", 50));
  ASSERT_TRUE(t->SetContractEnd("demo", "s1", "registration", 40));
  ASSERT_TRUE(t->SetContractEnd("other", "s1", "registration", 99));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  EXPECT_EQ(*t->ListContractEnds("demo", "s1"), (Ends{{"registration", 40}, {"support", 50}}));
  ASSERT_TRUE(t->SetContractEnd("demo", "s1", "registration", 60));  // a later end
  ASSERT_TRUE(t->SetContractEnd("demo", "s1", "support", 0));        // the contract goes on
  ASSERT_TRUE(t->SetContractEnd("demo", "s1", "nosuch", 0));         // clearing nothing is fine
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  EXPECT_EQ(*t->ListContractEnds("demo", "s1"), (Ends{{"registration", 60}}));
  EXPECT_EQ(*t->ListContractEnds("other", "s1"), (Ends{{"registration", 99}}));
  EXPECT_EQ(*t->ListContractEnds("demo", "s2"), Ends{});
}

}  // namespace konfid::contract

namespace konfid::contract {

TEST_P(StorageContract, DepersonalizedExportsAreKeptByTenantAndId) {
  auto t = Begin(*storage_);
  const Bytes mapping = {0x00, 0xff, 0x10, 0x00};  // sealed bytes, zeros among them
  ASSERT_TRUE(t->InsertDepersonalizedExport(
      {"demo", "e1", 100, "apikey:k1", "statistics", "k=5 rows=10", mapping}));
  ASSERT_TRUE(t->InsertDepersonalizedExport({"other", "e1", 50, "cli", "p", "s", {0x01}}));
  ASSERT_TRUE(t->Commit());
  // A second export of one id is refused (PostgreSQL then fails the whole transaction).
  t = Begin(*storage_);
  EXPECT_EQ(t->InsertDepersonalizedExport({"demo", "e1", 1, "x", "p", "s", {0x02}}).error().code(),
            ErrorCode::kConflict);
  t.reset();
  t = Begin(*storage_);
  auto found = *t->FindDepersonalizedExport("demo", "e1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->created_at, 100);
  EXPECT_EQ(found->actor, "apikey:k1");
  EXPECT_EQ(found->purpose, "statistics");
  EXPECT_EQ(found->summary, "k=5 rows=10");
  EXPECT_EQ(found->mapping, mapping);
  EXPECT_EQ(t->FindDepersonalizedExport("other", "e1")->value().mapping, Bytes{0x01});
  EXPECT_FALSE(t->FindDepersonalizedExport("demo", "e2")->has_value());
}

TEST_P(StorageContract, DestructionActsPageByIdAndGoAfterTheirTerm) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertDestructionAct({"demo", "a1", "s1", 100, "h.p.s1"}));
  ASSERT_TRUE(t->InsertDestructionAct({"demo", "a2", "s2", 200, "h.p.s2"}));
  ASSERT_TRUE(t->InsertDestructionAct({"demo", "a3", "s1", 300, "h.p.s3"}));
  ASSERT_TRUE(t->InsertDestructionAct({"other", "a4", "s1", 50, "h.p.s4"}));
  ASSERT_TRUE(t->Commit());
  // A second act of one id is refused (PostgreSQL then fails the whole transaction).
  t = Begin(*storage_);
  EXPECT_EQ(t->InsertDestructionAct({"demo", "a1", "s9", 1, "x"}).error().code(),
            ErrorCode::kConflict);
  t.reset();

  t = Begin(*storage_);
  auto all = *t->ListDestructionActs("demo", {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "a1");
  EXPECT_EQ(all[0].subject, "s1");
  EXPECT_EQ(all[0].destroyed_at, 100);
  EXPECT_EQ(all[0].jws, "h.p.s1");
  auto page = *t->ListDestructionActs("demo", {.after = "a1", .limit = 1});
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "a2");
  auto of_s1 = *t->ListDestructionActs("demo", {.subject = "s1", .after = "a1"});
  ASSERT_EQ(of_s1.size(), 1u);
  EXPECT_EQ(of_s1[0].id, "a3");
  EXPECT_EQ(t->FindDestructionAct("demo", "a2")->value().jws, "h.p.s2");
  EXPECT_FALSE(t->FindDestructionAct("other", "a2")->has_value());  // another tenant's id

  // Acts made before the cut go, a bounded batch at a time, of every tenant.
  EXPECT_EQ(*t->DeleteDestructionActsBefore(250, 2), 2u);  // a4 and a1, the oldest
  EXPECT_EQ(*t->DeleteDestructionActsBefore(250, 2), 1u);  // a2
  EXPECT_EQ(*t->DeleteDestructionActsBefore(250, 2), 0u);
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto left = *t->ListDestructionActs("demo", {});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "a3");
  EXPECT_TRUE(t->ListDestructionActs("other", {})->empty());
}

// What a new subject key seals anew (app/rekey.h): a subject's pending messages are listed,
// and a hold's or a disclosure's sealed document is replaced, nothing else of the row.
TEST_P(StorageContract, ASubjectsSealedThingsAreListedAndSealedAnew) {
  auto t = Begin(*storage_);
  ports::OutboxRow m{"demo", "m2", "s1", "code", B({9}), "pending", 0, 100, 50, 0, ""};
  ASSERT_TRUE(t->InsertOutbox(m));
  for (auto [tenant, id, subject, status] : {std::tuple{"demo", "m1", "s1", "pending"},
                                             {"demo", "m3", "s1", "sent"},
                                             {"demo", "m4", "s2", "pending"},
                                             {"other", "m5", "s1", "pending"}}) {
    ports::OutboxRow n = m;
    n.tenant = tenant, n.id = id, n.subject = subject, n.status = status;
    ASSERT_TRUE(t->InsertOutbox(n));
  }
  ASSERT_TRUE(t->InsertHold({"demo", "h1", "s1", "dispute", "*", B({1}), 100, "cli", 10, "", 0}));
  ASSERT_TRUE(t->InsertHold({"other", "h1", "s1", "dispute", "*", B({1}), 100, "cli", 10, "", 0}));
  ASSERT_TRUE(t->InsertDisclosure(
      {"demo", "d1", "s1", "", "", "surname", "authority_request", B({2}), "apikey:k1", 200}));
  ASSERT_TRUE(t->InsertDisclosure(
      {"other", "d1", "s1", "", "", "surname", "authority_request", B({2}), "apikey:k1", 200}));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto pending = t->ListSubjectOutbox("demo", "s1");
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, "m1");
  EXPECT_EQ((*pending)[1].id, "m2");
  EXPECT_EQ((*pending)[1].payload, B({9}));
  auto found = t->FindOutbox("demo", "m3");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->status, "sent");
  EXPECT_FALSE(*t->FindOutbox("other", "m3"));
  ASSERT_TRUE(t->UpdateHoldDocument("demo", "h1", B({7, 7})));
  ASSERT_TRUE(t->UpdateDisclosureDocument("demo", "d1", B({8, 8})));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  auto holds = *t->ListSubjectHolds("demo", "s1");
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].document, B({7, 7}));
  EXPECT_EQ(holds[0].until, 100);
  EXPECT_EQ(holds[0].placed_by, "cli");
  EXPECT_EQ((*t->ListSubjectHolds("other", "s1"))[0].document, B({1}));
  auto disclosed = *t->ListDisclosures("demo", {.subject = "s1"});
  ASSERT_EQ(disclosed.size(), 1u);
  EXPECT_EQ(disclosed[0].sealed, B({8, 8}));
  EXPECT_EQ(disclosed[0].fields, "surname");
  EXPECT_EQ(disclosed[0].created_at, 200);
  EXPECT_EQ((*t->ListDisclosures("other", {.subject = "s1"}))[0].sealed, B({2}));
}

// Key rotation writes a key back only while it is the one it read.
TEST_P(StorageContract, AKeyIsRewrappedOnlyWhileItIsTheOneRead) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertSubject({"a", "s", B({1}), B({2}), 10, 20}));
  EXPECT_FALSE(*t->RewrapSubjectKey("a", "s", B({9}), B({3})));  // replaced meanwhile
  EXPECT_FALSE(*t->RewrapSubjectKey("a", "none", B({1}), B({3})));
  EXPECT_TRUE(*t->RewrapSubjectKey("a", "s", B({1}), B({4})));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  EXPECT_EQ((*t->FindSubject("a", "s"))->wrapped_key, B({4}));
}

}  // namespace konfid::contract
