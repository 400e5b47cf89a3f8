#include "storage_contract.h"

#include <atomic>
#include <string>
#include <thread>
#include <tuple>

namespace konfid::contract {

using ports::SubjectRow;

void StorageContract::SetUp() {
  storage_ = GetParam()();
  ASSERT_TRUE(storage_);
  auto st = storage_->Migrate();
  ASSERT_TRUE(st) << st.error().detail();
}

namespace {

Bytes B(std::initializer_list<uint8_t> v) { return Bytes(v); }

// After a failed statement a transaction goes on only from a savepoint (PostgreSQL aborts the
// whole transaction otherwise), so expected failures run inside one.
template <typename F>
Error FailsInSavepoint(ports::Transaction& t, F f) {
  EXPECT_TRUE(t.Savepoint());
  Status st = f();
  EXPECT_FALSE(st);
  EXPECT_TRUE(t.RollbackToSavepoint());
  return st ? Error(ErrorCode::kInternal, "did not fail") : st.error();
}

std::unique_ptr<ports::Transaction> Begin(ports::Storage& s, bool write = true) {
  auto t = s.Begin(write);
  EXPECT_TRUE(t) << (t ? "" : t.error().detail());
  return t ? std::move(*t) : nullptr;
}

ports::TenantRow Tenant(const std::string& id) { return {id, B({1, 2}), B({3, 4}), 10}; }

}  // namespace

TEST_P(StorageContract, SchemaIsCurrentAndMigrateIsIdempotent) {
  EXPECT_TRUE(storage_->CheckSchema());
  EXPECT_TRUE(storage_->Migrate());
  EXPECT_TRUE(storage_->CheckSchema());
}

TEST_P(StorageContract, FreshDatabaseIsNotInitialized) {
  auto fresh = GetParam()();
  auto st = fresh->CheckSchema();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("konfid init"), std::string::npos);
}

TEST_P(StorageContract, SubjectLifecycle) {
  auto t = Begin(*storage_);
  SubjectRow row{"demo", "s1", B({9, 9}), B({1, 2, 3}), 100, 100};
  ASSERT_TRUE(t->InsertSubject(row));
  EXPECT_EQ(FailsInSavepoint(*t, [&] { return t->InsertSubject(row); }).code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto found = t->FindSubject("demo", "s1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->wrapped_key, B({9, 9}));
  EXPECT_EQ((*found)->fields, B({1, 2, 3}));
  EXPECT_EQ((*found)->created_at, 100);
  EXPECT_EQ((*found)->email_verified_at, 0);  // not confirmed until marked
  ASSERT_TRUE(t->UpdateSubjectFields("demo", "s1", B({4}), 200));
  ASSERT_TRUE(t->SetEmailVerified("demo", "s1", 150));
  ASSERT_TRUE(t->InsertIndex("demo", "email", B({5}), "s1"));
  EXPECT_EQ(*t->CountSubjects("demo"), 1u);
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  found = t->FindSubject("demo", "s1");
  EXPECT_EQ((*found)->fields, B({4}));
  EXPECT_EQ((*found)->updated_at, 200);
  EXPECT_EQ((*found)->email_verified_at, 150);
  EXPECT_EQ((*t->FindSubjectByIndex("demo", "email", B({5})))->email_verified_at, 150);
  ASSERT_TRUE(t->SetEmailVerified("demo", "s1", 0));
  EXPECT_EQ((*t->FindSubject("demo", "s1"))->email_verified_at, 0);
  ASSERT_TRUE(t->DeleteIndex("demo", "s1", ""));
  EXPECT_TRUE(*t->DeleteSubject("demo", "s1"));
  EXPECT_FALSE(*t->DeleteSubject("demo", "s1"));
  EXPECT_FALSE(*t->FindSubject("demo", "s1"));
  ASSERT_TRUE(t->Commit());
}

TEST_P(StorageContract, TenantsAreIsolated) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertSubject({"a", "s1", B({1}), B({1}), 1, 1}));
  ASSERT_TRUE(t->InsertSubject({"b", "s1", B({2}), B({2}), 1, 1}));  // same id, other tenant
  ASSERT_TRUE(t->InsertIndex("a", "email", B({7}), "s1"));
  ASSERT_TRUE(t->InsertIndex("b", "email", B({7}), "s1"));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  EXPECT_EQ((*t->FindSubject("b", "s1"))->wrapped_key, B({2}));
  EXPECT_FALSE(*t->FindSubject("c", "s1"));
  EXPECT_FALSE(*t->LookupIndex("c", "email", B({7})));
}

