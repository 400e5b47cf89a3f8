#include "app/policy_store.h"

#include <algorithm>

#include "core/encoding.h"
#include "core/time.h"
#include "domain/consent.h"
#include "domain/policy_diff.h"
#include "text/policy_text.h"

namespace konfid::app {

namespace {

// The texts of a version, and the hash that covers them all: SHA-256 over each text's
// document, language, format and bytes, length-prefixed, in DocumentNames order.
struct Texts {
  std::vector<ports::PolicyTextRow> rows;
  std::string hash;
};

Result<Texts> RenderAll(ports::Crypto& crypto, const domain::TenantPolicy& policy,
                        const text::Stamp& stamp) {
  Texts out;
  Bytes canonical;
  for (const auto& doc : text::DocumentNames(policy))
    for (text::Lang lang : {text::Lang::kRu, text::Lang::kEn})
      for (text::Format format : {text::Format::kMarkdown, text::Format::kHtml}) {
        KONFID_ASSIGN_OR_RETURN(std::string body,
                                text::RenderDocument(policy, doc, lang, format, stamp));
        ports::PolicyTextRow row{doc, std::string(text::LangName(lang)),
                                 std::string(text::FormatName(format)), std::move(body)};
        for (const std::string* part : {&row.document, &row.lang, &row.format, &row.text})
          AppendLengthPrefixed(canonical, *part);
        out.rows.push_back(std::move(row));
      }
  out.hash = HexEncode(crypto.Sha256(canonical));
  return out;
}

// True when every document of `a` and `b` reads the same, version stamp aside.
Result<bool> SameTexts(const domain::TenantPolicy& a, const domain::TenantPolicy& b) {
  if (text::DocumentNames(a) != text::DocumentNames(b)) return false;
  for (const auto& doc : text::DocumentNames(a))
    for (text::Lang lang : {text::Lang::kRu, text::Lang::kEn}) {
      KONFID_ASSIGN_OR_RETURN(auto x, text::RenderDocument(a, doc, lang, text::Format::kMarkdown));
      KONFID_ASSIGN_OR_RETURN(auto y, text::RenderDocument(b, doc, lang, text::Format::kMarkdown));
      if (x != y) return false;
    }
  return true;
}

std::string JoinLines(const std::vector<domain::PolicyChange>& changes) {
  std::string out;
  for (const auto& c : changes) out += domain::FormatChange(c) + "\n";
  return out;
}

// The tenant's latest published version, if any.
Result<std::optional<ports::PolicyVersionRow>> LatestVersion(ports::Storage& storage,
                                                             const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto versions, txn->ListPolicyVersions(tenant));
  if (versions.empty()) return std::optional<ports::PolicyVersionRow>();
  return txn->FindPolicyVersion(tenant, versions.back().version);
}

// What `policy` changes against `before`, version `version`; Conflict when nothing at all.
Result<std::vector<domain::PolicyChange>> ChangesSince(const domain::TenantPolicy& before,
                                                       const domain::TenantPolicy& policy,
                                                       int64_t version) {
  auto changes = domain::DiffPolicies(before, policy);
  if (!changes.empty()) return changes;
  // Nothing the diff names, but the texts may still read differently (a cookie's
  // wording, say): such a version is published as a change of wording.
  KONFID_ASSIGN_OR_RETURN(bool same, SameTexts(before, policy));
  if (same)
    return Fail(Error(ErrorCode::kConflict,
                      "the policy declares nothing new against version " + std::to_string(version))
                    .WithReason("policy_unchanged"));
  changes.push_back(
      {domain::PolicyChange::Kind::kChanged, "texts", "the wording of the generated texts", false});
  return changes;
}

// Fills in `row`'s changes against `latest` and holds it to the notice `latest` promised.
// Returns whether the change is to be announced by email.
Result<bool> CompareWithLatest(const ports::PolicyReader& reader,
                               const ports::PolicyVersionRow& latest,
                               const domain::TenantPolicy& policy, UnixMicros now,
                               bool short_notice, ports::PolicyVersionRow& row) {
  const std::string version = std::to_string(latest.version);
  if (row.effective_at < latest.effective_at)
    return Fail(ErrorCode::kInvalidArgument, "version " + version + " takes effect at " +
                                                 FormatRfc3339(latest.effective_at) +
                                                 "; a later version cannot take effect before it");
  KONFID_ASSIGN_OR_RETURN(domain::TenantPolicy before,
                          reader.Read(latest.source, "version " + version));
  KONFID_ASSIGN_OR_RETURN(auto changes, ChangesSince(before, policy, latest.version));
  row.material = domain::AnyMaterial(changes);
  row.changes = JoinLines(changes);
  // The policy in force told visitors how long before a change they would hear of it.
  int64_t days = before.publication.notice_days;
  UnixMicros earliest = now + days * kMicrosPerDay;
  if (row.material && !short_notice && row.effective_at < earliest)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "version " + version + " promises " + std::to_string(days) +
                          " days' notice of changes, and this one is material: let it take "
                          "effect at " +
                          FormatRfc3339(earliest) +
                          " or later, or publish it with short notice if it cannot wait")
                    .WithReason("notice_too_short"));
  if (row.material && row.effective_at < earliest)  // on record with the version
    row.changes +=
        "short notice: version " + version + " promised " + std::to_string(days) + " days\n";
  // Changes announced by email are, as soon as they are published (app/notices.h).
  const auto& channels = before.publication.notice;
  return row.material && row.effective_at > now &&
         std::find(channels.begin(), channels.end(), "email") != channels.end();
}

