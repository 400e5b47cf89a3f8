#include "domain/checkpoint.h"

#include <limits>

#include "domain/policy.h"

namespace konfid::domain {

namespace {

constexpr std::string_view kTyp = "konfid-audit-checkpoint-v1";

// Reads the canonical JSON texts left to right; any deviation stops it.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool Literal(std::string_view lit) {
    if (!text_.substr(pos_).starts_with(lit)) return false;
    pos_ += lit.size();
    return true;
  }
  // Characters up to the next '"' (not consumed); fails at the end of the text.
  bool UntilQuote(std::string& out) {
    size_t end = text_.find('"', pos_);
    if (end == std::string_view::npos) return false;
    out.assign(text_.substr(pos_, end - pos_));
    pos_ = end;
    return true;
  }
  // A decimal integer without sign or leading zeros, at most INT64_MAX (the databases store
  // both numbers as signed 64-bit integers).
  bool Number(uint64_t& out) {
    size_t start = pos_;
    uint64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      uint64_t digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (v > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - digit) / 10)
        return false;
      v = v * 10 + digit;
      ++pos_;
    }
    if (pos_ == start || (text_[start] == '0' && pos_ - start > 1)) return false;
    out = v;
    return true;
  }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Error Bad(std::string what) {
  return Error(ErrorCode::kInvalidArgument, "not a checkpoint: " + what)
      .WithReason("invalid_checkpoint");
}

// The key id out of the header; InvalidArgument unless the header is canonical.
Result<std::string> ParseHeader(std::string_view header) {
  Scanner s(header);
  std::string kid;
  if (!s.Literal(R"({"alg":"EdDSA","kid":")") || !s.UntilQuote(kid) || !s.Literal(R"(","typ":")") ||
      !s.Literal(kTyp) || !s.Literal(R"("})") || !s.AtEnd())
    return Fail(Bad("the header is not {\"alg\":\"EdDSA\",\"kid\":...,\"typ\":\"" +
                    std::string(kTyp) + "\"}"));
  size_t dash = kid.rfind('-');
  if (dash == std::string::npos || kid.size() - dash - 1 != 16 || !IsLowerHex(kid.substr(dash + 1)))
    return Fail(Bad("the key id is not <tenant>-<16 hex digits>"));
  return kid;
}

Result<AuditCheckpoint> ParsePayload(std::string_view payload) {
  Scanner s(payload);
  AuditCheckpoint c;
  std::string hash_hex;
  uint64_t time = 0;
  if (!s.Literal(R"({"tenant":")") || !s.UntilQuote(c.tenant) || !s.Literal(R"(","seq":)") ||
      !s.Number(c.seq) || !s.Literal(R"(,"hash":")") || !s.UntilQuote(hash_hex) ||
      !s.Literal(R"(","time":)") || !s.Number(time) || !s.Literal("}") || !s.AtEnd())
    return Fail(Bad("the payload is not {\"tenant\":...,\"seq\":...,\"hash\":...,\"time\":...}"));
  if (!IsValidTenantId(c.tenant)) return Fail(Bad("the tenant id is not valid"));
  if (c.seq == 0) return Fail(Bad("seq must be at least 1"));
  if (hash_hex.size() != 2 * kCheckpointHashSize || !IsLowerHex(hash_hex))
    return Fail(Bad("the hash is not 64 lower-case hex digits"));
  c.hash = *HexDecode(hash_hex);
  c.time = static_cast<UnixMicros>(time);
  return c;
}

}  // namespace

std::string CheckpointHeader(std::string_view key_id) {
  return R"({"alg":"EdDSA","kid":")" + std::string(key_id) + R"(","typ":")" + std::string(kTyp) +
         R"("})";
}

std::string CheckpointPayload(const AuditCheckpoint& c) {
  return R"({"tenant":")" + c.tenant + R"(","seq":)" + std::to_string(c.seq) + R"(,"hash":")" +
         HexEncode(c.hash) + R"(","time":)" + std::to_string(c.time) + "}";
}

std::string CheckpointSigningInput(const AuditCheckpoint& c, std::string_view key_id) {
  return Base64UrlEncode(AsBytes(CheckpointHeader(key_id))) + "." +
         Base64UrlEncode(AsBytes(CheckpointPayload(c)));
}

std::string CheckpointLine(const AuditCheckpoint& c, std::string_view key_id,
                           std::span<const uint8_t> signature) {
  return CheckpointSigningInput(c, key_id) + "." + Base64UrlEncode(signature);
}

Result<SignedCheckpoint> ParseCheckpoint(std::string_view line) {
  if (line.size() > kMaxCheckpointLine) return Fail(Bad("the line is too long"));
  size_t a = line.find('.');
  size_t b = a == std::string_view::npos ? a : line.find('.', a + 1);
  if (b == std::string_view::npos || line.find('.', b + 1) != std::string_view::npos)
    return Fail(Bad("not a compact JWS (header.payload.signature)"));
  auto header = Base64UrlDecode(line.substr(0, a));
  auto payload = Base64UrlDecode(line.substr(a + 1, b - a - 1));
  auto signature = Base64UrlDecode(line.substr(b + 1));
  if (!header || !payload || !signature) return Fail(Bad("a part is not base64url"));
  if (signature->size() != kCheckpointSignatureSize)
    return Fail(Bad("the signature is not 64 bytes"));
  SignedCheckpoint out;
  KONFID_ASSIGN_OR_RETURN(
      out.key_id,
      ParseHeader(std::string_view(reinterpret_cast<const char*>(header->data()), header->size())));
  KONFID_ASSIGN_OR_RETURN(
      out.checkpoint, ParsePayload(std::string_view(reinterpret_cast<const char*>(payload->data()),
                                                    payload->size())));
  if (out.key_id.substr(0, out.key_id.size() - 17) != out.checkpoint.tenant)
    return Fail(Bad("the key id names another tenant"));
  out.signing_input = std::string(line.substr(0, b));
  out.signature = std::move(*signature);
  return out;
}

}  // namespace konfid::domain
