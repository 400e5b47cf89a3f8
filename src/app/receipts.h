// Consent receipts: for each consent event a JSON document with the fields of the Kantara
// Consent Receipt (v1.1) and ISO/IEC TS 27560 record, signed with the tenant's Ed25519 key as
// a compact JWS (RFC 7515, EdDSA per RFC 8037). The format is in docs/receipts.md.
#pragma once

#include <string>

#include "app/keyring.h"
#include "core/error.h"
#include "domain/consent.h"
#include "domain/policy.h"
#include "ports/crypto.h"

namespace konfid::app {

// The receipt's claims, as the JSON text that is signed.
std::string ReceiptClaims(const domain::TenantPolicy& policy, const std::string& subject,
                          const domain::ConsentEvent& event, const std::string& lang);

// header.payload.signature, with header {"alg":"EdDSA","kid":key_id,"typ":"JWT"}.
std::string SignReceipt(ports::Crypto& crypto, const SecretBytes& secret_key,
                        const std::string& key_id, const std::string& claims);

// The tenant's receipt key, which also signs its audit checkpoints: key id and Ed25519 public
// key. NotFound for a tenant the keyring does not hold or one without a receipt key yet.
Result<std::pair<std::string, Bytes>> ReceiptPublicKey(const Keyring& keyring,
                                                       const std::string& tenant);

// Checks a compact JWS against an Ed25519 public key; returns the claims text.
// InvalidArgument for something that is not a JWS of this form; PermissionDenied when the
// signature does not verify.
Result<std::string> VerifyReceipt(ports::Crypto& crypto, std::span<const uint8_t> public_key,
                                  std::string_view jws);

}  // namespace konfid::app
