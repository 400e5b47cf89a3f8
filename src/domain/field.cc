#include "domain/field.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace konfid::domain {

std::optional<FieldType> ParseFieldType(std::string_view name) {
  if (name == "string") return FieldType::kString;
  if (name == "email") return FieldType::kEmail;
  if (name == "phone") return FieldType::kPhone;
  if (name == "date") return FieldType::kDate;
  if (name == "enum") return FieldType::kEnum;
  return std::nullopt;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kEmail:
      return "email";
    case FieldType::kPhone:
      return "phone";
    case FieldType::kDate:
      return "date";
    case FieldType::kEnum:
      return "enum";
  }
  return "string";
}

FieldCatalogue::FieldCatalogue(std::vector<FieldSpec> fields) : fields_(std::move(fields)) {}

const FieldSpec* FieldCatalogue::Find(std::string_view name) const {
  for (const auto& f : fields_)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<size_t> Utf8Length(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
    if (len == 2 && c < 0xc2) return std::nullopt;  // overlong
    i += len;
    ++count;
  }
  return count;
}

static std::string_view Trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

static bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::optional<std::string> NormalizeEmail(std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.empty() || s.size() > 254) return std::nullopt;
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != s.npos)
    return std::nullopt;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  for (char c : local) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' ||
        c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == '"')
      return std::nullopt;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != local.npos)
    return std::nullopt;
  if (domain.empty() || domain.find('.') == domain.npos) return std::nullopt;
  size_t label_start = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      size_t len = i - label_start;
      if (len == 0 || len > 63 || domain[label_start] == '-' || domain[i - 1] == '-')
        return std::nullopt;
      label_start = i + 1;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(domain[i]);
    bool ok = std::isalnum(c) || c == '-' || c >= 0x80;  // >= 0x80: internationalized names
    if (!ok) return std::nullopt;
  }
  if (!Utf8Length(s)) return std::nullopt;
  std::string out(s);
  // Case-fold ASCII letters: providers treat the local part case-insensitively in practice,
  // and a blind index must map every spelling of one address to one hash.
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool IsValidDate(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (v[i] < '0' || v[i] > '9') return false;
  int y = std::stoi(std::string(v.substr(0, 4)));
  int m = std::stoi(std::string(v.substr(5, 2)));
  int d = std::stoi(std::string(v.substr(8, 2)));
  if (y < 1850 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

static bool IsPhoneShaped(std::string_view v) {
  int digits = 0;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.')) {
      return false;
    }
  }
  return digits >= 5 && digits <= 17;
}

static Error FieldError(const std::string& field, std::string what, std::string reason) {
  Error e(ErrorCode::kInvalidArgument, "field '" + field + "' " + what);
  e.WithReason(std::move(reason));
  return e;
}

Result<std::string> ValidateFieldValue(const FieldSpec& spec, std::string_view raw) {
  auto length = Utf8Length(raw);
  if (!length) return Fail(FieldError(spec.name, "is not valid UTF-8", "invalid_value"));
  if (HasControlChars(raw))
    return Fail(FieldError(spec.name, "contains control characters", "invalid_value"));
  std::string_view v = Trim(raw);
  if (v.empty()) return Fail(FieldError(spec.name, "is empty", "invalid_value"));
  if (*Utf8Length(v) > spec.max_length)
    return Fail(FieldError(spec.name,
                           "is longer than " + std::to_string(spec.max_length) + " characters",
                           "too_long"));
  switch (spec.type) {
    case FieldType::kString:
      return std::string(v);
    case FieldType::kEmail: {
      auto email = NormalizeEmail(v);
      if (!email)
        return Fail(FieldError(spec.name, "is not a valid email address", "invalid_email"));
      return *email;
    }
    case FieldType::kPhone:
      if (!IsPhoneShaped(v))
        return Fail(FieldError(spec.name, "is not a valid phone number", "invalid_phone"));
      return std::string(v);
    case FieldType::kDate:
      if (!IsValidDate(v))
        return Fail(FieldError(spec.name, "is not a valid date (YYYY-MM-DD)", "invalid_date"));
      return std::string(v);
    case FieldType::kEnum:
      if (std::find(spec.values.begin(), spec.values.end(), v) == spec.values.end())
        return Fail(FieldError(spec.name, "is not one of the allowed values", "invalid_value"));
      return std::string(v);
  }
  return Fail(ErrorCode::kInternal, "unknown field type");
}

Result<ValidatedInput> ValidateFields(const FieldCatalogue& catalogue, const FieldInput& input,
                                      ValidationMode mode) {
  ValidatedInput out;
  std::set<std::string> seen;
  for (const auto& [name, value] : input) {
    const FieldSpec* spec = catalogue.Find(name);
    if (spec == nullptr) {
      // The name comes from the client's own JSON key, not a value; cap it to keep errors short.
      std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
      return Fail(Error(ErrorCode::kInvalidArgument, "unknown field '" + shown + "'")
                      .WithReason("unknown_field"));
    }
    if (!seen.insert(name).second)
      return Fail(FieldError(name, "is given twice", "duplicate_field"));
    if (!value) {
      if (mode == ValidationMode::kCreate)
        return Fail(FieldError(name, "is null", "invalid_value"));
      if (spec->required)
        return Fail(FieldError(name, "is required and cannot be removed", "required_field"));
      out.remove.push_back(name);
      continue;
    }
    KONFID_ASSIGN_OR_RETURN(std::string normalized, ValidateFieldValue(*spec, *value));
    out.set.emplace(name, std::move(normalized));
  }
  if (mode == ValidationMode::kCreate) {
    for (const auto& spec : catalogue.fields())
      if (spec.required && !out.set.contains(spec.name))
        return Fail(FieldError(spec.name, "is required", "required_field"));
  }
  return out;
}

}  // namespace konfid::domain
