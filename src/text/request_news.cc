#include "text/request_news.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "domain/deadlines.h"
#include "domain/requests.h"
#include "text/words.h"

namespace konfid::text {

using internal::FormatDate;
using internal::In;
using internal::Word;

namespace {

// What an erasure kept: the field's label, the purpose's name and the last day, one a field.
Value::List KeptList(const domain::TenantPolicy& policy, const std::vector<RequestNews::Kept>& kept,
                     Lang lang) {
  Value::List out;
  for (const auto& k : kept) {
    const domain::FieldSpec* spec = policy.catalogue.Find(k.field);
    const domain::Purpose* purpose = policy.FindPurpose(k.purpose);
    out.push_back(Value()
                      .Set("field", spec ? In(spec->label, lang) : k.field)
                      .Set("purpose", purpose ? In(purpose->name, lang) : k.purpose)
                      .Set("until", k.until.empty() ? "" : FormatDate(k.until, lang)));
  }
  return out;
}

}  // namespace

Result<MailText> RenderRequestNews(const domain::TenantPolicy& policy, const RequestNews& news,
                                   Lang lang) {
  if (news.state != "received" && news.state != "extended" && news.state != "done" &&
      news.state != "refused")
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "a subject is told of a request received, extended, done or refused")
                    .WithReason("invalid_value"));
  if (!domain::ParseRequestKind(news.kind))
    return Fail(Error(ErrorCode::kInvalidArgument, "a request of an unknown kind")
                    .WithReason("invalid_value"));
  // A section of the template shows only when its key is present.
  std::vector<std::pair<std::string, std::string>> values = {
      {"operator", In(policy.op.legal_name, lang)},
      {"kind", Word("request.kind." + news.kind, lang, news.kind)},
      {"id", news.id},
      {"received_on", FormatDate(news.received_on, lang)},
      {"contact", policy.op.email},
      {"policy_url", policy.publication.url},
      {news.state, "yes"},
      {"kind_" + news.kind, "yes"}};
  if (!news.due_on.empty()) values.emplace_back("due_on", FormatDate(news.due_on, lang));
  if (!news.closed_on.empty()) values.emplace_back("closed_on", FormatDate(news.closed_on, lang));
  if (!news.reason.empty()) values.emplace_back("reason", news.reason);
  if (!news.ground.empty()) values.emplace_back("ground", news.ground);
  // A stop_processing done stops the purposes on legitimate interest too where the law says so.
  if (news.kind == "stop_processing" && domain::StopCoversLegitimateInterest(policy.jurisdiction) &&
      std::any_of(policy.purposes.begin(), policy.purposes.end(),
                  [](const domain::Purpose& p) { return p.ground == "legitimate_interest"; }))
    values.emplace_back("legitimate_interest_stopped", "yes");
  if (domain::ParseRequestChannel(news.channel))
    values.emplace_back("channel_" + news.channel, "yes");
  values.emplace_back(policy.jurisdiction == "eu-gdpr"   ? "eu"
                      : policy.jurisdiction == "ua-2297" ? "ua"
                                                         : "ru",
                      "yes");
  Value ctx;
  for (const auto& [k, v] : values) ctx.Set(k, v);
  if (!news.kept.empty()) ctx.Set("kept", KeptList(policy, news.kept, lang)).Set("has_kept", true);
  return internal::RenderMail("request-update", lang, ctx);
}

}  // namespace konfid::text
