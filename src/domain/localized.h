// A text in the two languages visitors read: Russian and English.
#pragma once

#include <string>

namespace konfid::domain {

struct Localized {
  std::string ru;
  std::string en;
  bool empty() const { return ru.empty() && en.empty(); }
  bool operator==(const Localized&) const = default;
};

}  // namespace konfid::domain
