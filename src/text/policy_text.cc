#include "text/policy_text.h"

#include <algorithm>
#include <map>

#include "text/markdown.h"
#include "text/template.h"
#include "text/words.h"

namespace konfid::text {

namespace {

using domain::TenantPolicy;
using internal::Count;
using internal::Country;
using internal::FormatDate;
using internal::In;
using internal::JurisdictionValue;
using internal::OperatorValue;
using internal::RenderPage;
using internal::RenderTemplate;
using internal::RetentionWords;
using internal::Word;

Value Items(const std::vector<std::string>& keys, const std::string& prefix, Lang lang) {
  Value::List list;
  for (const auto& k : keys)
    list.push_back(Value().Set("text", Word(prefix + k, lang)).Set("is_" + k, true));
  return list;
}

Value FieldList(const TenantPolicy& p, const std::vector<std::string>& names, Lang lang,
                bool only_public = false) {
  Value::List list;
  for (const auto& name : names) {
    const domain::FieldSpec* f = p.catalogue.Find(name);
    if (!f || (only_public && !f->is_public)) continue;
    list.push_back(Value()
                       .Set("label", In(f->label, lang).empty() ? f->name : In(f->label, lang))
                       .Set("required", f->required)
                       .Set("public", f->is_public));
  }
  return list;
}

Value RecipientValue(const TenantPolicy& p, const domain::Recipient& r, Lang lang) {
  Value::List purposes;
  for (const auto& id : r.purposes)
    if (const domain::Purpose* pur = p.FindPurpose(id))
      purposes.push_back(Value().Set("name", In(pur->name, lang)));
  return Value()
      .Set("name", In(r.name, lang))
      .Set("address", In(r.address, lang))
      .Set("country", Country(r.country, lang))
      .Set("role", Word("role." + r.role, lang))
      .Set("processor", r.role == "processor")
      .Set("purposes", std::move(purposes))
      .Set("fields", FieldList(p, r.fields, lang))
      .Set("ground", Word("ground." + r.ground + "." + p.jurisdiction, lang))
      .Set("cross_border", r.cross_border);
}

Value PurposeValue(const TenantPolicy& p, const domain::Purpose& pur, size_t index, Lang lang) {
  Value::List recipients;
  for (const auto& r : p.recipients)
    if (std::find(r.purposes.begin(), r.purposes.end(), pur.id) != r.purposes.end())
      recipients.push_back(RecipientValue(p, r, lang));
  return Value()
      .Set("index", std::to_string(index + 1))
      .Set("id", pur.id)
      .Set("name", In(pur.name, lang))
      .Set("description", In(pur.description, lang))
      .Set("ground", Word("ground." + pur.ground + "." + p.jurisdiction, lang))
      .Set("consent", pur.ground == "consent")
      .Set("fields", FieldList(p, pur.fields, lang))
      .Set("public_fields", FieldList(p, pur.fields, lang, true))
      .Set("actions", Items(pur.actions, "action.", lang))
      .Set("methods", Word("methods." + pur.methods, lang))
      .Set("retention", RetentionWords(pur.retention, lang))
      .Set("term", internal::TermWords(pur, lang))
      .Set("on_expiry", Word("on_expiry." + pur.on_expiry, lang))
      .Set("marketing", pur.marketing)
      .Set("channels", Items(pur.channels, "channel.", lang))
      .Set("withdrawal", Items(pur.withdrawal, "withdrawal.", lang))
      .Set("publishes", pur.publishes)
      .Set("published_where", In(pur.published_where, lang))
      .Set("recipients", std::move(recipients));
}

Value PublicationValue(const TenantPolicy& p, Lang lang) {
  return Value()
      .Set("url", p.publication.url)
      .Set("notice", Items(p.publication.notice, "notice.", lang))
      .Set("notice_days", Count(p.publication.notice_days, "day", lang));
}

// Every purpose, those that need consent, those published, and whether any is withdrawn
// in the cabinet.
void SetPurposes(Value& ctx, const TenantPolicy& p, Lang lang) {
  Value::List purposes, consent_purposes, public_purposes;
  bool has_cabinet = false;
  for (size_t i = 0; i < p.purposes.size(); ++i) {
    const domain::Purpose& pur = p.purposes[i];
    Value v = PurposeValue(p, pur, i, lang);
    if (pur.ground == "consent") consent_purposes.push_back(v);
    if (pur.publishes) public_purposes.push_back(v);
    if (std::find(pur.withdrawal.begin(), pur.withdrawal.end(), "cabinet") != pur.withdrawal.end())
      has_cabinet = true;
    purposes.push_back(std::move(v));
  }
  ctx.Set("purposes", std::move(purposes));
  ctx.Set("consent_purposes", std::move(consent_purposes));
  if (!public_purposes.empty())
    ctx.Set("public_purposes", Value().Set("list", std::move(public_purposes)));
  ctx.Set("has_cabinet", has_cabinet);
}

// The fields of category `id` ("" for none) that some purpose processes.
std::vector<std::string> CategoryFields(const TenantPolicy& p, const std::string& id) {
  std::vector<std::string> names;
  for (const auto& f : p.catalogue.fields())
    if (f.category == id && p.FieldHasPurpose(f.name)) names.push_back(f.name);
  return names;
}

// The categories of data processed, those without one last, and whether any is special.
void SetCategories(Value& ctx, const TenantPolicy& p, Lang lang) {
  Value::List categories;
  bool has_special = false;
  for (const auto& c : p.categories) {
    auto names = CategoryFields(p, c.id);
    if (names.empty()) continue;
    has_special = has_special || c.special;
    categories.push_back(Value()
                             .Set("name", In(c.name, lang))
                             .Set("special", c.special)
                             .Set("fields", FieldList(p, names, lang)));
  }
  if (auto names = CategoryFields(p, ""); !names.empty())
    categories.push_back(Value()
                             .Set("name", lang == Lang::kRu ? "Прочие данные" : "Other data")
                             .Set("fields", FieldList(p, names, lang)));
  ctx.Set("categories", std::move(categories));
  ctx.Set("has_special", has_special);
}

// Every recipient, and those abroad again on their own.
void SetRecipients(Value& ctx, const TenantPolicy& p, Lang lang) {
  Value::List recipients, abroad;
  for (const auto& r : p.recipients) {
    recipients.push_back(RecipientValue(p, r, lang));
    if (r.cross_border) abroad.push_back(RecipientValue(p, r, lang));
  }
  ctx.Set("recipients", std::move(recipients));
  if (!abroad.empty()) ctx.Set("cross_border", Value().Set("list", std::move(abroad)));
}

// The cookies of one category.
Value::List CookieItems(const TenantPolicy& p, const std::string& category, Lang lang) {
  Value::List items;
  for (const auto& c : p.cookies) {
    if (c.category != category) continue;
    std::string retention = c.retention == "session"
                                ? Word("cookie.session", lang)
                                : RetentionWords(domain::ParseRetention(c.retention), lang);
    items.push_back(Value()
                        .Set("service", c.service)
                        .Set("provider", c.provider)
                        .Set("purpose", In(c.purpose, lang))
                        .Set("retention", retention));
  }
  return items;
}

// The cookies by category, in a fixed order; categories with none are left out.
Value::List CookieGroups(const TenantPolicy& p, Lang lang) {
  Value::List cookies;
  for (const std::string cat : {"necessary", "functional", "analytics", "marketing"}) {
    Value::List items = CookieItems(p, cat, lang);
    if (items.empty()) continue;
    cookies.push_back(Value()
                          .Set("category", Word("cookie." + cat, lang))
                          .Set("needs_consent", cat == "analytics" || cat == "marketing")
                          .Set("items", std::move(items)));
  }
  return cookies;
}

// What the templates see: one value per part of the policy, in the words of `lang`.
Value Context(const TenantPolicy& p, Lang lang, const Stamp& stamp) {
  Value ctx;
  ctx.Set("lang", std::string(LangName(lang)));
  if (stamp.version > 0)
    ctx.Set("version", Value()
                           .Set("number", std::to_string(stamp.version))
                           .Set("effective", FormatDate(stamp.effective_date, lang)));
  ctx.Set("operator", OperatorValue(p.op, lang));
  ctx.Set("jurisdiction", JurisdictionValue(p, lang));
  ctx.Set("storage_country", Country(p.storage_country, lang));
  ctx.Set("publication", PublicationValue(p, lang));
  SetPurposes(ctx, p, lang);
  SetCategories(ctx, p, lang);
  SetRecipients(ctx, p, lang);
  ctx.Set("cookies", CookieGroups(p, lang));
  return ctx;
}

std::string FirstHeading(std::string_view md) {
  size_t a = md.find("# ");
  if (a == std::string_view::npos) return "";
  size_t nl = md.find('\n', a);
  return std::string(md.substr(a + 2, nl == std::string_view::npos ? nl : nl - a - 2));
}

}  // namespace

std::optional<Lang> ParseLang(std::string_view s) {
  if (s == "ru") return Lang::kRu;
  if (s == "en") return Lang::kEn;
  return std::nullopt;
}
std::string_view LangName(Lang lang) { return lang == Lang::kRu ? "ru" : "en"; }
std::optional<Format> ParseFormat(std::string_view s) {
  if (s == "md" || s == "markdown") return Format::kMarkdown;
  if (s == "html") return Format::kHtml;
  return std::nullopt;
}
std::string_view FormatName(Format f) { return f == Format::kMarkdown ? "md" : "html"; }
std::string_view MediaType(Format f) {
  return f == Format::kMarkdown ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8";
}

std::vector<std::string> DocumentNames(const TenantPolicy& p) {
  std::vector<std::string> out{"policy"};
  for (const auto& pur : p.purposes)
    if (pur.ground == "consent") out.push_back("consent/" + pur.id);
  for (const auto& pur : p.purposes)
    if (pur.publishes) out.push_back("public-consent/" + pur.id);
  return out;
}

Result<std::string> RenderDocument(const TenantPolicy& p, std::string_view document, Lang lang,
                                   Format format, const Stamp& stamp) {
  auto names = DocumentNames(p);
  if (std::find(names.begin(), names.end(), document) == names.end())
    return Fail(ErrorCode::kNotFound, "the policy has no document '" + std::string(document) + "'");
  Value ctx = Context(p, lang, stamp);
  std::string kind(document.substr(0, document.find('/')));
  if (kind != "policy") {
    std::string id(document.substr(kind.size() + 1));
    for (size_t i = 0; i < p.purposes.size(); ++i)
      if (p.purposes[i].id == id) ctx.Set("purpose", PurposeValue(p, p.purposes[i], i, lang));
  }
  std::string name = kind + "." + std::string(LangName(lang)) + ".md";
  std::string md = RenderTemplate(name, ctx);
  if (format == Format::kMarkdown) return CleanMarkdown(md);
  Value page;
  page.Set("lang", std::string(LangName(lang)))
      .Set("title", FirstHeading(CleanMarkdown(md)))
      .Set("body", MarkdownToHtml(md));
  return RenderTemplate("page.html", page);
}

std::string RenderRenewalPage(const RenewalPage& page, Lang lang) {
  Value::List purposes;
  for (const auto& p : page.purposes) {
    Value v;
    v.Set("id", p.id).Set("name", p.name).Set("given", p.given);
    v.Set("consent", MarkdownToHtml(p.consent_markdown));
    purposes.emplace_back(std::move(v));
  }
  Value ctx;
  ctx.Set("form", page.state == RenewalPage::State::kForm)
      .Set("done", page.state == RenewalPage::State::kDone)
      .Set("invalid", page.state == RenewalPage::State::kInvalid)
      .Set("operator", page.operator_name)
      .Set("action", page.action)
      .Set("version", std::to_string(page.version))
      .Set("purposes", std::move(purposes))
      .Set("policy_url", page.policy_url);
  return RenderPage("renewal", ctx, lang);
}

std::string RenderUnsubscribePage(const UnsubscribePage& page, Lang lang) {
  Value ctx;
  ctx.Set("form", page.state == UnsubscribePage::State::kForm)
      .Set("done", page.state == UnsubscribePage::State::kDone)
      .Set("invalid", page.state == UnsubscribePage::State::kInvalid)
      .Set("operator", page.operator_name)
      .Set("action", page.action)
      .Set("policy_url", page.policy_url);
  return RenderPage("unsubscribe", ctx, lang);
}

MailText RenderMailText(const std::string& name, Lang lang,
                        const std::vector<std::pair<std::string, std::string>>& values) {
  Value ctx;
  for (const auto& [k, v] : values) ctx.Set(k, v);
  return internal::RenderMail(name, lang, ctx);
}

}  // namespace konfid::text
