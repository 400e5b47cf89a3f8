#include "adapters/phone/libphonenumber_normalizer.h"

#include <phonenumbers/phonenumberutil.h>

namespace konfid::adapters {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

LibPhoneNumberNormalizer::LibPhoneNumberNormalizer() {
  (void)PhoneNumberUtil::GetInstance();  // build the metadata once, before threads race for it
}

Result<std::string> LibPhoneNumberNormalizer::ToE164(std::string_view raw,
                                                     std::string_view default_region) {
  auto* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  auto invalid = [] {
    return Fail(Error(ErrorCode::kInvalidArgument, "field 'phone' is not a valid phone number")
                    .WithReason("invalid_phone"));
  };
  if (util->Parse(std::string(raw), std::string(default_region), &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR)
    return invalid();
  if (!util->IsValidNumber(number)) return invalid();
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  // The E.164 form must read back as itself, or one number would have two index entries. A
  // few numbers are valid only as dialled at home, and their E.164 form is no number at all:
  // Belarus's 8-10 toll-free ones, "8 810 123 4567" in BY (found by fuzz/phone_fuzz.cc).
  PhoneNumber again;
  std::string check;
  if (util->Parse(out, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util->IsValidNumber(again))
    return invalid();
  util->Format(again, PhoneNumberUtil::E164, &check);
  if (check != out) return invalid();
  return out;
}

}  // namespace konfid::adapters