TEST_P(StorageContract, BlindIndexIsUniquePerTenantAndField) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertIndex("demo", "email", B({1, 1}), "s1"));
  EXPECT_EQ(FailsInSavepoint(*t,
                             [&] {
                               return t->InsertIndex("demo", "email", B({1, 1}), "s2");
                             })
                .code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(t->InsertIndex("demo", "phone", B({1, 1}), "s2"));
  ASSERT_TRUE(t->InsertIndex("demo", "phone", B({2, 2}), "s1"));
  EXPECT_EQ(**t->LookupIndex("demo", "email", B({1, 1})), "s1");
  EXPECT_FALSE(*t->FindSubjectByIndex("demo", "email", B({1, 1})));  // no subject row yet
  ASSERT_TRUE(t->InsertSubject({"demo", "s1", B({5}), B({6}), 7, 8}));
  auto joined = t->FindSubjectByIndex("demo", "email", B({1, 1}));
  ASSERT_TRUE(joined && *joined);
  EXPECT_EQ((*joined)->id, "s1");
  EXPECT_EQ((*joined)->fields, B({6}));
  EXPECT_EQ((*joined)->updated_at, 8);
  EXPECT_FALSE(*t->FindSubjectByIndex("other", "email", B({1, 1})));
  EXPECT_FALSE(*t->LookupIndex("demo", "email", B({9})));
  ASSERT_TRUE(t->DeleteIndex("demo", "s1", "phone"));
  EXPECT_FALSE(*t->LookupIndex("demo", "phone", B({2, 2})));
  EXPECT_TRUE(*t->LookupIndex("demo", "email", B({1, 1})));
  ASSERT_TRUE(t->DeleteIndex("demo", "s1", ""));
  EXPECT_FALSE(*t->LookupIndex("demo", "email", B({1, 1})));
  EXPECT_TRUE(*t->LookupIndex("demo", "phone", B({1, 1})));
}

TEST_P(StorageContract, UncommittedTransactionLeavesNothing) {
  {
    auto t = Begin(*storage_);
    ASSERT_TRUE(t->InsertSubject({"demo", "s1", B({1}), B({1}), 1, 1}));
  }
  auto t = Begin(*storage_, false);
  EXPECT_FALSE(*t->FindSubject("demo", "s1"));
}

// Group commit's path: the change is visible to other transactions at once, and Sync() makes
// it durable (a no-op where Commit is durable by itself).
TEST_P(StorageContract, UnsyncedCommitIsVisibleAtOnceAndSyncs) {
  {
    auto t = Begin(*storage_);
    ASSERT_TRUE(t->InsertSubject({"demo", "s1", B({1}), B({1}), 1, 1}));
    ASSERT_TRUE(t->CommitUnsynced());
  }
  {
    auto t = Begin(*storage_, false);
    EXPECT_TRUE(*t->FindSubject("demo", "s1"));
  }
  EXPECT_TRUE(storage_->Sync());
  EXPECT_EQ(storage_->syncs_separately(), storage_->backend() == "sqlite");
  auto t = Begin(*storage_);  // the writer is free again after an unsynced commit
  ASSERT_TRUE(t->InsertSubject({"demo", "s2", B({1}), B({1}), 1, 1}));
  ASSERT_TRUE(t->Commit());
}

TEST_P(StorageContract, SavepointRollbackUndoesOnlyItsOwnWrites) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->Savepoint());
  ASSERT_TRUE(t->InsertSubject({"demo", "keep", B({1}), B({1}), 1, 1}));
  ASSERT_TRUE(t->ReleaseSavepoint());
  ASSERT_TRUE(t->Savepoint());
  ASSERT_TRUE(t->InsertSubject({"demo", "drop", B({1}), B({1}), 1, 1}));
  EXPECT_FALSE(t->InsertIndex("demo", "email", B({1}), "drop") &&
               t->InsertIndex("demo", "email", B({1}), "drop"));
  ASSERT_TRUE(t->RollbackToSavepoint());
  ASSERT_TRUE(t->Savepoint());  // the transaction goes on after a failed statement
  ASSERT_TRUE(t->InsertIndex("demo", "email", B({1}), "keep"));
  ASSERT_TRUE(t->ReleaseSavepoint());
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  EXPECT_TRUE(*t->FindSubject("demo", "keep"));
  EXPECT_FALSE(*t->FindSubject("demo", "drop"));
  EXPECT_EQ(**t->LookupIndex("demo", "email", B({1})), "keep");
}

TEST_P(StorageContract, TenantReceiptKeysStartEmptyAndUpdate) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertTenant(Tenant("demo")));
  auto row = **t->FindTenant("demo");
  EXPECT_TRUE(row.receipt_public_key.empty());
  EXPECT_TRUE(row.wrapped_receipt_key.empty());
  row.receipt_public_key = B({7, 7});
  row.wrapped_receipt_key = B({8, 8, 8});
  ASSERT_TRUE(t->UpdateTenantKeys(row));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto back = **t->FindTenant("demo");
  EXPECT_EQ(back.receipt_public_key, B({7, 7}));
  EXPECT_EQ(back.wrapped_receipt_key, B({8, 8, 8}));
  EXPECT_EQ((*t->ListTenants())[0].wrapped_receipt_key, B({8, 8, 8}));
}

