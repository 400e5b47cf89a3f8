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

Result<std::vector<OverdueCount>> RequestDigest::Overdue(UnixMicros now) {
  std::vector<OverdueCount> out;
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  for (const std::string& tenant : policies_.Tenants()) {
    KONFID_ASSIGN_OR_RETURN(auto counts, requests_.Overdue(*txn, tenant, now));
    for (auto& [kind, n] : counts) out.push_back({tenant, std::move(kind), n});
  }
  return out;
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
  if (rows.empty()) return false;
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
  text::MailText text =
      text::RenderMailText("digest", en ? text::Lang::kEn : text::Lang::kRu,
                           {{"operator", en ? policy->op.legal_name.en : policy->op.legal_name.ru},
                            {"count", std::to_string(total)},
                            {"day", day},
                            {"list", list}});
  ports::OutboxRow message = mail_.NewMessage(tenant, "", "staff:digest", now);
  message.payload = mail_.Payload(message.id, policy->op.email, text.subject, text.body, now);
  KONFID_TRY(txn.InsertOutbox(message));
  domain::AuditEvent e =
      MakeEvent({tenant, "system:digest", Role::kAnalyst}, domain::Operation::kUse, "", {},
                domain::Outcome::kOk, "staff_digest");
  KONFID_TRY(audit.Append(std::move(e)));
  return true;
}

Result<size_t> RequestDigest::RunOnce(UnixMicros now) {
  size_t queued = 0;
  for (const std::string& tenant : policies_.Tenants()) {
    bool done = false;
    auto st = committer_.Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
      KONFID_ASSIGN_OR_RETURN(done, QueueDigest(txn, audit, tenant, now));
      return Ok();
    });
    // Another node marked the day first: its digest is the day's.
    if (!st && st.error().code() != ErrorCode::kConflict) return Fail(st.error());
    queued += done ? 1 : 0;
  }
  return queued;
}

}  // namespace konfid::app
