// Forwarding wrappers of the storage port, in the manner of leveldb's EnvWrapper: every method
// passes to the wrapped object, so a test that injects a fault overrides only the methods it
// breaks (tests/fakes/faulty_storage.h). A method added to ports::Transaction or
// ports::Storage is added here once, and every fault injector has it. Thread-safety: as the
// wrapped object's.
#pragma once

#include <memory>

#include "ports/storage.h"

namespace konfid::fakes {

class ForwardingTransaction : public ports::Transaction {
 public:
  explicit ForwardingTransaction(std::unique_ptr<ports::Transaction> inner)
      : inner_(std::move(inner)) {}

  Status InsertSubject(const ports::SubjectRow& row) override { return inner_->InsertSubject(row); }
  Result<std::optional<ports::SubjectRow>> FindSubject(const std::string& tenant,
                                                       const std::string& id) override {
    return inner_->FindSubject(tenant, id);
  }
  Status UpdateSubjectFields(const std::string& tenant, const std::string& id, const Bytes& fields,
                             UnixMicros updated_at) override {
    return inner_->UpdateSubjectFields(tenant, id, fields, updated_at);
  }
  Status SetEmailVerified(const std::string& tenant, const std::string& id,
                          UnixMicros at) override {
    return inner_->SetEmailVerified(tenant, id, at);
  }
  Result<bool> DeleteSubject(const std::string& tenant, const std::string& id) override {
    return inner_->DeleteSubject(tenant, id);
  }
  Status InsertHold(const ports::HoldRow& row) override { return inner_->InsertHold(row); }
  Result<std::vector<ports::HoldRow>> ListSubjectHolds(const std::string& tenant,
                                                       const std::string& subject) override {
    return inner_->ListSubjectHolds(tenant, subject);
  }
  Result<bool> LiftHold(const std::string& tenant, const std::string& id, const std::string& by,
                        UnixMicros at) override {
    return inner_->LiftHold(tenant, id, by, at);
  }
  Status InsertDestructionAct(const ports::DestructionActRow& row) override {
    return inner_->InsertDestructionAct(row);
  }
  Result<std::vector<ports::DestructionActRow>> ListDestructionActs(
      const std::string& tenant, const ports::DestructionActFilter& filter) override {
    return inner_->ListDestructionActs(tenant, filter);
  }
  Result<std::optional<ports::DestructionActRow>> FindDestructionAct(
      const std::string& tenant, const std::string& id) override {
    return inner_->FindDestructionAct(tenant, id);
  }
  Result<uint64_t> DeleteDestructionActsBefore(UnixMicros before, size_t limit) override {
    return inner_->DeleteDestructionActsBefore(before, limit);
  }
  Status InsertDepersonalizedExport(const ports::DepersonalizedExportRow& row) override {
    return inner_->InsertDepersonalizedExport(row);
  }
  Result<std::optional<ports::DepersonalizedExportRow>> FindDepersonalizedExport(
      const std::string& tenant, const std::string& id) override {
    return inner_->FindDepersonalizedExport(tenant, id);
  }
  Status InsertTechEvent(const ports::TechEventRow& row) override {
    return inner_->InsertTechEvent(row);
  }
  Result<std::vector<ports::TechEventRow>> ListTechEvents(const std::string& tenant,
                                                          const std::string& after,
                                                          size_t limit) override {
    return inner_->ListTechEvents(tenant, after, limit);
  }
  Result<uint64_t> DeleteTechEventsBefore(const std::string& tenant, const std::string& before_id,
                                          size_t limit) override {
    return inner_->DeleteTechEventsBefore(tenant, before_id, limit);
  }
  Status InsertCookieChoice(const ports::CookieChoiceRow& row) override {
    return inner_->InsertCookieChoice(row);
  }
  Result<std::optional<ports::CookieChoiceRow>> FindCookieChoice(const std::string& tenant,
                                                                 const Bytes& visitor) override {
    return inner_->FindCookieChoice(tenant, visitor);
  }
  Result<uint64_t> DeleteCookieChoicesBefore(const std::string& tenant, UnixMicros before,
                                             size_t limit) override {
    return inner_->DeleteCookieChoicesBefore(tenant, before, limit);
  }
  Result<std::vector<ports::TechEventCount>> CountTechEvents(
      const std::string& tenant, const ports::TechEventCountQuery& q) override {
    return inner_->CountTechEvents(tenant, q);
  }
  Result<std::vector<ports::DayCount>> CountSubjectsByDay(const std::string& tenant,
                                                          UnixMicros from, UnixMicros to) override {
    return inner_->CountSubjectsByDay(tenant, from, to);
  }
  Result<std::vector<ports::ConsentStateCount>> CountConsentStates(
      const std::string& tenant) override {
    return inner_->CountConsentStates(tenant);
  }
  Status DeleteSubjectHolds(const std::string& tenant, const std::string& subject) override {
    return inner_->DeleteSubjectHolds(tenant, subject);
  }
  Status UpdateHoldDocument(const std::string& tenant, const std::string& id,
                            const Bytes& document) override {
    return inner_->UpdateHoldDocument(tenant, id, document);
  }
  Status UpdateDisclosureDocument(const std::string& tenant, const std::string& id,
                                  const Bytes& sealed) override {
    return inner_->UpdateDisclosureDocument(tenant, id, sealed);
  }
  Result<bool> RewrapSubjectKey(const std::string& tenant, const std::string& id, const Bytes& from,
                                const Bytes& to) override {
    return inner_->RewrapSubjectKey(tenant, id, from, to);
  }
  Result<std::optional<ports::OutboxRow>> FindOutbox(const std::string& tenant,
                                                     const std::string& id) override {
    return inner_->FindOutbox(tenant, id);
  }
  Result<std::vector<ports::OutboxRow>> ListSubjectOutbox(const std::string& tenant,
                                                          const std::string& subject) override {
    return inner_->ListSubjectOutbox(tenant, subject);
  }
  Result<bool> EraseSubjectFields(const std::string& tenant, const std::string& id,
                                  const Bytes& fields) override {
    return inner_->EraseSubjectFields(tenant, id, fields);
  }
  Result<std::vector<ports::SubjectKeyRow>> ListSubjectKeys(const std::string& after_tenant,
                                                            const std::string& after_id,
                                                            size_t limit) override {
    return inner_->ListSubjectKeys(after_tenant, after_id, limit);
  }
  Status UpdateSubjectKey(const std::string& tenant, const std::string& id,
                          const Bytes& wrapped_key) override {
    return inner_->UpdateSubjectKey(tenant, id, wrapped_key);
  }
  Result<uint64_t> CountSubjects(const std::string& tenant) override {
    return inner_->CountSubjects(tenant);
  }
  Status InsertIndex(const std::string& tenant, const std::string& field, const Bytes& hash,
                     const std::string& subject) override {
    return inner_->InsertIndex(tenant, field, hash, subject);
  }
  Result<std::optional<std::string>> LookupIndex(const std::string& tenant,
                                                 const std::string& field,
                                                 const Bytes& hash) override {
    return inner_->LookupIndex(tenant, field, hash);
  }
  Result<std::optional<ports::SubjectRow>> FindSubjectByIndex(const std::string& tenant,
                                                              const std::string& field,
                                                              const Bytes& hash) override {
    return inner_->FindSubjectByIndex(tenant, field, hash);
  }
  Status DeleteIndex(const std::string& tenant, const std::string& subject,
                     const std::string& field) override {
    return inner_->DeleteIndex(tenant, subject, field);
  }
  Status InsertTenant(const ports::TenantRow& row) override { return inner_->InsertTenant(row); }
  Result<std::optional<ports::TenantRow>> FindTenant(const std::string& tenant) override {
    return inner_->FindTenant(tenant);
  }
  Result<std::vector<ports::TenantRow>> ListTenants() override { return inner_->ListTenants(); }
  Status UpdateTenantKeys(const ports::TenantRow& row) override {
    return inner_->UpdateTenantKeys(row);
  }
  Result<ports::AuditHead> LockAuditHead(const std::string& tenant) override {
    return inner_->LockAuditHead(tenant);
  }
  Result<ports::AuditHead> ReadAuditHead(const std::string& tenant) override {
    return inner_->ReadAuditHead(tenant);
  }
  Status SetAuditHead(const std::string& tenant, const ports::AuditHead& head) override {
    return inner_->SetAuditHead(tenant, head);
  }
  Status AppendAudit(const domain::AuditEvent& event) override {
    return inner_->AppendAudit(event);
  }
  Status ScanAudit(const std::string& tenant,
                   const std::function<Status(const domain::AuditEvent&)>& fn) override {
    return inner_->ScanAudit(tenant, fn);
  }
  Status InsertAuditCheckpoint(const ports::AuditCheckpointRow& row) override {
    return inner_->InsertAuditCheckpoint(row);
  }
  Result<std::vector<ports::AuditCheckpointRow>> ListAuditCheckpoints(const std::string& tenant,
                                                                      size_t limit) override {
    return inner_->ListAuditCheckpoints(tenant, limit);
  }
  Status InsertPolicyVersion(const ports::PolicyVersionRow& row,
                             const std::vector<ports::PolicyTextRow>& texts) override {
    return inner_->InsertPolicyVersion(row, texts);
  }
  Result<std::vector<ports::PolicyVersionRow>> ListPolicyVersions(
      const std::string& tenant) override {
    return inner_->ListPolicyVersions(tenant);
  }
  Result<std::optional<ports::PolicyVersionRow>> FindPolicyVersion(const std::string& tenant,
                                                                   int64_t version) override {
    return inner_->FindPolicyVersion(tenant, version);
  }
  Result<std::optional<std::string>> FindPolicyText(const std::string& tenant, int64_t version,
                                                    const std::string& document,
                                                    const std::string& lang,
                                                    const std::string& format) override {
    return inner_->FindPolicyText(tenant, version, document, lang, format);
  }
  Status InsertConsentEvent(const ports::ConsentEventRow& row) override {
    return inner_->InsertConsentEvent(row);
  }
  Result<std::vector<ports::ConsentEventRow>> ListConsentEvents(
      const std::string& tenant, const std::string& subject) override {
    return inner_->ListConsentEvents(tenant, subject);
  }
  Result<std::optional<ports::ConsentEventRow>> FindConsentEvent(
      const std::string& tenant, const std::string& event_id) override {
    return inner_->FindConsentEvent(tenant, event_id);
  }
  Result<std::vector<std::string>> ListConsentSubjects(const std::string& tenant,
                                                       const std::string& after,
                                                       size_t limit) override {
    return inner_->ListConsentSubjects(tenant, after, limit);
  }
  Status InsertNoticeRun(const ports::NoticeRunRow& row) override {
    return inner_->InsertNoticeRun(row);
  }
  Result<std::vector<ports::NoticeRunRow>> ListNoticeRuns(const std::string& tenant) override {
    return inner_->ListNoticeRuns(tenant);
  }
  Result<bool> AdvanceNoticeRun(const ports::NoticeRunRow& row,
                                const std::string& expected) override {
    return inner_->AdvanceNoticeRun(row, expected);
  }
  Status InsertOutbox(const ports::OutboxRow& row) override { return inner_->InsertOutbox(row); }
  Result<std::vector<ports::OutboxRow>> DueOutbox(UnixMicros now, size_t limit) override {
    return inner_->DueOutbox(now, limit);
  }
  Result<bool> ClaimOutbox(const std::string& tenant, const std::string& id, UnixMicros due,
                           UnixMicros until) override {
    return inner_->ClaimOutbox(tenant, id, due, until);
  }
  Status UpdateOutbox(const ports::OutboxRow& row) override { return inner_->UpdateOutbox(row); }
  Status InsertToken(const ports::TokenRow& row) override { return inner_->InsertToken(row); }
  Result<std::optional<ports::TokenRow>> FindToken(const std::string& tenant,
                                                   const Bytes& hash) override {
    return inner_->FindToken(tenant, hash);
  }
  Result<bool> MarkTokenUsed(const std::string& tenant, const Bytes& hash, UnixMicros at) override {
    return inner_->MarkTokenUsed(tenant, hash, at);
  }
  Result<bool> SetSubjectBlocked(const std::string& tenant, const std::string& id,
                                 const std::string& blocked, UnixMicros updated_at) override {
    return inner_->SetSubjectBlocked(tenant, id, blocked, updated_at);
  }
  Status InsertRequest(const ports::RequestRow& row) override { return inner_->InsertRequest(row); }
  Result<std::optional<ports::RequestRow>> FindRequest(const std::string& tenant,
                                                       const std::string& id) override {
    return inner_->FindRequest(tenant, id);
  }
  Status UpdateRequest(const ports::RequestRow& row) override { return inner_->UpdateRequest(row); }
  Result<std::vector<ports::RequestRow>> ListRequests(const std::string& tenant,
                                                      const ports::RequestFilter& filter) override {
    return inner_->ListRequests(tenant, filter);
  }
  Result<std::vector<ports::RequestRow>> ListSubjectRequests(const std::string& tenant,
                                                             const std::string& subject) override {
    return inner_->ListSubjectRequests(tenant, subject);
  }
  Result<std::vector<std::pair<std::string, uint64_t>>> CountOverdueRequests(
      const std::string& tenant, const std::string& today) override {
    return inner_->CountOverdueRequests(tenant, today);
  }
  Result<uint64_t> CountRequestsWithoutTerm(const std::string& tenant) override {
    return inner_->CountRequestsWithoutTerm(tenant);
  }
  Status SetContractEnd(const std::string& tenant, const std::string& subject,
                        const std::string& purpose, UnixMicros ended_at) override {
    return inner_->SetContractEnd(tenant, subject, purpose, ended_at);
  }
  Result<std::vector<std::pair<std::string, UnixMicros>>> ListContractEnds(
      const std::string& tenant, const std::string& subject) override {
    return inner_->ListContractEnds(tenant, subject);
  }
  Status InsertDisclosure(const ports::DisclosureRow& row) override {
    return inner_->InsertDisclosure(row);
  }
  Result<std::vector<ports::DisclosureRow>> ListDisclosures(
      const std::string& tenant, const ports::DisclosureFilter& filter) override {
    return inner_->ListDisclosures(tenant, filter);
  }
  Status InsertOtpCode(const ports::OtpCodeRow& row) override { return inner_->InsertOtpCode(row); }
  Result<std::optional<ports::OtpCodeRow>> FindOtpCode(const std::string& tenant,
                                                       const std::string& id) override {
    return inner_->FindOtpCode(tenant, id);
  }
  Result<uint64_t> CountOtpCodes(const std::string& tenant, const Bytes& address_hash,
                                 UnixMicros since) override {
    return inner_->CountOtpCodes(tenant, address_hash, since);
  }
  Result<int64_t> AddOtpTry(const std::string& tenant, const std::string& id) override {
    return inner_->AddOtpTry(tenant, id);
  }
  Result<bool> MarkOtpUsed(const std::string& tenant, const std::string& id,
                           UnixMicros at) override {
    return inner_->MarkOtpUsed(tenant, id, at);
  }
  Result<uint64_t> DeleteOtpCodesBefore(UnixMicros before) override {
    return inner_->DeleteOtpCodesBefore(before);
  }
  Status InsertApiKey(const ports::ApiKeyRow& row) override { return inner_->InsertApiKey(row); }
  Result<std::optional<ports::ApiKeyRow>> FindApiKey(const std::string& key_id) override {
    return inner_->FindApiKey(key_id);
  }
  Result<std::vector<ports::ApiKeyRow>> ListApiKeys(const std::string& tenant) override {
    return inner_->ListApiKeys(tenant);
  }
  Result<bool> RevokeApiKey(const std::string& tenant, const std::string& key_id,
                            UnixMicros at) override {
    return inner_->RevokeApiKey(tenant, key_id, at);
  }
  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    return inner_->GetMeta(key);
  }
  Status SetMeta(const std::string& key, const std::string& value) override {
    return inner_->SetMeta(key, value);
  }
  Result<std::optional<std::string>> ReadKeyEpoch(const std::string& key) override {
    return inner_->ReadKeyEpoch(key);
  }
  Status LockKeyEpoch() override { return inner_->LockKeyEpoch(); }
  Status Savepoint() override { return inner_->Savepoint(); }
  Status RollbackToSavepoint() override { return inner_->RollbackToSavepoint(); }
  Status ReleaseSavepoint() override { return inner_->ReleaseSavepoint(); }
  Status Commit() override { return inner_->Commit(); }
  Status CommitUnsynced() override { return inner_->CommitUnsynced(); }

 protected:
  ports::Transaction& inner() { return *inner_; }

 private:
  std::unique_ptr<ports::Transaction> inner_;
};

// Forwards to a storage it does not own, which must outlive it. Begin wraps nothing: a fault
// injector overrides it to wrap the transaction in its own ForwardingTransaction.
class ForwardingStorage : public ports::Storage {
 public:
  explicit ForwardingStorage(ports::Storage& inner) : inner_(inner) {}

  std::string_view backend() const override { return inner_.backend(); }
  Status Migrate() override { return inner_.Migrate(); }
  Status CheckSchema() override { return inner_.CheckSchema(); }
  Result<std::unique_ptr<ports::Transaction>> Begin(bool write) override {
    return inner_.Begin(write);
  }
  bool syncs_separately() const override { return inner_.syncs_separately(); }
  Status Sync() override { return inner_.Sync(); }

 protected:
  ports::Storage& inner() { return inner_; }

 private:
  ports::Storage& inner_;
};

}  // namespace konfid::fakes
