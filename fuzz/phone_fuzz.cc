// The phone normalizer: the field's shape check, then libphonenumber's parse to E.164 with a
// tenant's default region, as a form's phone and a lookup's ?phone= go.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/phone/libphonenumber_normalizer.h"
#include "domain/field.h"

namespace {

using namespace konfid;

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adapters::LibPhoneNumberNormalizer normalizer;
  static const char* const kRegions[] = {"RU", "KZ", "BY", "US", "DE", "GB", "IT", "ZZ"};
  if (size < 1) return 0;
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  domain::FieldSpec spec{.name = "phone", .type = domain::FieldType::kPhone};
  auto shaped = domain::ValidateFieldValue(spec, raw);
  auto e164 = normalizer.ToE164(shaped ? *shaped : std::string(raw), kRegions[data[0] & 7]);
  if (!e164) return 0;
  // '+', a country code of up to 3 digits and up to 17 national ones: libphonenumber accepts
  // longer numbers than E.164's 15 digits (some German ones, seed de_long_number).
  Require(e164->size() >= 3 && e164->size() <= 21 && (*e164)[0] == '+');
  for (char c : e164->substr(1)) Require(c >= '0' && c <= '9');
  // The E.164 form reads back as itself in any region: one number, one index entry.
  auto again = normalizer.ToE164(*e164, "ZZ");
  Require(again && *again == *e164);
  return 0;
}
