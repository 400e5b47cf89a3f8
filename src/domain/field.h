// The field catalogue of a tenant and the rules that validate and normalize values.
//
// Pure functions: no I/O, no clock. Phone numbers are only checked for shape here; turning
// them into E.164 needs libphonenumber and happens behind ports::PhoneNormalizer.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "domain/localized.h"

namespace konfid::domain {

enum class FieldType { kString, kEmail, kPhone, kDate, kEnum };

// "string", "email", ... ; nullopt for an unknown name.
std::optional<FieldType> ParseFieldType(std::string_view name);
std::string_view FieldTypeName(FieldType type);

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  size_t max_length = 256;          // in Unicode code points
  bool lookup = false;              // kept in a blind index, unique per tenant
  std::vector<std::string> values;  // allowed values of an enum
  Localized label;                  // as the published texts name it
  std::string category;             // id of the policy's data category
  bool is_public = false;           // may be made public with the subject's Art. 10.1 consent
  // Names a person by itself (a surname, a taxpayer number, a passport's): never a
  // quasi-identifier of a depersonalized export. Blind-indexed fields, emails and phone
  // numbers identify a person whatever this says.
  bool identifies = false;
  // Where its values come from, as the access reply tells (152-FZ Art. 14(7)(5)): "subject"
  // (the subject gave them), "operator" (the operator made them, e.g. an order number) or
  // "third_party" (received from the one `source_name` names).
  std::string source = "subject";
  Localized source_name;
  // Why a third party's values need no notice to the subject (152-FZ Art. 18(4)); empty: they
  // are noticed (app/source_notices.h). One of kNoticeExemptions.
  std::string notice_exempt;
  int line = 0;  // in the policy file
};

// The exemptions of 152-FZ Art. 18(4) from the notice of Art. 18(3), in its order: the
// operator told the subject of the processing already (1); the data came under a federal law
// or a contract the subject is a party to, a beneficiary or a guarantor of (2); the subject
// allowed the data to be disseminated, and Art. 10.1 is kept (3); the processing is for
// statistics or research, journalism, or scientific, literary or other creative work, without
// harm to the subject's rights (4); telling the subject would harm the rights of others (5).
inline constexpr const char* kNoticeExemptions[] = {
    "already_notified", "law_or_contract", "made_public", "research", "third_party_rights"};

// Values as they arrive: a field name and its value, or nullopt to remove it (PATCH only).
using FieldInput = std::vector<std::pair<std::string, std::optional<std::string>>>;
// Validated, normalized values ordered by field name.
using FieldValues = std::map<std::string, std::string>;

class FieldCatalogue {
 public:
  explicit FieldCatalogue(std::vector<FieldSpec> fields);
  const FieldSpec* Find(std::string_view name) const;
  const std::vector<FieldSpec>& fields() const { return fields_; }

 private:
  std::vector<FieldSpec> fields_;
};

enum class ValidationMode { kCreate, kUpdate };

struct ValidatedInput {
  FieldValues set;                  // fields to write, normalized
  std::vector<std::string> remove;  // fields to remove (update only)
};

// Checks every value against the catalogue. On success returns normalized values
// (emails case-folded, strings trimmed). Phone values keep their spelling for the
// normalizer. Errors name the field and the rule, never the value.
Result<ValidatedInput> ValidateFields(const FieldCatalogue& catalogue, const FieldInput& input,
                                      ValidationMode mode);

// Checks and normalizes one value against its field's rules (what ValidateFields does for
// each field).
Result<std::string> ValidateFieldValue(const FieldSpec& spec, std::string_view raw);

// Case-folds and checks an email address; nullopt when it is not one.
std::optional<std::string> NormalizeEmail(std::string_view raw);
// True for YYYY-MM-DD naming a real calendar date.
bool IsValidDate(std::string_view value);
// Counts code points; nullopt for invalid UTF-8.
std::optional<size_t> Utf8Length(std::string_view s);

}  // namespace konfid::domain