TEST_P(StorageContract, ConsentEventsAppendAndListInOrder) {
  auto t = Begin(*storage_);
  auto event = [](const std::string& id, domain::ConsentKind kind) {
    domain::ConsentEvent e;
    e.id = id;
    e.purpose = "news";
    e.kind = kind;
    e.policy_version = 2;
    e.text_hash = "ab";
    e.method = "form";
    e.source = "footer";
    e.time = 77;
    e.ip = "203.0.113.0/24";
    e.user_agent = "UA";
    return e;
  };
  ASSERT_TRUE(
      t->InsertConsentEvent({"demo", "s1", event("02", domain::ConsentKind::kWithdrawn), "r2"}));
  ASSERT_TRUE(
      t->InsertConsentEvent({"demo", "s1", event("01", domain::ConsentKind::kGiven), "r1"}));
  ASSERT_TRUE(t->InsertConsentEvent({"demo", "s2", event("03", domain::ConsentKind::kGiven), ""}));
  EXPECT_EQ(FailsInSavepoint(*t,
                             [&] {
                               return t->InsertConsentEvent(
                                   {"demo", "s1", event("01", domain::ConsentKind::kGiven), ""});
                             })
                .code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto list = *t->ListConsentEvents("demo", "s1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].event.id, "01");
  EXPECT_EQ(list[0].event.kind, domain::ConsentKind::kGiven);
  EXPECT_EQ(list[1].event.kind, domain::ConsentKind::kWithdrawn);
  EXPECT_EQ(list[1].receipt, "r2");
  EXPECT_EQ(list[1].event.ip, "203.0.113.0/24");
  EXPECT_EQ(list[1].event.time, 77);
  EXPECT_EQ(list[1].event.policy_version, 2);
  auto found = *t->FindConsentEvent("demo", "03");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->subject, "s2");
  EXPECT_FALSE(*t->FindConsentEvent("other", "03"));
  EXPECT_TRUE(t->ListConsentEvents("other", "s1")->empty());
}

TEST_P(StorageContract, ConsentSubjectsArePagedAndNoticeRunsMoveOnce) {
  auto t = Begin(*storage_);
  domain::ConsentEvent e;
  e.purpose = "news";
  e.text_hash = "ab";
  e.method = "form";
  int n = 0;
  for (const char* subject : {"s3", "s1", "s2", "s1", "s4"}) {
    e.id = "0" + std::to_string(n++);
    ASSERT_TRUE(t->InsertConsentEvent({"demo", subject, e, ""}));
  }
  ASSERT_TRUE(t->InsertConsentEvent({"other", "s0", e, ""}));
  ASSERT_TRUE(t->InsertNoticeRun({"demo", 2, "", false, 0}));
  ASSERT_TRUE(t->InsertNoticeRun({"demo", 4, "", false, 0}));
  ASSERT_TRUE(t->InsertNoticeRun({"demo", 4, "", false, 0, "announcement"}));  // a run of its own
  EXPECT_EQ(FailsInSavepoint(*t,
                             [&] {
                               return t->InsertNoticeRun({"demo", 2, "", false, 0});
                             })
                .code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  // Each subject once, in id order, after the cursor; another tenant's never.
  EXPECT_EQ(*t->ListConsentSubjects("demo", "", 2), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(*t->ListConsentSubjects("demo", "s2", 10), (std::vector<std::string>{"s3", "s4"}));
  EXPECT_TRUE(t->ListConsentSubjects("demo", "s4", 10)->empty());
  auto runs = *t->ListNoticeRuns("demo");
  ASSERT_EQ(runs.size(), 3u);  // by version, then kind
  EXPECT_EQ(runs[0].version, 2);
  EXPECT_EQ(runs[0].kind, "notice");
  EXPECT_EQ(runs[0].after_subject, "");
  // The cursor moves only from where the caller saw it.
  EXPECT_TRUE(*t->AdvanceNoticeRun({"demo", 2, "s2", false, 1}, ""));
  EXPECT_FALSE(*t->AdvanceNoticeRun({"demo", 2, "s4", false, 9}, ""));
  runs = *t->ListNoticeRuns("demo");
  EXPECT_EQ(runs[0].after_subject, "s2");
  EXPECT_EQ(runs[0].queued, 1);
  EXPECT_TRUE(*t->AdvanceNoticeRun({"demo", 2, "s4", true, 2}, "s2"));
  EXPECT_FALSE(*t->AdvanceNoticeRun({"demo", 2, "s5", false, 3}, "s4"));  // done stays done
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  runs = *t->ListNoticeRuns("demo");
  ASSERT_EQ(runs.size(), 2u);  // only runs that are not done
  EXPECT_EQ(runs[0].version, 4);
  EXPECT_EQ(runs[0].kind, "announcement");
  EXPECT_EQ(runs[1].version, 4);
  EXPECT_EQ(runs[1].kind, "notice");
  EXPECT_TRUE(t->ListNoticeRuns("other")->empty());
  t.reset();
  // Each kind's cursor moves on its own.
  t = Begin(*storage_);
  EXPECT_TRUE(*t->AdvanceNoticeRun({"demo", 4, "s9", true, 5, "announcement"}, ""));
  EXPECT_FALSE(*t->AdvanceNoticeRun({"demo", 4, "s9", true, 5, "announcement"}, ""));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  runs = *t->ListNoticeRuns("demo");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].kind, "notice");
  EXPECT_EQ(runs[0].after_subject, "");
}

TEST_P(StorageContract, OutboxIsClaimedOnceAndTokensUsedOnce) {
  auto t = Begin(*storage_);
  ports::OutboxRow m{"demo", "m1", "s1", "confirm_email", B({9, 9}), "pending", 0, 100, 50, 0, ""};
  ASSERT_TRUE(t->InsertOutbox(m));
  m.id = "m2";
  m.next_attempt_at = 300;
  ASSERT_TRUE(t->InsertOutbox(m));
  ASSERT_TRUE(t->InsertToken({"demo", B({1, 2, 3}), "s1", "confirm_email", "x", 10, 20, 0}));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto due = *t->DueOutbox(200, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, "m1");
  EXPECT_EQ(due[0].payload, B({9, 9}));
  EXPECT_TRUE(*t->ClaimOutbox("demo", "m1", 100, 400));
  EXPECT_FALSE(*t->ClaimOutbox("demo", "m1", 100, 500));  // someone else's claim now
  due[0].status = "sent";
  due[0].attempts = 1;
  due[0].sent_at = 210;
  ASSERT_TRUE(t->UpdateOutbox(due[0]));
  EXPECT_EQ(t->DueOutbox(1000, 10)->size(), 1u);  // only m2 is still pending
  auto token = *t->FindToken("demo", B({1, 2, 3}));
  ASSERT_TRUE(token);
  EXPECT_EQ(token->subject, "s1");
  EXPECT_EQ(token->pending, "x");
  EXPECT_EQ(token->expires_at, 20);
  EXPECT_FALSE(*t->FindToken("other", B({1, 2, 3})));
  EXPECT_TRUE(*t->MarkTokenUsed("demo", B({1, 2, 3}), 15));
  EXPECT_FALSE(*t->MarkTokenUsed("demo", B({1, 2, 3}), 16));
  EXPECT_EQ((*t->FindToken("demo", B({1, 2, 3})))->used_at, 15);
  ASSERT_TRUE(t->Commit());
}

TEST_P(StorageContract, TenantsAndAuditChainHead) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertTenant(Tenant("demo")));
  EXPECT_EQ(FailsInSavepoint(*t, [&] { return t->InsertTenant(Tenant("demo")); }).code(),
            ErrorCode::kConflict);
  auto head = t->LockAuditHead("demo");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 0u);
  EXPECT_EQ(head->hash, Bytes(32, 0));
  EXPECT_EQ(t->LockAuditHead("nobody").error().code(), ErrorCode::kNotFound);

  domain::AuditEvent e;
  e.tenant = "demo";
  e.seq = 1;
  e.time = 123;
  e.actor = "apikey:1";
  e.operation = "collect";
  e.subject_id = "s1";
  e.fields = {"email", "name"};
  e.outcome = "ok";
  e.prev_hash = Bytes(32, 0);
  e.hash = Bytes(32, 5);
  ASSERT_TRUE(t->AppendAudit(e));
  // One event per seq.
  EXPECT_EQ(FailsInSavepoint(*t, [&] { return t->AppendAudit(e); }).code(), ErrorCode::kConflict);
  auto e2 = e;
  e2.seq = 2;
  e2.fields = {};
  e2.reason = "not_found";
  e2.outcome = "failed";
  ASSERT_TRUE(t->AppendAudit(e2));
  ASSERT_TRUE(t->SetAuditHead("demo", {2, Bytes(32, 5)}));
  auto tenant = Tenant("demo");
  tenant.wrapped_index_key = B({8});
  ASSERT_TRUE(t->UpdateTenantKeys(tenant));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  EXPECT_EQ(t->ReadAuditHead("demo")->seq, 2u);
  EXPECT_EQ((*t->FindTenant("demo"))->wrapped_index_key, B({8}));
  EXPECT_EQ(t->ListTenants()->size(), 1u);
  std::vector<domain::AuditEvent> seen;
  ASSERT_TRUE(t->ScanAudit("demo", [&](const domain::AuditEvent& ev) {
    seen.push_back(ev);
    return Ok();
  }));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(domain::AuditCanonicalBytes(seen[0]), domain::AuditCanonicalBytes(e));
  EXPECT_EQ(seen[0].hash, e.hash);
  EXPECT_EQ(domain::AuditCanonicalBytes(seen[1]), domain::AuditCanonicalBytes(e2));
}

