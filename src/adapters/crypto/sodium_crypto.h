// libsodium implementation of ports::Crypto. Thread-safe once Create() returned.
#pragma once

#include <memory>

#include "ports/crypto.h"

namespace konfid::adapters {

class SodiumCrypto final : public ports::Crypto {
 public:
  // Unavailable when libsodium cannot initialize (no entropy source).
  static Result<std::unique_ptr<SodiumCrypto>> Create();

  void RandomBytes(std::span<uint8_t> out) override;
  SecretBytes NewKey() override;
  Bytes Seal(const SecretBytes& key, std::span<const uint8_t> plaintext,
             std::string_view ad) override;
  Result<std::string> Open(const SecretBytes& key, std::span<const uint8_t> sealed,
                           std::string_view ad) override;
  Result<SecretBytes> OpenKey(const SecretBytes& key, std::span<const uint8_t> sealed,
                              std::string_view ad) override;
  Bytes Mac(const SecretBytes& key, std::span<const uint8_t> message) override;
  Bytes Hash(std::span<const uint8_t> message) override;
  Bytes Sha256(std::span<const uint8_t> message) override;
  SigningKey NewSigningKey() override;
  Bytes Sign(const SecretBytes& secret_key, std::span<const uint8_t> message) override;
  bool VerifySignature(std::span<const uint8_t> public_key, std::span<const uint8_t> message,
                       std::span<const uint8_t> signature) override;
  bool Equal(std::span<const uint8_t> a, std::span<const uint8_t> b) override;

 private:
  SodiumCrypto() = default;
  // Decrypts into `out` (sized by the caller); false on failure.
  bool OpenInto(const SecretBytes& key, std::span<const uint8_t> sealed, std::string_view ad,
                uint8_t* out);
};

}  // namespace konfid::adapters
