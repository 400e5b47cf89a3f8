#include "text/words.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "text/embedded_templates.h"
#include "text/markdown.h"

namespace konfid::text::internal {

namespace {

// templates/vocabulary.tsv: key, Russian, English.
class Vocabulary {
 public:
  Vocabulary() {
    std::string_view tsv = EmbeddedTemplate("vocabulary.tsv");
    for (size_t pos = 0; pos < tsv.size();) {
      size_t nl = tsv.find('\n', pos);
      if (nl == std::string_view::npos) nl = tsv.size();
      std::string_view line = tsv.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.empty() || line[0] == '#') continue;
      size_t a = line.find('\t'), b = line.find('\t', a + 1);
      if (a == std::string_view::npos || b == std::string_view::npos) continue;
      words_[std::string(line.substr(0, a))] = {std::string(line.substr(a + 1, b - a - 1)),
                                                std::string(line.substr(b + 1))};
    }
  }
  // The word for `key`, or `fallback` when the vocabulary has none.
  std::string Get(const std::string& key, Lang lang, std::string_view fallback = {}) const {
    auto it = words_.find(key);
    if (it == words_.end()) return std::string(fallback.empty() ? std::string_view(key) : fallback);
    return lang == Lang::kRu ? it->second.first : it->second.second;
  }

 private:
  std::map<std::string, std::pair<std::string, std::string>> words_;
};

const Vocabulary& Words() {
  static const Vocabulary v;
  return v;
}

// A template's escaping follows its kind: Markdown values are escaped as Markdown, HTML
// ones as HTML (the library's default), mail text is plain and takes values as they are.
Escaper EscaperFor(const std::string& file) {
  if (file.ends_with(".md")) return EscapeMarkdown;
  if (file.ends_with(".txt")) return [](std::string_view s) { return std::string(s); };
  return {};
}

// Every template of templates/, by file name; each may include another as {{>file}}.
const Partials& AllTemplates() {
  static const Partials all = [] {
    Partials m;
    for (const auto& [file, source] : EmbeddedTemplates()) {
      if (file.ends_with(".tsv")) continue;
      auto t = Template::Parse(source, "templates/" + file, EscaperFor(file));
      // The templates are compiled in and covered by tests: a broken one is a build defect.
      if (!t) throw std::logic_error(t.error().message());
      m.emplace(file, std::move(*t));
    }
    return m;
  }();
  return all;
}

// Russian plural forms: 1 год, 2 года, 5 лет; English: one or many.
std::string PluralKey(int n, Lang lang) {
  if (lang == Lang::kEn) return n == 1 ? "one" : "many";
  int mod10 = n % 10, mod100 = n % 100;
  if (mod10 == 1 && mod100 != 11) return "one";
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return "few";
  return "many";
}

}  // namespace

std::string Word(const std::string& key, Lang lang, std::string_view fallback) {
  return Words().Get(key, lang, fallback);
}

std::string RenderTemplate(const std::string& name, const Value& ctx) {
  auto it = AllTemplates().find(name);
  if (it == AllTemplates().end()) throw std::logic_error("no template " + name);
  return it->second.Render(ctx, AllTemplates());
}

const std::string& In(const domain::Localized& text, Lang lang) {
  return lang == Lang::kRu ? text.ru : text.en;
}

std::string Count(int n, const std::string& unit, Lang lang) {
  return std::to_string(n) + " " + Words().Get("unit." + unit + "." + PluralKey(n, lang), lang);
}

std::string RetentionWords(const std::optional<domain::Retention>& r, Lang lang) {
  if (!r) return "";
  const char* unit = r->unit == domain::Retention::Unit::kDays     ? "day"
                     : r->unit == domain::Retention::Unit::kMonths ? "month"
                                                                   : "year";
  return Count(r->count, unit, lang);
}

std::string TermWords(const domain::Purpose& purpose, Lang lang) {
  std::string term = RetentionWords(purpose.retention, lang);
  std::string pattern =
      Words().Get("retention_from." + std::string(domain::RetentionStart(purpose)), lang, "{term}");
  auto at = pattern.find("{term}");
  return at == std::string::npos ? term + " " + pattern : pattern.replace(at, 6, term);
}

std::string Country(const std::string& code, Lang lang) {
  return Words().Get("country." + code, lang, code);
}

std::string FormatDate(const std::string& ymd, Lang lang) {
  if (lang == Lang::kRu && ymd.size() == 10)
    return ymd.substr(8, 2) + "." + ymd.substr(5, 2) + "." + ymd.substr(0, 4);
  return ymd;
}

// An RFC 3339 time or a YYYY-MM-DD date as the reader sees it ("02.12.2026 10:15 UTC+03:00";
// English keeps the ISO date), with the machine form beside it for <time datetime>.
Value Moment(const std::string& text, Lang lang) {
  Value v;
  v.Set("iso", text);
  if (text.size() < 16 || text[10] != 'T') return v.Set("text", FormatDate(text, lang));
  size_t zone = 16;  // after HH:MM
  if (zone < text.size() && text[zone] == ':') zone += 3;
  if (zone < text.size() && text[zone] == '.')
    for (++zone; zone < text.size() && std::isdigit(static_cast<unsigned char>(text[zone]));)
      ++zone;
  std::string offset = text.substr(std::min(zone, text.size()));
  std::string words = FormatDate(text.substr(0, 10), lang) + " " + text.substr(11, 5);
  if (offset == "Z" || offset == "z" || offset == "+00:00")
    words += " UTC";
  else if (!offset.empty())
    words += " UTC" + offset;
  return v.Set("text", words);
}

Value OperatorValue(const domain::Operator& op, Lang lang) {
  return Value()
      .Set("legal_name", In(op.legal_name, lang))
      .Set("inn", op.inn)
      .Set("ogrn", op.ogrn)
      .Set("address", In(op.address, lang))
      .Set("email", op.email)
      .Set("phone", op.phone)
      .Set("responsible", In(op.responsible, lang));
}

Value JurisdictionValue(const domain::TenantPolicy& p, Lang lang) {
  return Value()
      .Set("law", Words().Get("jurisdiction." + p.jurisdiction, lang))
      .Set("ru_152fz", p.jurisdiction == "ru-152fz")
      .Set("eu_gdpr", p.jurisdiction == "eu-gdpr")
      .Set("ua_2297", p.jurisdiction == "ua-2297");
}

MailText RenderMail(const std::string& name, Lang lang, const Value& ctx) {
  std::string text = RenderTemplate(name + "." + std::string(LangName(lang)) + ".txt", ctx);
  MailText out;
  size_t nl = text.find('\n');
  out.subject = text.substr(0, nl);
  out.body = nl == std::string::npos ? "" : text.substr(nl + 1);
  while (!out.body.empty() && out.body.front() == '\n') out.body.erase(0, 1);
  return out;
}

std::string RenderPage(const std::string& name, const Value& ctx, Lang lang) {
  std::string text = RenderTemplate(name + "." + std::string(LangName(lang)) + ".html", ctx);
  size_t nl = text.find('\n');
  std::string title = text.substr(0, nl);
  Value wrapper;
  wrapper.Set("lang", std::string(LangName(lang)))
      .Set("title", title)
      .Set("body", "<h1>" + EscapeHtml(title) + "</h1>\n" +
                       (nl == std::string::npos ? "" : text.substr(nl + 1)));
  return RenderTemplate("page.html", wrapper);
}

}  // namespace konfid::text::internal
