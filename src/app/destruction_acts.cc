#include "app/destruction_acts.h"

#include "app/receipts.h"

namespace konfid::app {

Result<std::string> SignDestructionAct(ports::Crypto& crypto, const Keyring& keyring,
                                       const domain::DestructionAct& act) {
  KONFID_TRY(domain::CheckActExtract(act));
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring.Tenant(act.tenant));
  if (keys->receipt_key.size() == 0)
    return Fail(ErrorCode::kInternal, "internal error", "tenant has no signing key");
  return SignReceipt(crypto, keys->receipt_key, keys->receipt_key_id,
                     domain::DestructionActClaims(act));
}

Result<std::string> VerifyDestructionAct(ports::Crypto& crypto, std::span<const uint8_t> public_key,
                                         std::string_view jws) {
  return VerifyReceipt(crypto, public_key, jws);
}

}  // namespace konfid::app