TEST_P(StorageContract, AuditCheckpointsAreKeptPerHeadAndListedNewestFirst) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertTenant(Tenant("demo")));
  ASSERT_TRUE(t->InsertTenant(Tenant("other")));
  EXPECT_TRUE(t->ListAuditCheckpoints("demo", 10)->empty());
  ASSERT_TRUE(t->InsertAuditCheckpoint({"demo", 3, Bytes(32, 1), 100, "a.b.c"}));
  ASSERT_TRUE(t->InsertAuditCheckpoint({"demo", 7, Bytes(32, 2), 300, "d.e.f"}));
  // A chain cut and grown again: the same seq with another hash is a checkpoint of its own.
  ASSERT_TRUE(t->InsertAuditCheckpoint({"demo", 3, Bytes(32, 9), 200, "g.h.i"}));
  ASSERT_TRUE(t->InsertAuditCheckpoint({"other", 1, Bytes(32, 4), 400, "j.k.l"}));
  // Another node signed the same head: one row is enough.
  EXPECT_EQ(FailsInSavepoint(*t,
                             [&] {
                               return t->InsertAuditCheckpoint({"demo", 7, Bytes(32, 2), 301, "x"});
                             })
                .code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto all = t->ListAuditCheckpoints("demo", SIZE_MAX);
  ASSERT_TRUE(all) << all.error().detail();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].seq, 7u);
  EXPECT_EQ((*all)[0].hash, Bytes(32, 2));
  EXPECT_EQ((*all)[0].time, 300);
  EXPECT_EQ((*all)[0].checkpoint, "d.e.f");
  EXPECT_EQ((*all)[0].tenant, "demo");
  EXPECT_EQ((*all)[1].hash, Bytes(32, 9));
  EXPECT_EQ((*all)[2].time, 100);
  auto latest = t->ListAuditCheckpoints("demo", 1);
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].seq, 7u);
  EXPECT_EQ(t->ListAuditCheckpoints("other", 10)->size(), 1u);
  EXPECT_TRUE(t->ListAuditCheckpoints("nobody", 10)->empty());
}

