// libphonenumber implementation of ports::PhoneNormalizer. Thread-safe: PhoneNumberUtil is
// an immutable singleton after its first use.
#pragma once

#include "ports/phone.h"

namespace konfid::adapters {

class LibPhoneNumberNormalizer final : public ports::PhoneNormalizer {
 public:
  LibPhoneNumberNormalizer();
  Result<std::string> ToE164(std::string_view raw, std::string_view default_region) override;
};

}  // namespace konfid::adapters
