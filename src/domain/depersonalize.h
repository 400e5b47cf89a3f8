// Depersonalization for a dataset that leaves the vault (docs/stats.md, "Depersonalized
// export"): quasi-identifiers generalized along a ladder of levels (a birth date to an age band
// of 5, 10, then 20 years; any other value to itself), then "*" at the top; and a check of
// k-anonymity over them, raising levels and suppressing rows until every class of equal values
// holds at least k rows.
//
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/civil_date.h"
#include "domain/field.h"

namespace konfid::domain {

// The coarser value of each value of a field, as the policy declares it: a city's region
// ("Казань" to "Республика Татарстан").
using Regions = std::map<std::string, std::string, std::less<>>;

// The levels of a quasi-identifier of `type`: a date has 4 (age bands of 5, 10 and 20 years,
// then "*"); any other type 2 (the value, then "*"), or 3 with `regions` (the value, its
// region, then "*").
int GeneralizationLevels(FieldType type, const Regions* regions = nullptr);

// What `level` of a field of `type` releases, as an export names it: "value", "region",
// "age_band_5", "age_band_10", "age_band_20", or "suppressed" at the top level.
std::string GeneralizationName(FieldType type, int level, const Regions* regions = nullptr);

// `value` of a field of `type` at `level` (0: the finest), on `today`. A birth date becomes
// an age band: "25-29", "20-29", "20-39"; 90 and over are one band, "90+"; a date that is not
// one, or in the future, is "*". With `regions`, level 1 is the value's region, or "*" for a
// value they do not name. The top level, or an empty value, is "*".
std::string Generalize(FieldType type, std::string_view value, int level, Date today,
                       const Regions* regions = nullptr);

// A table of quasi-identifiers, one row per subject, one column per field.
struct QuasiTable {
  std::vector<FieldType> types;                // of each column
  std::vector<std::vector<std::string>> rows;  // the raw values, rows[i][column]
  std::vector<const Regions*> regions;         // of each column (null: none); empty: none
  const Regions* RegionsOf(size_t column) const {
    return column < regions.size() ? regions[column] : nullptr;
  }
};

struct Anonymized {
  std::vector<int> levels;                       // of each column, as released
  std::vector<std::vector<std::string>> values;  // the generalized rows kept, in input order
  std::vector<size_t> kept;                      // the input row of each kept row
  int64_t suppressed = 0;                        // rows dropped to reach k
  int64_t smallest_class = 0;                    // rows of the smallest class released; 0: none
};

// k-anonymity by full-domain generalization (Datafly): while more rows than `max_suppressed`
// sit in classes of fewer than `k`, the column with the most distinct values that can still
// be raised is raised one level; then the rows still in small classes are suppressed. Every
// class released holds at least `k` rows (k < 2: nothing is generalized or suppressed).
Anonymized Anonymize(const QuasiTable& table, int64_t k, int64_t max_suppressed, Date today);

}  // namespace konfid::domain