TEST_P(StorageContract, ApiKeysAndMeta) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertApiKey({"demo", "k1", B({1, 2}), "admin", 5}));
  EXPECT_EQ(FailsInSavepoint(*t,
                             [&] {
                               return t->InsertApiKey({"other", "k1", B({3}), "admin", 5});
                             })
                .code(),
            ErrorCode::kConflict);
  EXPECT_FALSE(*t->GetMeta("x"));
  ASSERT_TRUE(t->SetMeta("x", "1"));
  ASSERT_TRUE(t->SetMeta("x", "2"));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto key = t->FindApiKey("k1");
  ASSERT_TRUE(key && *key);
  EXPECT_EQ((*key)->tenant, "demo");
  EXPECT_EQ((*key)->secret_hash, B({1, 2}));
  EXPECT_EQ((*key)->role, "admin");
  EXPECT_FALSE(*t->FindApiKey("k2"));
  EXPECT_EQ(**t->GetMeta("x"), "2");
}

TEST_P(StorageContract, ApiKeysAreListedPerTenantAndRevokedOnce) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertApiKey({"demo", "k2", B({2}), "processor", 7, 0, "mailer"}));
  ASSERT_TRUE(t->InsertApiKey({"demo", "k1", B({1}), "admin", 5}));
  ASSERT_TRUE(t->InsertApiKey({"other", "k3", B({3}), "admin", 6}));
  EXPECT_FALSE(*t->RevokeApiKey("other", "k1", 9));  // not that tenant's
  EXPECT_TRUE(*t->RevokeApiKey("demo", "k1", 9));
  EXPECT_FALSE(*t->RevokeApiKey("demo", "k1", 10));  // once
  EXPECT_FALSE(*t->RevokeApiKey("demo", "nope", 10));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto keys = t->ListApiKeys("demo");
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].key_id, "k1");  // oldest first
  EXPECT_EQ((*keys)[0].revoked_at, 9);
  EXPECT_EQ((*keys)[1].key_id, "k2");
  EXPECT_EQ((*keys)[1].revoked_at, 0);
  EXPECT_EQ((*keys)[1].role, "processor");
  EXPECT_EQ((*keys)[1].recipient, "mailer");  // the recipient a key is bound to
  EXPECT_EQ((*keys)[0].recipient, "");
  EXPECT_EQ((**t->FindApiKey("k2")).recipient, "mailer");
  EXPECT_EQ((**t->FindApiKey("k1")).revoked_at, 9);
  EXPECT_EQ(t->ListApiKeys("nobody")->size(), 0u);
}

