#include "adapters/storage/sql_util.h"

namespace konfid::adapters {

std::string JoinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out.push_back(',');
    out += f;
  }
  return out;
}

std::vector<std::string> SplitFields(const std::string& joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    out.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Status CompareSchemaVersion(int current, int expected) {
  if (current == expected) return Ok();
  if (current == 0)
    return Fail(ErrorCode::kUnavailable, "the database is not initialized: run 'konfid init'");
  if (current < expected)
    return Fail(ErrorCode::kUnavailable, "the database schema is version " +
                                             std::to_string(current) + ", this konfid needs " +
                                             std::to_string(expected) +
                                             ": run 'konfid init' to migrate");
  return Fail(ErrorCode::kUnavailable, "the database schema (version " + std::to_string(current) +
                                           ") is newer than this konfid knows; upgrade konfid");
}

}  // namespace konfid::adapters
