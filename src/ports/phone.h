// PhoneNormalizer: turns the ways people write a phone number into one E.164 spelling, so
// that every spelling of one number finds the same subject. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace konfid::ports {

class PhoneNormalizer {
 public:
  virtual ~PhoneNormalizer() = default;
  // "+79123456789" for "8 (912) 345-67-89" with region "RU". InvalidArgument when the text
  // is not a valid number for any region (the error never quotes the number).
  virtual Result<std::string> ToE164(std::string_view raw, std::string_view default_region) = 0;
};

}  // namespace konfid::ports
