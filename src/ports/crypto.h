// Crypto: the algorithms Konfid uses, kept apart from the keys (which live in app/keyring).
// Implementations must be thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/error.h"
#include "core/secret_bytes.h"

namespace konfid::ports {

inline constexpr size_t kKeySize = 32;

class Crypto {
 public:
  virtual ~Crypto() = default;

  // Fills `out` from a cryptographically secure source. Never fails.
  virtual void RandomBytes(std::span<uint8_t> out) = 0;
  // A fresh random 32-byte key.
  virtual SecretBytes NewKey() = 0;

  // Authenticated encryption (XChaCha20-Poly1305) of `plaintext` bound to `ad`.
  // Returns nonce || ciphertext || tag.
  virtual Bytes Seal(const SecretBytes& key, std::span<const uint8_t> plaintext,
                     std::string_view ad) = 0;
  // Inverse of Seal. DataLoss when the key, the associated data or the bytes do not match.
  virtual Result<std::string> Open(const SecretBytes& key, std::span<const uint8_t> sealed,
                                   std::string_view ad) = 0;
  // Open() for sealed key material: the result never sits in an ordinary string.
  virtual Result<SecretBytes> OpenKey(const SecretBytes& key, std::span<const uint8_t> sealed,
                                      std::string_view ad) = 0;

  // Keyed BLAKE2b, 32 bytes: blind indexes, the audit chain, key checks.
  virtual Bytes Mac(const SecretBytes& key, std::span<const uint8_t> message) = 0;
  // Unkeyed BLAKE2b, 32 bytes: hashes of high-entropy secrets such as API keys.
  virtual Bytes Hash(std::span<const uint8_t> message) = 0;
  // SHA-256, 32 bytes: hashes of published texts, which outsiders recompute.
  virtual Bytes Sha256(std::span<const uint8_t> message) = 0;
  // Ed25519 (receipts): a new key pair (public 32 bytes, secret 64), a detached signature
  // (64 bytes), and its check.
  struct SigningKey {
    Bytes public_key;
    SecretBytes secret_key;
  };
  virtual SigningKey NewSigningKey() = 0;
  virtual Bytes Sign(const SecretBytes& secret_key, std::span<const uint8_t> message) = 0;
  virtual bool VerifySignature(std::span<const uint8_t> public_key,
                               std::span<const uint8_t> message,
                               std::span<const uint8_t> signature) = 0;
  // Constant-time equality.
  virtual bool Equal(std::span<const uint8_t> a, std::span<const uint8_t> b) = 0;
};

}  // namespace konfid::ports
