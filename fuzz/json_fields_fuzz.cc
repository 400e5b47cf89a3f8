// The JSON field parser and the field rules behind it: a subject's body ({"fields": {...}})
// parsed as POST/PATCH /v1/subjects parse it, then validated and normalized against the
// example policy's field catalogue, as the vault does before anything is sealed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "adapters/config/toml_config.h"
#include "domain/field.h"
#include "http/bodies.h"

namespace {

using namespace konfid;

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

const domain::FieldCatalogue& Catalogue() {
  static const domain::FieldCatalogue* catalogue = [] {
    auto policy = adapters::ParsePolicyFile(KONFID_SOURCE_DIR "/examples/policy.toml");
    if (!policy) std::abort();
    return new domain::FieldCatalogue(policy->catalogue);
  }();
  return *catalogue;
}

// What validation promises about what it lets through.
void CheckValidated(const domain::ValidatedInput& v) {
  for (const auto& [name, value] : v.set) {
    const domain::FieldSpec* spec = Catalogue().Find(name);
    Require(spec != nullptr);
    auto length = domain::Utf8Length(value);
    Require(length && *length <= spec->max_length);
    if (spec->type == domain::FieldType::kEmail) Require(domain::NormalizeEmail(value) == value);
    if (spec->type == domain::FieldType::kDate) Require(domain::IsValidDate(value));
    // A normalized value is its own normal form: every spelling maps to one blind index.
    auto again = domain::ValidateFieldValue(*spec, value);
    Require(again && *again == value);
  }
  for (const auto& name : v.remove) Require(Catalogue().Find(name) != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  bool update = data[0] & 1;
  http::Request req{update ? http::beast_http::verb::patch : http::beast_http::verb::post, "/", 11};
  req.set(http::beast_http::field::content_type, "application/json");
  req.body().assign(reinterpret_cast<const char*>(data + 1), size - 1);
  auto input = http::ParseFieldsBody(req, update);
  if (!input) return 0;
  auto valid = domain::ValidateFields(
      Catalogue(), *input,
      update ? domain::ValidationMode::kUpdate : domain::ValidationMode::kCreate);
  if (valid) CheckValidated(*valid);
  return 0;
}
