// The email normalizer: what a form's email field and a lookup's ?email= go through before
// the blind index hashes them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/field.h"

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace konfid::domain;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto email = NormalizeEmail(raw);
  if (!email) return 0;
  // One address, one spelling: the normal form is its own normal form, or two spellings of
  // one address could hash to two index entries.
  Require(NormalizeEmail(*email) == email);
  Require(email->size() <= 254 && Utf8Length(*email).has_value());
  Require(email->find('@') != std::string::npos && email->find('@') == email->rfind('@'));
  for (char c : *email) Require(c < 'A' || c > 'Z');
  return 0;
}
