// What the renderers of this folder share: the words of templates/vocabulary.tsv, the compiled
// templates, and the pieces of a policy every document prints the same way (the operator, the
// law, a term, a country, a date), so that the policy and the access reply never word one fact
// in two ways. For text/ only; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/policy.h"
#include "text/policy_text.h"
#include "text/template.h"

namespace konfid::text::internal {

// The word for `key` in `lang`; `fallback` (or the key itself) when the vocabulary has none.
std::string Word(const std::string& key, Lang lang, std::string_view fallback = {});

// templates/<name> rendered with `ctx`; every other template is its partial. A missing
// template is a build defect: std::logic_error.
std::string RenderTemplate(const std::string& name, const Value& ctx);

// templates/<name>.<lang>.txt rendered with `ctx` as an email: its first line is the subject,
// the rest after a blank line the body.
MailText RenderMail(const std::string& name, Lang lang, const Value& ctx);

// templates/<name>.<lang>.html inside page.html: the template's first line is the page's
// title (fixed words), the rest its body.
std::string RenderPage(const std::string& name, const Value& ctx, Lang lang);

const std::string& In(const domain::Localized& text, Lang lang);
std::string Count(int n, const std::string& unit, Lang lang);  // "3 года", "1 year"
std::string RetentionWords(const std::optional<domain::Retention>& r, Lang lang);
// A purpose's term with where it starts ("3 года со дня …"): the vocabulary's
// retention_from.<start> row, its {term} replaced by RetentionWords.
std::string TermWords(const domain::Purpose& purpose, Lang lang);
std::string Country(const std::string& code, Lang lang);
std::string FormatDate(const std::string& ymd, Lang lang);  // Russian: DD.MM.YYYY
// An RFC 3339 time or a YYYY-MM-DD date as the reader sees it ("02.12.2026 10:15 UTC+03:00";
// English keeps the ISO date): members text, and iso for <time datetime>.
Value Moment(const std::string& text, Lang lang);

Value OperatorValue(const domain::Operator& op, Lang lang);
Value JurisdictionValue(const domain::TenantPolicy& p, Lang lang);

}  // namespace konfid::text::internal
