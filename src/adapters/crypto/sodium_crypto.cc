#include "adapters/crypto/sodium_crypto.h"

#include <sodium.h>

#include <cstring>

namespace konfid::adapters {

namespace {

// Random bytes from a per-thread buffer refilled 4 KiB at a time: one getrandom() call
// serves about a hundred nonces instead of one each. Wiped before each refill and at exit.
class RandomPool {
 public:
  ~RandomPool() { sodium_memzero(buf_, sizeof buf_); }
  void Fill(uint8_t* out, size_t n) {
    if (n > sizeof buf_ / 4) {
      randombytes_buf(out, n);
      return;
    }
    if (pos_ + n > sizeof buf_) {
      randombytes_buf(buf_, sizeof buf_);
      pos_ = 0;
    }
    memcpy(out, buf_ + pos_, n);
    sodium_memzero(buf_ + pos_, n);  // a byte is handed out once
    pos_ += n;
  }

 private:
  uint8_t buf_[4096];
  size_t pos_ = sizeof buf_;
};

thread_local RandomPool pool;

constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == ports::kKeySize);
}  // namespace

Result<std::unique_ptr<SodiumCrypto>> SodiumCrypto::Create() {
  if (sodium_init() < 0) return Fail(ErrorCode::kUnavailable, "libsodium failed to initialize");
  return std::unique_ptr<SodiumCrypto>(new SodiumCrypto());
}

void SodiumCrypto::RandomBytes(std::span<uint8_t> out) { pool.Fill(out.data(), out.size()); }

SecretBytes SodiumCrypto::NewKey() {
  SecretBytes key(ports::kKeySize);
  pool.Fill(key.data(), key.size());
  return key;
}

Bytes SodiumCrypto::Seal(const SecretBytes& key, std::span<const uint8_t> plaintext,
                         std::string_view ad) {
  Bytes out(kNonce + plaintext.size() + kTag);
  pool.Fill(out.data(), kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &written, plaintext.data(),
                                             plaintext.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()),
                                             ad.size(), nullptr, out.data(), key.data());
  out.resize(kNonce + written);
  return out;
}

bool SodiumCrypto::OpenInto(const SecretBytes& key, std::span<const uint8_t> sealed,
                            std::string_view ad, uint8_t* out) {
  if (key.size() != ports::kKeySize || sealed.size() < kNonce + kTag) return false;
  unsigned long long written = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             out, &written, nullptr, sealed.data() + kNonce, sealed.size() - kNonce,
             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), sealed.data(),
             key.data()) == 0;
}

Result<std::string> SodiumCrypto::Open(const SecretBytes& key, std::span<const uint8_t> sealed,
                                       std::string_view ad) {
  if (sealed.size() < kNonce + kTag)
    return Fail(ErrorCode::kDataLoss, "stored value cannot be decrypted", "sealed value too short");
  std::string out(sealed.size() - kNonce - kTag, '\0');
  if (!OpenInto(key, sealed, ad, reinterpret_cast<uint8_t*>(out.data())))
    return Fail(ErrorCode::kDataLoss, "stored value cannot be decrypted", "authentication failed");
  return out;
}

Result<SecretBytes> SodiumCrypto::OpenKey(const SecretBytes& key, std::span<const uint8_t> sealed,
                                          std::string_view ad) {
  if (sealed.size() < kNonce + kTag)
    return Fail(ErrorCode::kDataLoss, "stored key cannot be unwrapped", "wrapped key too short");
  SecretBytes out(sealed.size() - kNonce - kTag);
  if (!OpenInto(key, sealed, ad, out.data()))
    return Fail(ErrorCode::kDataLoss, "stored key cannot be unwrapped", "authentication failed");
  return out;
}

Bytes SodiumCrypto::Mac(const SecretBytes& key, std::span<const uint8_t> message) {
  Bytes out(32);
  crypto_generichash(out.data(), out.size(), message.data(), message.size(), key.data(),
                     key.size());
  return out;
}

ports::Crypto::SigningKey SodiumCrypto::NewSigningKey() {
  SigningKey key{Bytes(crypto_sign_PUBLICKEYBYTES), SecretBytes(crypto_sign_SECRETKEYBYTES)};
  crypto_sign_keypair(key.public_key.data(), key.secret_key.data());
  return key;
}

Bytes SodiumCrypto::Sign(const SecretBytes& secret_key, std::span<const uint8_t> message) {
  Bytes sig(crypto_sign_BYTES);
  if (secret_key.size() != crypto_sign_SECRETKEYBYTES) return {};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key.data());
  return sig;
}

bool SodiumCrypto::VerifySignature(std::span<const uint8_t> public_key,
                                   std::span<const uint8_t> message,
                                   std::span<const uint8_t> signature) {
  return public_key.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

Bytes SodiumCrypto::Sha256(std::span<const uint8_t> message) {
  Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(out.data(), message.data(), message.size());
  return out;
}

Bytes SodiumCrypto::Hash(std::span<const uint8_t> message) {
  Bytes out(32);
  crypto_generichash(out.data(), out.size(), message.data(), message.size(), nullptr, 0);
  return out;
}

bool SodiumCrypto::Equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace konfid::adapters
