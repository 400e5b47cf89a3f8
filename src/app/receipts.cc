#include "app/receipts.h"

#include <algorithm>

#include "core/encoding.h"
#include "core/json_writer.h"

namespace konfid::app {

namespace {
const std::string& In(const domain::Localized& text, const std::string& lang) {
  return lang == "en" ? text.en : text.ru;
}
}  // namespace

std::string ReceiptClaims(const domain::TenantPolicy& policy, const std::string& subject,
                          const domain::ConsentEvent& event, const std::string& lang) {
  const domain::Purpose* purpose = policy.FindPurpose(event.purpose);
  std::vector<std::string> categories, recipients;
  bool sensitive = false;
  if (purpose) {
    for (const auto& name : purpose->fields)
      if (const domain::FieldSpec* f = policy.catalogue.Find(name)) {
        categories.push_back(In(f->label, lang).empty() ? f->name : In(f->label, lang));
        if (const domain::Category* c = policy.FindCategory(f->category); c && c->special)
          sensitive = true;
      }
    for (const auto& r : policy.recipients)
      if (std::find(r.purposes.begin(), r.purposes.end(), purpose->id) != r.purposes.end())
        recipients.push_back(In(r.name, lang));
  }
  JsonWriter w;
  w.BeginObject()
      .Member("version", "KI-CR-v1.1.0")
      .Member("jurisdiction", policy.jurisdiction)
      .Member("consentTimestamp", event.time / 1'000'000)
      .Member("collectionMethod", event.method)
      .Member("consentReceiptID", event.id)
      .Member("language", lang)
      .Member("piiPrincipalId", subject);
  w.Key("piiControllers")
      .BeginArray()
      .BeginObject()
      .Member("piiController", In(policy.op.legal_name, lang))
      .Member("contact", In(policy.op.responsible, lang))
      .Member("address", In(policy.op.address, lang))
      .Member("email", policy.op.email)
      .Member("phone", policy.op.phone)
      .EndObject()
      .EndArray();
  w.Member("policyUrl", policy.publication.url);
  w.Key("services")
      .BeginArray()
      .BeginObject()
      .Member("service", purpose ? In(purpose->name, lang) : event.purpose);
  w.Key("purposes")
      .BeginArray()
      .BeginObject()
      .Member("purpose", purpose ? In(purpose->description, lang) : "")
      .StringArray("purposeCategory", {event.purpose})
      .Member("consentType", "EXPLICIT")
      .StringArray("piiCategory", categories)
      .Member("primaryPurpose", false)
      .Member("termination",
              purpose && purpose->retention ? domain::RetentionText(*purpose->retention) : "")
      .Member("thirdPartyDisclosure", !recipients.empty())
      .StringArray("thirdPartyName", recipients)
      .EndObject()
      .EndArray();
  w.EndObject().EndArray();
  w.Member("sensitive", sensitive);
  w.StringArray("spiCat", {});
  w.Key("konfid")
      .BeginObject()
      .Member("tenant", policy.tenant)
      .Member("event", domain::ConsentKindName(event.kind))
      .Member("purpose", event.purpose)
      .Member("ground", purpose ? purpose->ground : "consent")
      .Member("policy_version", event.policy_version)
      .Member("text_hash", event.text_hash)
      .Member("source", event.source)
      .EndObject();
  w.EndObject();
  return w.str();
}

std::string SignReceipt(ports::Crypto& crypto, const SecretBytes& secret_key,
                        const std::string& key_id, const std::string& claims) {
  JsonWriter header;
  header.BeginObject()
      .Member("alg", "EdDSA")
      .Member("kid", key_id)
      .Member("typ", "JWT")
      .EndObject();
  std::string signing_input =
      Base64UrlEncode(AsBytes(header.str())) + "." + Base64UrlEncode(AsBytes(claims));
  Bytes sig = crypto.Sign(secret_key, AsBytes(signing_input));
  return signing_input + "." + Base64UrlEncode(sig);
}

Result<std::string> VerifyReceipt(ports::Crypto& crypto, std::span<const uint8_t> public_key,
                                  std::string_view jws) {
  size_t a = jws.find('.'), b = a == std::string_view::npos ? a : jws.find('.', a + 1);
  if (b == std::string_view::npos || jws.find('.', b + 1) != std::string_view::npos)
    return Fail(ErrorCode::kInvalidArgument, "not a compact JWS (header.payload.signature)");
  auto header = Base64UrlDecode(jws.substr(0, a));
  auto payload = Base64UrlDecode(jws.substr(a + 1, b - a - 1));
  auto sig = Base64UrlDecode(jws.substr(b + 1));
  if (!header || !payload || !sig)
    return Fail(ErrorCode::kInvalidArgument, "the receipt is not base64url");
  std::string h(header->begin(), header->end());
  if (h.find("\"alg\":\"EdDSA\"") == std::string::npos)
    return Fail(ErrorCode::kInvalidArgument, "the receipt is not signed with EdDSA");
  if (!crypto.VerifySignature(public_key, AsBytes(jws.substr(0, b)), *sig))
    return Fail(ErrorCode::kPermissionDenied, "the signature does not verify");
  return std::string(payload->begin(), payload->end());
}

Result<std::pair<std::string, Bytes>> ReceiptPublicKey(const Keyring& keyring,
                                                       const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring.Tenant(tenant));
  if (keys->receipt_public_key.empty())
    return Fail(ErrorCode::kNotFound, "the tenant has no receipt key yet");
  return std::pair(keys->receipt_key_id, keys->receipt_public_key);
}

}  // namespace konfid::app
