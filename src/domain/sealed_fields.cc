#include "domain/sealed_fields.h"

#include <algorithm>

namespace konfid::domain {

namespace {

// The length of the blob's header before its count: 1 (version 1) or 5 (version 2 and its
// key generation); 0 when the blob is neither.
size_t HeaderSize(std::span<const uint8_t> blob) {
  if (blob.size() >= 3 && blob[0] == 1) return 1;
  if (blob.size() >= 7 && blob[0] == 2) return 5;
  return 0;
}

}  // namespace

Bytes PackSealedFields(const SealedFields& fields, uint32_t key_generation) {
  Bytes out;
  out.push_back(key_generation == 0 ? 1 : 2);
  if (key_generation != 0)
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(key_generation >> s));
  out.push_back(static_cast<uint8_t>(fields.size() >> 8));
  out.push_back(static_cast<uint8_t>(fields.size()));
  for (const auto& [name, ct] : fields) {
    out.push_back(static_cast<uint8_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
    uint32_t n = static_cast<uint32_t>(ct.size());
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(n >> s));
    out.insert(out.end(), ct.begin(), ct.end());
  }
  return out;
}

Result<std::vector<SealedFieldView>> ViewSealedFields(std::span<const uint8_t> blob) {
  auto corrupt = [] {
    return Fail(ErrorCode::kDataLoss, "stored record is corrupt", "sealed fields");
  };
  size_t header = HeaderSize(blob);
  if (header == 0) return corrupt();
  size_t count = size_t{blob[header]} << 8 | blob[header + 1];
  size_t pos = header + 2;
  std::vector<SealedFieldView> out;
  // Each entry takes at least 5 bytes: a damaged count cannot make us reserve more than that.
  out.reserve(std::min(count, (blob.size() - pos) / 5));
  for (size_t i = 0; i < count; ++i) {
    if (pos >= blob.size()) return corrupt();
    size_t name_len = blob[pos++];
    if (pos + name_len + 4 > blob.size()) return corrupt();
    std::string_view name(reinterpret_cast<const char*>(blob.data() + pos), name_len);
    pos += name_len;
    size_t ct_len = size_t{blob[pos]} << 24 | size_t{blob[pos + 1]} << 16 |
                    size_t{blob[pos + 2]} << 8 | blob[pos + 3];
    pos += 4;
    if (pos + ct_len > blob.size()) return corrupt();
    out.push_back({name, blob.subspan(pos, ct_len)});
    pos += ct_len;
  }
  if (pos != blob.size()) return corrupt();
  return out;
}

Result<uint32_t> SealedFieldsKeyGeneration(std::span<const uint8_t> blob) {
  size_t header = HeaderSize(blob);
  if (header == 0) return Fail(ErrorCode::kDataLoss, "stored record is corrupt", "sealed fields");
  if (header == 1) return uint32_t{0};
  return uint32_t{blob[1]} << 24 | uint32_t{blob[2]} << 16 | uint32_t{blob[3]} << 8 | blob[4];
}

Result<SealedFields> UnpackSealedFields(std::span<const uint8_t> blob) {
  KONFID_ASSIGN_OR_RETURN(auto views, ViewSealedFields(blob));
  SealedFields out;
  for (const auto& v : views)
    out.emplace(std::string(v.name), Bytes(v.ciphertext.begin(), v.ciphertext.end()));
  return out;
}

std::string FieldAssociatedData(std::string_view tenant, std::string_view subject,
                                std::string_view field) {
  std::string ad = "konfid-field-v1";
  for (auto part : {tenant, subject, field}) {
    ad.push_back('\0');
    ad.append(part);
  }
  return ad;
}

}  // namespace konfid::domain