TEST_P(StorageContract, KeyEpochIsReadUnderItsLock) {
  auto t = Begin(*storage_);
  EXPECT_FALSE(*t->ReadKeyEpoch("epoch"));
  ASSERT_TRUE(t->LockKeyEpoch());
  ASSERT_TRUE(t->SetMeta("epoch", "abc"));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_);
  EXPECT_EQ(**t->ReadKeyEpoch("epoch"), "abc");
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);  // readers may ask too (/readyz)
  EXPECT_EQ(**t->ReadKeyEpoch("epoch"), "abc");
}

TEST_P(StorageContract, PolicyVersionsAndTheirTexts) {
  auto t = Begin(*storage_);
  ports::PolicyVersionRow v1{"demo", 1, 100, 90, "aa", false, "", "[tenant]\nid = \"demo\"\n"};
  ports::PolicyVersionRow v2{
      "demo", 2, 200, 150, "bb", true, "added    purpose 'x'  [material]\n", "v2 file"};
  std::vector<ports::PolicyTextRow> texts = {{"policy", "ru", "md", "# Политика"},
                                             {"policy", "en", "html", "<h1>Policy</h1>"}};
  ASSERT_TRUE(t->InsertPolicyVersion(v1, texts));
  ASSERT_TRUE(t->InsertPolicyVersion(v2, {{"policy", "ru", "md", "# Политика 2"}}));
  ASSERT_TRUE(t->InsertPolicyVersion({"other", 1, 5, 5, "cc", false, "", "other file"}, {}));
  EXPECT_EQ(FailsInSavepoint(*t, [&] { return t->InsertPolicyVersion(v2, {}); }).code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  auto list = t->ListPolicyVersions("demo");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].version, 1);
  EXPECT_EQ((*list)[1].effective_at, 200);
  EXPECT_EQ((*list)[1].published_at, 150);
  EXPECT_TRUE((*list)[1].material);
  EXPECT_FALSE((*list)[0].material);
  EXPECT_EQ((*list)[1].changes, v2.changes);
  EXPECT_EQ((*list)[1].source, "");  // the list leaves the files out
  auto found = t->FindPolicyVersion("demo", 1);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->source, v1.source);
  EXPECT_EQ((*found)->text_hash, "aa");
  EXPECT_FALSE(*t->FindPolicyVersion("demo", 3));
  EXPECT_FALSE(*t->FindPolicyVersion("nobody", 1));
  EXPECT_EQ(**t->FindPolicyText("demo", 1, "policy", "ru", "md"), "# Политика");
  EXPECT_EQ(**t->FindPolicyText("demo", 1, "policy", "en", "html"), "<h1>Policy</h1>");
  EXPECT_EQ(**t->FindPolicyText("demo", 2, "policy", "ru", "md"), "# Политика 2");
  EXPECT_FALSE(*t->FindPolicyText("demo", 2, "policy", "en", "html"));
  EXPECT_FALSE(*t->FindPolicyText("other", 1, "policy", "ru", "md"));
  EXPECT_EQ(t->ListPolicyVersions("other")->size(), 1u);
}

TEST_P(StorageContract, SubjectKeysPageInOrder) {
  auto t = Begin(*storage_);
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(t->InsertSubject(
        {i < 3 ? "a" : "b", "s" + std::to_string(i), B({uint8_t(i)}), B({0}), 1, 1}));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_);
  std::vector<std::string> ids;
  std::string after_t, after_id;
  while (true) {
    auto page = t->ListSubjectKeys(after_t, after_id, 3);
    ASSERT_TRUE(page);
    for (const auto& r : *page) {
      ids.push_back(r.tenant + "/" + r.id);
      ASSERT_TRUE(t->UpdateSubjectKey(r.tenant, r.id, B({42})));
    }
    if (page->size() < 3) break;
    after_t = page->back().tenant;
    after_id = page->back().id;
  }
  ASSERT_TRUE(t->Commit());
  EXPECT_EQ(ids,
            (std::vector<std::string>{"a/s0", "a/s1", "a/s2", "b/s3", "b/s4", "b/s5", "b/s6"}));
  t = Begin(*storage_, false);
  EXPECT_EQ((*t->FindSubject("b", "s6"))->wrapped_key, B({42}));
}

