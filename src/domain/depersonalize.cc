#include "domain/depersonalize.h"

#include <algorithm>
#include <map>
#include <set>

namespace konfid::domain {

namespace {

constexpr int kBandWidths[] = {5, 10, 20};
constexpr int kOldest = 90;  // one band from here up

std::string AgeBand(int age, int width) {
  if (age >= kOldest) return std::to_string(kOldest) + "+";
  int low = age / width * width;
  int high = std::min(low + width - 1, kOldest - 1);
  return std::to_string(low) + "-" + std::to_string(high);
}

// Full years between `birth` and `today`; -1 when `today` is before `birth`.
int AgeOn(Date birth, Date today) {
  int age = today.year - birth.year;
  if (today.month < birth.month || (today.month == birth.month && today.day < birth.day)) --age;
  return age;
}

std::vector<std::vector<std::string>> GeneralizeAll(const QuasiTable& t,
                                                    const std::vector<int>& levels, Date today) {
  std::vector<std::vector<std::string>> out;
  out.reserve(t.rows.size());
  for (const auto& row : t.rows) {
    std::vector<std::string> g;
    for (size_t c = 0; c < t.types.size(); ++c)
      g.push_back(Generalize(t.types[c], row[c], levels[c], today, t.RegionsOf(c)));
    out.push_back(std::move(g));
  }
  return out;
}

std::map<std::vector<std::string>, int64_t> Classes(
    const std::vector<std::vector<std::string>>& values) {
  std::map<std::vector<std::string>, int64_t> classes;
  for (const auto& v : values) ++classes[v];
  return classes;
}

int64_t RowsInSmallClasses(const std::map<std::vector<std::string>, int64_t>& classes, int64_t k) {
  int64_t n = 0;
  for (const auto& [key, count] : classes)
    if (count < k) n += count;
  return n;
}

// The column to raise: the one with the most distinct values not at its top level; -1: none.
int ColumnToRaise(const QuasiTable& t, const std::vector<int>& levels,
                  const std::vector<std::vector<std::string>>& values) {
  int best = -1;
  size_t best_distinct = 0;
  for (size_t c = 0; c < t.types.size(); ++c) {
    if (levels[c] + 1 >= GeneralizationLevels(t.types[c], t.RegionsOf(c))) continue;
    std::set<std::string> distinct;
    for (const auto& v : values) distinct.insert(v[c]);
    if (best < 0 || distinct.size() > best_distinct) {
      best = static_cast<int>(c);
      best_distinct = distinct.size();
    }
  }
  return best;
}

}  // namespace

int GeneralizationLevels(FieldType type, const Regions* regions) {
  return type == FieldType::kDate ? 4 : regions ? 3 : 2;
}

std::string GeneralizationName(FieldType type, int level, const Regions* regions) {
  if (level + 1 >= GeneralizationLevels(type, regions)) return "suppressed";
  if (type != FieldType::kDate) return level == 0 ? "value" : "region";
  return "age_band_" + std::to_string(kBandWidths[level]);
}

std::string Generalize(FieldType type, std::string_view value, int level, Date today,
                       const Regions* regions) {
  if (value.empty() || level + 1 >= GeneralizationLevels(type, regions)) return "*";
  if (type != FieldType::kDate && level == 0) return std::string(value);
  if (type != FieldType::kDate) {  // level 1, with regions
    auto it = regions->find(value);
    return it == regions->end() ? "*" : it->second;
  }
  auto birth = ParseIsoDate(value);
  if (!birth) return "*";
  int age = AgeOn(*birth, today);
  if (age < 0) return "*";
  return AgeBand(age, kBandWidths[level]);
}

Anonymized Anonymize(const QuasiTable& table, int64_t k, int64_t max_suppressed, Date today) {
  Anonymized out;
  out.levels.assign(table.types.size(), 0);
  auto values = GeneralizeAll(table, out.levels, today);
  auto classes = Classes(values);
  while (k >= 2 && RowsInSmallClasses(classes, k) > max_suppressed) {
    int c = ColumnToRaise(table, out.levels, values);
    if (c < 0) break;
    ++out.levels[c];
    values = GeneralizeAll(table, out.levels, today);
    classes = Classes(values);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (k >= 2 && classes[values[i]] < k) {
      ++out.suppressed;
      continue;
    }
    out.kept.push_back(i);
    out.values.push_back(std::move(values[i]));
  }
  for (const auto& [key, count] : classes)
    if (count >= k || k < 2)
      out.smallest_class = out.smallest_class == 0 ? count : std::min(out.smallest_class, count);
  return out;
}

}  // namespace konfid::domain
