// Signing acts of destruction (domain/destruction_act.h): the act's claims as a compact JWS
// under the tenant's Ed25519 key, the key that signs its receipts and audit checkpoints, so
// that anyone holding the published key (GET /v1/audit/checkpoints) can check an act without
// the server.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "app/keyring.h"
#include "core/error.h"
#include "domain/destruction_act.h"
#include "ports/crypto.h"

namespace konfid::app {

// The act signed with the tenant's key: header.payload.signature, the payload being
// DestructionActClaims(act). Internal when the tenant has no signing key; InvalidArgument when
// the act's audit extract does not hold together (domain::CheckActExtract): an act is never
// signed over an extract that does not record its destruction.
Result<std::string> SignDestructionAct(ports::Crypto& crypto, const Keyring& keyring,
                                       const domain::DestructionAct& act);

// The claims of a signed act, once its signature verifies with `public_key`.
// InvalidArgument for something that is not a JWS; PermissionDenied when the signature fails.
Result<std::string> VerifyDestructionAct(ports::Crypto& crypto, std::span<const uint8_t> public_key,
                                         std::string_view jws);

}  // namespace konfid::app
