#include "app/request_digest.h"

#include "core/encoding.h"

namespace konfid::app {

namespace {

constexpr size_t kListed = 200;  // requests named in one digest; the count covers the rest

std::string DigestLine(const ports::RequestRow& r, bool en) {
  auto kind = domain::ParseRequestKind(r.kind);
  std::string what = kind ? std::string(domain::RequestKindName(*kind)) : r.kind;
  return "- " + r.id + " (" + what + ", " + (en ? "due " : "срок — ") + r.due_on + ")\n";
}

}  // namespace

std::vector<TenantRequestTerms> RequestDigest::Terms(UnixMicros now) {
  std::vector<TenantRequestTerms> out;
  for (const std::string& tenant : policies_.Tenants()) {
    TenantRequestTerms terms{.tenant = tenant};
    if (auto st = CountTerms(tenant, now, terms); !st)
      terms = {.tenant = tenant, .error = st.error()};
    out.push_back(std::move(terms));
  }
  return out;
}

Status RequestDigest::CountTerms(const std::string& tenant, UnixMicros now,
                                 TenantRequestTerms& terms) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto counts, requests_.Overdue(*txn, tenant, now));
  for (domain::RequestKind kind : domain::kRequestKinds) {
    std::string name(domain::RequestKindName(kind));
    uint64_t n = 0;
    for (const auto& [k, count] : counts)
      if (k == name) n = count;
    terms.overdue.emplace_back(std::move(name), n);
  }
  KONFID_ASSIGN_OR_RETURN(terms.without_term, txn->CountRequestsWithoutTerm(tenant));
  return Ok();
}

Result<bool> RequestDigest::QueueDigest(ports::Transaction& txn, AuditWriter& audit,
                                        const std::string& tenant, UnixMicros now) {
  auto policy = policies_.Policy(tenant);
  if (!policy || policy->op.email.empty()) return false;
  KONFID_ASSIGN_OR_RETURN(domain::Date today, requests_.LocalDay(*policy, now));
  std::string day = FormatIsoDate(today);
  ports::RequestFilter filter;
  filter.due_before = day;
  filter.limit = kListed + 1;
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListRequests(tenant, filter));
  KONFID_ASSIGN_OR_RETURN(uint64_t without_term, txn.CountRequestsWithoutTerm(tenant));
  if (rows.empty() && without_term == 0) return false;
  // The day's mark: a second digest today (this node's or another's) is a conflict.
  ports::TokenRow mark{tenant,
                       crypto_.Sha256(AsBytes("konfid-digest\n" + tenant + "\n" + day)),
                       "",
                       "staff_digest",
                       "",
                       now,
                       now + 2 * kMicrosPerDay,
                       now};
  KONFID_ASSIGN_OR_RETURN(auto sent, txn.FindToken(tenant, mark.hash));
  if (sent) return false;
  KONFID_TRY(txn.InsertToken(mark));
  KONFID_ASSIGN_OR_RETURN(auto counts, txn.CountOverdueRequests(tenant, day));
  uint64_t total = 0;
  for (const auto& [kind, n] : counts) total += n;
  bool en = policy->jurisdiction == "eu-gdpr";
  std::string list;
  for (size_t i = 0; i < rows.size() && i < kListed; ++i) list += DigestLine(rows[i], en);
  std::vector<std::pair<std::string, std::string>> values = {
      {"operator", en ? policy->op.legal_name.en : policy->op.legal_name.ru},
      {"count", std::to_string(total)},
      {"day", day},
      {"list", list}};
  // A section of the template shows only when its key is present.
  if (!rows.empty()) values.emplace_back("overdue", "yes");
  if (without_term > 0) values.emplace_back("without_term", std::to_string(without_term));
  text::MailText text =
      text::RenderMailText("digest", en ? text::Lang::kEn : text::Lang::kRu, values);
  ports::OutboxRow message = mail_.NewMessage(tenant, "", "staff:digest", now);
  message.payload = mail_.Payload(message.id, policy->op.email, text.subject, text.body, now);
  KONFID_TRY(txn.InsertOutbox(message));
  domain::AuditEvent e =
      MakeEvent({tenant, "system:digest", Role::kAnalyst}, domain::Operation::kUse, "", {},
                domain::Outcome::kOk, "staff_digest");
  KONFID_TRY(audit.Append(std::move(e)));
  return true;
}

Result<DigestPass> RequestDigest::RunOnce(UnixMicros now) {
  DigestPass pass;
  std::optional<Error> first_failure;
  for (const std::string& tenant : policies_.Tenants()) {
    bool done = false;
    size_t terms = 0;
    auto st = committer_.Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
      KONFID_ASSIGN_OR_RETURN(terms, requests_.FillTerms(txn, tenant, now));
      KONFID_ASSIGN_OR_RETURN(done, QueueDigest(txn, audit, tenant, now));
      return Ok();
    });
    // Another node marked the day first: its digest is the day's.
    if (!st && st.error().code() != ErrorCode::kConflict && !first_failure)
      first_failure = st.error();
    pass.queued += st && done ? 1 : 0;
    pass.terms += st ? terms : 0;
  }
  if (first_failure) return Fail(*first_failure);
  return pass;
}

}  // namespace konfid::app