// Holds come back whole, oldest first; one is lifted once; an erasure deletes the subject's.
TEST_P(StorageContract, HoldsAreListedLiftedOnceAndDeletedWithTheSubject) {
  auto t = Begin(*storage_);
  ports::HoldRow a{"t", "h1", "s", "dispute", "*", B({1, 2}), 100, "apikey:a", 10, "", 0};
  ports::HoldRow b{"t", "h2", "s", "authority_request", "email,phone", B({3}), 200, "cli",
                   20,  "",   0};
  ports::HoldRow other{"t", "h3", "o", "dispute", "*", B({4}), 300, "cli", 30, "", 0};
  for (const auto& h : {b, a, other}) ASSERT_TRUE(t->InsertHold(h));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_);
  EXPECT_TRUE(*t->LiftHold("t", "h2", "apikey:b", 50));
  EXPECT_FALSE(*t->LiftHold("t", "h2", "apikey:c", 60));  // lifted already
  EXPECT_FALSE(*t->LiftHold("u", "h1", "apikey:c", 60));  // another tenant's
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_);
  auto holds = t->ListSubjectHolds("t", "s");
  ASSERT_TRUE(holds);
  ASSERT_EQ(holds->size(), 2u);
  const ports::HoldRow& first = (*holds)[0];
  EXPECT_EQ(first.id, "h1");
  EXPECT_EQ(first.reason, "dispute");
  EXPECT_EQ(first.fields, "*");
  EXPECT_EQ(first.document, B({1, 2}));
  EXPECT_EQ(first.until, 100);
  EXPECT_EQ(first.placed_by, "apikey:a");
  EXPECT_EQ(first.placed_at, 10);
  EXPECT_EQ(first.lifted_at, 0);
  EXPECT_EQ((*holds)[1].lifted_by, "apikey:b");
  EXPECT_EQ((*holds)[1].lifted_at, 50);
  ASSERT_TRUE(t->DeleteSubjectHolds("t", "s"));
  EXPECT_TRUE(t->ListSubjectHolds("t", "s")->empty());
  EXPECT_EQ(t->ListSubjectHolds("t", "o")->size(), 1u);
  ASSERT_TRUE(t->Commit());
}

// The values are replaced, and nothing else of the row changes.
TEST_P(StorageContract, ErasingFieldsReplacesTheValuesAndKeepsTheKeyAndTheDates) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertSubject({"a", "s", B({1}), B({2}), 10, 20}));
  EXPECT_TRUE(*t->EraseSubjectFields("a", "s", B({4})));
  EXPECT_FALSE(*t->EraseSubjectFields("a", "none", B({4})));
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  auto row = t->FindSubject("a", "s");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->wrapped_key, B({1}));
  EXPECT_EQ((*row)->fields, B({4}));
  EXPECT_EQ((*row)->created_at, 10);
  EXPECT_EQ((*row)->updated_at, 20);
}

