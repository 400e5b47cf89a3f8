#include "cli/backup_files.h"

#include <cctype>
#include <filesystem>

namespace konfid::cli {

namespace {
constexpr std::string_view kKeyPrefix = "konfid-keys-";
std::string Suffix(bool postgres) { return postgres ? ".dump" : ".db"; }
constexpr size_t kStampSize = 16;  // 20261207T063000Z
}  // namespace

std::string BackupStamp(UnixMicros t) {
  std::string rfc = FormatRfc3339(t);  // 2026-12-07T06:30:00.000000Z
  std::string out;
  for (char c : rfc.substr(0, 19))
    if (c != '-' && c != ':') out.push_back(c);
  return out + "Z";
}

std::string DataBackupName(std::string_view stamp, bool postgres) {
  return "konfid-data-" + std::string(stamp) + Suffix(postgres);
}

std::string KeyBackupName(std::string_view stamp, bool postgres) {
  return std::string(kKeyPrefix) + std::string(stamp) + Suffix(postgres);
}

std::optional<UnixMicros> KeyBackupTime(std::string_view name) {
  if (!name.starts_with(kKeyPrefix)) return std::nullopt;
  std::string_view rest = name.substr(kKeyPrefix.size());
  if (rest.size() <= kStampSize) return std::nullopt;
  std::string_view suffix = rest.substr(kStampSize);
  if (suffix != Suffix(false) && suffix != Suffix(true)) return std::nullopt;
  std::string_view s = name.substr(kKeyPrefix.size(), kStampSize);
  for (size_t i = 0; i < kStampSize; ++i) {
    bool digit = std::isdigit(static_cast<unsigned char>(s[i])) != 0;
    if ((i == 8 && s[i] != 'T') || (i == 15 && s[i] != 'Z') || (i != 8 && i != 15 && !digit))
      return std::nullopt;
  }
  std::string rfc = std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" +
                    std::string(s.substr(6, 2)) + "T" + std::string(s.substr(9, 2)) + ":" +
                    std::string(s.substr(11, 2)) + ":" + std::string(s.substr(13, 2)) + "Z";
  return ParseRfc3339(rfc);
}

std::vector<std::string> KeyBackupsPastTerm(const std::vector<std::string>& names, UnixMicros now,
                                            int keep_days) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    auto taken = KeyBackupTime(name);
    if (taken && now - *taken > keep_days * kMicrosPerDay) out.push_back(name);
  }
  return out;
}

Status RemoveKeyBackupsPastTerm(const std::string& dir, UnixMicros now, int keep_days,
                                const std::function<void(const std::string& path)>& removed) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    names.push_back(entry.path().filename().string());
  if (ec) return Fail(ErrorCode::kUnavailable, "cannot list " + dir, ec.message());
  for (const auto& name : KeyBackupsPastTerm(names, now, keep_days)) {
    std::string path = dir + "/" + name;
    if (!std::filesystem::remove(path, ec))
      return Fail(ErrorCode::kUnavailable, "cannot remove " + path, ec.message());
    removed(path);
  }
  return Ok();
}

}  // namespace konfid::cli
