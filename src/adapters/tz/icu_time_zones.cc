#include "adapters/tz/icu_time_zones.h"

#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <array>
#include <map>
#include <mutex>
#include <string>

namespace konfid::adapters {

namespace {

// System ids of ICU 72 that the IANA database (2025b) does not have: Java's legacy
// three-letter ids, which ICU keeps for compatibility, and ids IANA has withdrawn. Found by
// comparing TimeZone::createTimeZoneIDEnumeration with tzdata.zi's zones and links.
constexpr std::array<std::string_view, 25> kJavaIds = {
    "ACT", "AET", "AGT", "ART", "AST", "BET", "BST", "CAT", "CNT", "CST", "CTT", "EAT", "ECT",
    "IET", "IST", "JST", "MIT", "NET", "NST", "PLT", "PNT", "PRT", "PST", "SST", "VST"};

bool IsIanaId(std::string_view zone) {
  if (zone.starts_with("SystemV/") || zone == "Canada/East-Saskatchewan" ||
      zone == "US/Pacific-New")
    return false;
  for (std::string_view id : kJavaIds)
    if (zone == id) return false;
  return true;
}

// The zone ICU's database names `zone`, or nullptr. createTimeZone itself never fails: for an
// id it does not know it returns a GMT zone named "Etc/Unknown", and it parses "GMT+3" as a
// custom zone. getCanonicalID says whether the id is one of the database's.
std::unique_ptr<icu::TimeZone> Create(std::string_view zone) {
  if (zone.empty() || !IsIanaId(zone)) return nullptr;
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(
      icu::StringPiece(zone.data(), static_cast<int32_t>(zone.size())));
  icu::UnicodeString canonical;
  UBool system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(id, canonical, system, status);
  const icu::UnicodeString unknown(UCAL_UNKNOWN_ZONE_ID);
  if (U_FAILURE(status) || !system || canonical == unknown) return nullptr;
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString made;
  if (!tz || tz->getID(made) == unknown) return nullptr;
  return tz;
}

// Rounds towards minus infinity, so that a moment before 1970 falls in the day it is in.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// A zone id is configuration, not personal data: the message may name it.
Error UnknownZone(std::string_view zone) {
  return Error(ErrorCode::kInvalidArgument, "unknown time zone '" + std::string(zone) + "'")
      .WithReason("unknown_time_zone");
}

}  // namespace

class IcuTimeZones::Zones {
 public:
  // The zone named `zone`, made once; nullptr when it is not known. Only known zones are
  // kept, so the map is bounded by the database (about 600 ids) whatever callers ask.
  const icu::TimeZone* Find(std::string_view zone) {
    auto it = zones_.find(zone);
    if (it != zones_.end()) return it->second.get();
    std::unique_ptr<icu::TimeZone> tz = Create(zone);
    if (!tz) return nullptr;
    return zones_.emplace(std::string(zone), std::move(tz)).first->second.get();
  }

  std::mutex mu;

 private:
  std::map<std::string, std::unique_ptr<icu::TimeZone>, std::less<>> zones_;
};

IcuTimeZones::IcuTimeZones() : zones_(std::make_unique<Zones>()) {}
IcuTimeZones::~IcuTimeZones() = default;

Result<domain::Date> IcuTimeZones::LocalDate(std::string_view zone, UnixMicros at) const {
  std::lock_guard lock(zones_->mu);
  const icu::TimeZone* tz = zones_->Find(zone);
  if (!tz) return Fail(UnknownZone(zone));
  // ICU counts milliseconds in a double; offsets change only on whole seconds, so the
  // millisecond that holds `at` has `at`'s offset.
  int64_t millis = FloorDiv(at, 1000);
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz->getOffset(static_cast<UDate>(millis), /*local=*/false, raw, dst, status);
  if (U_FAILURE(status))
    return Fail(ErrorCode::kInternal, "the time zone's offset cannot be computed",
                std::string("ICU getOffset: ") + u_errorName(status));
  UnixMicros local = at + (static_cast<int64_t>(raw) + dst) * 1000;
  return domain::DateFromDays(FloorDiv(local, kMicrosPerDay));
}

bool IcuTimeZones::Known(std::string_view zone) const {
  std::lock_guard lock(zones_->mu);
  return zones_->Find(zone) != nullptr;
}

}  // namespace konfid::adapters