// Every column of every row type comes back in its own field. The values differ from each
// other, so two columns read in each other's place show; the backends share the column order
// (src/adapters/storage/rows.h), and this is where it is checked.
TEST_P(StorageContract, EveryColumnReadsBackIntoItsField) {
  auto t = Begin(*storage_);
  ports::TenantRow tenant{"demo", B({1}), B({2}), 3, B({4}), B({5})};
  ASSERT_TRUE(t->InsertTenant(tenant));
  ASSERT_TRUE(t->UpdateTenantKeys(tenant));  // sets the receipt keys the insert leaves empty
  SubjectRow subject{"demo", "s1", B({6}), B({7}), 8, 9};
  ASSERT_TRUE(t->InsertSubject(subject));
  ASSERT_TRUE(t->SetEmailVerified("demo", "s1", 10));
  ASSERT_TRUE(t->InsertIndex("demo", "email", B({11}), "s1"));
  ports::ApiKeyRow key{"demo", "k1", B({12}), "admin", 13, 0};
  ASSERT_TRUE(t->InsertApiKey(key));
  ASSERT_TRUE(t->RevokeApiKey("demo", "k1", 14));
  ports::OutboxRow mail{"demo", "m1", "s1", "confirm_email", B({15}), "pending", 0, 16, 17, 0, ""};
  ASSERT_TRUE(t->InsertOutbox(mail));
  ports::TokenRow token{"demo", B({18}), "s1", "renew_consent", "p", 19, 20, 0};
  ASSERT_TRUE(t->InsertToken(token));
  ASSERT_TRUE(t->MarkTokenUsed("demo", B({18}), 21));
  domain::ConsentEvent e{
      "e1", "news", domain::ConsentKind::kGiven, 22, "th", "form", "footer", 23, "203.0.113.0/24",
      "UA"};
  ASSERT_TRUE(t->InsertConsentEvent({"demo", "s1", e, "rcpt"}));
  ASSERT_TRUE(t->InsertAuditCheckpoint({"demo", 24, Bytes(32, 25), 26, "a.b.c"}));
  ASSERT_TRUE(t->InsertNoticeRun({"demo", 27, "s0", false, 28, "announcement"}));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto tn = **t->FindTenant("demo");
  EXPECT_EQ(std::tie(tn.tenant, tn.wrapped_index_key, tn.wrapped_audit_key, tn.created_at,
                     tn.receipt_public_key, tn.wrapped_receipt_key),
            std::tie(tenant.tenant, tenant.wrapped_index_key, tenant.wrapped_audit_key,
                     tenant.created_at, tenant.receipt_public_key, tenant.wrapped_receipt_key));
  for (auto found :
       {**t->FindSubject("demo", "s1"), **t->FindSubjectByIndex("demo", "email", B({11}))}) {
    EXPECT_EQ(std::tie(found.tenant, found.id, found.wrapped_key, found.fields, found.created_at,
                       found.updated_at),
              std::tie(subject.tenant, subject.id, subject.wrapped_key, subject.fields,
                       subject.created_at, subject.updated_at));
    EXPECT_EQ(found.email_verified_at, 10);
  }
  auto keys = *t->ListSubjectKeys("", "", 10);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(std::tie(keys[0].tenant, keys[0].id, keys[0].wrapped_key),
            std::tie(subject.tenant, subject.id, subject.wrapped_key));
  key.revoked_at = 14;
  for (auto k : {**t->FindApiKey("k1"), (*t->ListApiKeys("demo"))[0]}) {
    EXPECT_EQ(std::tie(k.tenant, k.key_id, k.secret_hash, k.role, k.created_at, k.revoked_at),
              std::tie(key.tenant, key.key_id, key.secret_hash, key.role, key.created_at,
                       key.revoked_at));
  }
  mail.status = "failed";
  mail.attempts = 29;
  mail.next_attempt_at = 30;
  mail.sent_at = 31;
  mail.last_error = "smtp 550";
  mail.payload = {};  // wiped: the message is done with
  ASSERT_TRUE(t->UpdateOutbox(mail));
  mail.status = "pending";  // so that DueOutbox lists it again
  ASSERT_TRUE(t->UpdateOutbox(mail));
  auto due = *t->DueOutbox(100, 10);
  ASSERT_EQ(due.size(), 1u);
  const auto& m = due[0];
  EXPECT_EQ(std::tie(m.tenant, m.id, m.subject, m.kind, m.payload, m.status, m.attempts,
                     m.next_attempt_at, m.created_at, m.sent_at, m.last_error),
            std::tie(mail.tenant, mail.id, mail.subject, mail.kind, mail.payload, mail.status,
                     mail.attempts, mail.next_attempt_at, mail.created_at, mail.sent_at,
                     mail.last_error));
  auto tk = **t->FindToken("demo", B({18}));
  token.used_at = 21;
  EXPECT_EQ(std::tie(tk.tenant, tk.hash, tk.subject, tk.kind, tk.pending, tk.created_at,
                     tk.expires_at, tk.used_at),
            std::tie(token.tenant, token.hash, token.subject, token.kind, token.pending,
                     token.created_at, token.expires_at, token.used_at));
  for (auto c : {**t->FindConsentEvent("demo", "e1"), (*t->ListConsentEvents("demo", "s1"))[0]}) {
    const auto& ce = c.event;
    EXPECT_EQ(std::tie(c.tenant, c.subject, c.receipt), std::make_tuple("demo", "s1", "rcpt"));
    EXPECT_EQ(std::tie(ce.id, ce.purpose, ce.policy_version, ce.text_hash, ce.method, ce.source,
                       ce.time, ce.ip, ce.user_agent),
              std::tie(e.id, e.purpose, e.policy_version, e.text_hash, e.method, e.source, e.time,
                       e.ip, e.user_agent));
    EXPECT_EQ(ce.kind, e.kind);
  }
  auto cps = *t->ListAuditCheckpoints("demo", 10);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(std::tie(cps[0].tenant, cps[0].seq, cps[0].hash, cps[0].time, cps[0].checkpoint),
            std::make_tuple("demo", 24u, Bytes(32, 25), 26, "a.b.c"));
  auto runs = *t->ListNoticeRuns("demo");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(std::tie(runs[0].tenant, runs[0].version, runs[0].after_subject, runs[0].done,
                     runs[0].queued, runs[0].kind),
            std::make_tuple("demo", 27, "s0", false, 28, "announcement"));
}

TEST_P(StorageContract, ConcurrentWritersOfOneIndexValueOneWins) {
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      auto t = storage_->Begin(true);
      if (!t) {
        ++other;
        return;
      }
      std::string id = "s" + std::to_string(i);
      auto st = (*t)->InsertSubject({"demo", id, B({1}), B({1}), 1, 1});
      if (st) st = (*t)->InsertIndex("demo", "email", B({4, 2}), id);
      if (st) st = (*t)->Commit();
      if (st) {
        ++ok;
      } else if (st.error().code() == ErrorCode::kConflict) {
        ++conflict;
      } else {
        ++other;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);
  auto t = Begin(*storage_, false);
  EXPECT_EQ(*t->CountSubjects("demo"), 1u);
}

}  // namespace konfid::contract
