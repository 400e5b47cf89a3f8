// ICU implementation of ports::TimeZones, over ICU's own copy of the IANA time-zone database
// (not /usr/share/zoneinfo; Debian 12's ICU 72 carries tzdata 2022e, which is current for the
// zones of ru-152fz, ua-2297 and the EU). ICU's headers stay in icu_time_zones.cc.
// Thread-safe: the zones made so far are kept behind one mutex, and ICU is called under it.
#pragma once

#include <memory>

#include "ports/time_zone.h"

namespace konfid::adapters {

class IcuTimeZones final : public ports::TimeZones {
 public:
  IcuTimeZones();
  ~IcuTimeZones() override;
  IcuTimeZones(const IcuTimeZones&) = delete;
  IcuTimeZones& operator=(const IcuTimeZones&) = delete;

  Result<domain::Date> LocalDate(std::string_view zone, UnixMicros at) const override;
  // True for the ids of the IANA database that ICU has, links included ("Europe/Kiev",
  // "UTC"). False for anything else: unknown ids ("Mars/Olympus", which ICU would silently
  // take as its "Etc/Unknown" GMT), ICU's custom offsets ("GMT+3"), and the ids ICU carries
  // that IANA does not (Java's three-letter "IST", "PST", ...; the withdrawn "SystemV/*").
  bool Known(std::string_view zone) const override;

 private:
  class Zones;
  std::unique_ptr<Zones> zones_;
};

}  // namespace konfid::adapters
