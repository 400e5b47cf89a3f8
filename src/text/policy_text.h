// The texts generated from a tenant's policy: the privacy policy, the consent text of each
// consent-based purpose and the separate consent to publication (152-FZ Art. 10.1), in
// Russian and English, as Markdown or HTML. The words live in templates/ (compiled in);
// this file builds what the templates read. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "domain/policy.h"

namespace konfid::text {

enum class Lang { kRu, kEn };
enum class Format { kMarkdown, kHtml };

std::optional<Lang> ParseLang(std::string_view s);  // "ru", "en"
std::string_view LangName(Lang lang);
std::optional<Format> ParseFormat(std::string_view s);  // "md", "html"
std::string_view FormatName(Format format);
std::string_view MediaType(Format format);  // text/markdown; charset=utf-8, text/html; ...

// A published version's number and the day it takes effect (YYYY-MM-DD), printed in the
// texts; version 0 prints neither.
struct Stamp {
  int version = 0;
  std::string effective_date;
};

// Every document of a policy: "policy", then "consent/<purpose>" for each consent-based
// purpose and "public-consent/<purpose>" for each purpose that publishes data.
std::vector<std::string> DocumentNames(const domain::TenantPolicy& policy);

// Renders one document. NotFound for a name DocumentNames does not list.
Result<std::string> RenderDocument(const domain::TenantPolicy& policy, std::string_view document,
                                   Lang lang, Format format, const Stamp& stamp = {});

// A plain-text email from templates/<name>.<lang>.txt: its first line is the subject, the
// rest after a blank line the body. Values are inserted as they are.
struct MailText {
  std::string subject;
  std::string body;
};
MailText RenderMailText(const std::string& name, Lang lang,
                        const std::vector<std::pair<std::string, std::string>>& values);

// The page behind the link of a policy-change notice (templates/renewal.<lang>.html): the
// form that asks for a decision on each outdated purpose, with nothing pre-selected; the
// answer once decided; or that the link does not work.
struct RenewalPage {
  enum class State { kForm, kDone, kInvalid };
  struct Purpose {
    std::string id;
    std::string name;
    std::string consent_markdown;  // the stored consent text of the version in force
    bool given = false;            // kDone: the decision
  };
  State state = State::kForm;
  std::string operator_name;
  std::string action;  // the form posts here
  int64_t version = 0;
  std::vector<Purpose> purposes;
  std::string policy_url;
};
std::string RenderRenewalPage(const RenewalPage& page, Lang lang);

// The page behind a marketing email's unsubscribe link (templates/unsubscribe.<lang>.html):
// one button that posts the RFC 8058 one-click form back; the answer; or that the link does
// not work.
struct UnsubscribePage {
  enum class State { kForm, kDone, kInvalid };
  State state = State::kForm;
  std::string operator_name;
  std::string action;  // the form posts here
  std::string policy_url;
};
std::string RenderUnsubscribePage(const UnsubscribePage& page, Lang lang);

}  // namespace konfid::text