// Writes the version, its texts, its notice runs and the admin event in one transaction.
Status StoreVersion(ports::Storage& storage, const ports::PolicyVersionRow& row, const Texts& texts,
                    bool announce, const AdminLog* log, const std::string& actor) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(true));
  auto st = txn->InsertPolicyVersion(row, texts.rows);
  if (!st && st.error().code() == ErrorCode::kConflict)
    return Fail(Error(ErrorCode::kConflict, "another version was published meanwhile; try again")
                    .WithReason("policy_version_taken"));
  KONFID_TRY(st);
  // Subjects whose consent the change outdates are told once it is in force (app/notices.h).
  if (row.material) KONFID_TRY(txn->InsertNoticeRun({row.tenant, row.version, "", false, 0}));
  if (announce)
    KONFID_TRY(txn->InsertNoticeRun({row.tenant, row.version, "", false, 0, "announcement"}));
  if (log)
    KONFID_TRY(log->Append(
        *txn, {row.tenant, actor, kPolicyPublishedOp, "version:" + std::to_string(row.version)}));
  return txn->Commit();
}

}  // namespace

Result<ports::PolicyVersionRow> PublishPolicy(ports::Storage& storage, ports::Crypto& crypto,
                                              const ports::PolicyReader& reader,
                                              const domain::TenantPolicy& policy, UnixMicros now,
                                              UnixMicros effective_at, bool short_notice,
                                              const AdminLog* log, const std::string& actor) {
  KONFID_TRY(domain::FirstPolicyError(policy));
  if (effective_at + 60'000'000 < now)
    return Fail(ErrorCode::kInvalidArgument, "the effective time is in the past");
  KONFID_ASSIGN_OR_RETURN(auto latest, LatestVersion(storage, policy.tenant));
  ports::PolicyVersionRow row;
  row.tenant = policy.tenant;
  row.version = latest ? latest->version + 1 : 1;
  row.published_at = now;
  row.effective_at = std::max(effective_at, now);
  row.source = policy.source;
  bool announce = false;
  if (latest) {
    KONFID_ASSIGN_OR_RETURN(announce,
                            CompareWithLatest(reader, *latest, policy, now, short_notice, row));
  }
  text::Stamp stamp{static_cast<int>(row.version), FormatRfc3339(row.effective_at).substr(0, 10)};
  KONFID_ASSIGN_OR_RETURN(Texts texts, RenderAll(crypto, policy, stamp));
  row.text_hash = texts.hash;
  KONFID_TRY(StoreVersion(storage, row, texts, announce, log, actor));
  row.source.clear();
  return row;
}

std::map<std::string, int64_t> EpochsUpTo(const PolicyHistory& history, int64_t version) {
  std::vector<std::pair<int64_t, const domain::TenantPolicy*>> numbered;
  for (const auto& [number, policy] : history)
    if (number <= version) numbered.emplace_back(number, policy.get());
  return domain::ConsentEpochs(numbered);
}

FixedPolicies::FixedPolicies(const std::vector<domain::TenantPolicy>& policies) {
  for (const auto& p : policies) {
    auto active = std::make_shared<ActivePolicy>();
    active->policy = std::make_shared<const domain::TenantPolicy>(p);
    policies_[p.tenant] = std::move(active);
  }
}

std::shared_ptr<const ActivePolicy> FixedPolicies::Current(std::string_view tenant) const {
  auto it = policies_.find(tenant);
  return it == policies_.end() ? nullptr : it->second;
}

PolicyStore::PolicyStore(ports::Storage& storage, ports::Crypto& crypto, ports::Clock& clock,
                         const ports::PolicyReader& reader)
    : storage_(storage), crypto_(crypto), clock_(clock), reader_(reader) {}

PolicyStore::~PolicyStore() = default;

Result<PolicyHistory> PolicyStore::ReadHistory(ports::Transaction& txn, const std::string& tenant,
                                               const std::vector<ports::PolicyVersionRow>& versions,
                                               int64_t up_to) const {
  PolicyHistory history;
  for (const auto& v : versions) {
    if (v.version > up_to) break;
    KONFID_ASSIGN_OR_RETURN(auto row, txn.FindPolicyVersion(tenant, v.version));
    if (!row) return Fail(ErrorCode::kInternal, "policy version vanished");
    KONFID_ASSIGN_OR_RETURN(
        domain::TenantPolicy policy,
        reader_.Read(row->source, tenant + " policy version " + std::to_string(v.version)));
    history.emplace_back(v.version,
                         std::make_shared<const domain::TenantPolicy>(std::move(policy)));
  }
  return history;
}

Result<PolicyHistory> PolicyStore::History(const std::string& tenant, int64_t version) const {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto versions, txn->ListPolicyVersions(tenant));
  return ReadHistory(*txn, tenant, versions, version);
}

Result<std::shared_ptr<const ActivePolicy>> PolicyStore::Load(const std::string& tenant,
                                                              UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto versions, txn->ListPolicyVersions(tenant));
  int64_t in_force = 0;
  for (const auto& v : versions)
    if (v.effective_at <= now) in_force = v.version;
  if (in_force == 0) return std::shared_ptr<const ActivePolicy>();
  {
    std::lock_guard lock(mu_);
    auto it = current_.find(tenant);
    if (it != current_.end() && it->second && it->second->version == in_force) return it->second;
  }
  // Every version up to the one in force: the last is enforced, the history says from which
  // version each purpose's consent must date.
  auto active = std::make_shared<ActivePolicy>();
  KONFID_ASSIGN_OR_RETURN(active->history, ReadHistory(*txn, tenant, versions, in_force));
  active->consent_epochs = EpochsUpTo(active->history, in_force);
  active->policy = active->history.back().second;
  active->version = in_force;
  return std::shared_ptr<const ActivePolicy>(std::move(active));
}

Result<std::vector<std::string>> PolicyStore::Start(
    const std::vector<domain::TenantPolicy>& configured) {
  std::vector<std::string> notes;
  for (const auto& file : configured) {
    std::vector<ports::PolicyVersionRow> versions;
    {
      KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
      KONFID_ASSIGN_OR_RETURN(versions, txn->ListPolicyVersions(file.tenant));
    }
    if (versions.empty()) {
      auto st = PublishPolicy(storage_, crypto_, reader_, file, clock_.Now(), clock_.Now(), false,
                              log_, "system:serve");
      // Another node may have published version 1 at the same moment: that is fine.
      if (!st && st.error().reason() != "policy_version_taken") return Fail(st.error());
      if (st)
        notes.push_back("tenant " + file.tenant +
                        ": published the configured policy as "
                        "version 1");
    }
    KONFID_ASSIGN_OR_RETURN(auto active, Load(file.tenant, clock_.Now()));
    if (!active)  // only versions that take effect later: the file is in force until then
      return Fail(ErrorCode::kUnavailable,
                  "tenant " + file.tenant + " has no policy version in force yet");
    if (!domain::DiffPolicies(*active->policy, file).empty())
      notes.push_back("tenant " + file.tenant +
                      ": the configured policy file differs from "
                      "version " +
                      std::to_string(active->version) +
                      " in force; it applies "
                      "once published (konfid policy diff / publish)");
    std::lock_guard lock(mu_);
    current_[file.tenant] = std::move(active);
  }
  return notes;
}

std::shared_ptr<const ActivePolicy> PolicyStore::Current(std::string_view tenant) const {
  std::lock_guard lock(mu_);
  auto it = current_.find(tenant);
  return it == current_.end() ? nullptr : it->second;
}

std::vector<std::string> PolicyStore::Tenants() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [t, p] : current_) out.push_back(t);
  return out;
}

Result<size_t> PolicyStore::Refresh(UnixMicros now) {
  size_t changed = 0;
  for (const auto& tenant : Tenants()) {
    KONFID_ASSIGN_OR_RETURN(auto active, Load(tenant, now));
    if (!active) continue;
    std::lock_guard lock(mu_);
    auto& current = current_[tenant];
    if (current != active) ++changed;  // Load returns the same pointer for the same version
    current = std::move(active);
  }
  return changed;
}

Result<ports::PolicyVersionRow> PolicyStore::Publish(const domain::TenantPolicy& policy,
                                                     UnixMicros effective_at, bool short_notice,
                                                     const std::string& actor) {
  KONFID_ASSIGN_OR_RETURN(auto row, PublishPolicy(storage_, crypto_, reader_, policy, clock_.Now(),
                                                  effective_at, short_notice, log_, actor));
  KONFID_TRY(Refresh(clock_.Now()));
  return row;
}

}  // namespace konfid::app
