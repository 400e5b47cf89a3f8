// What the fuzz targets of signed formats (receipts, checkpoints) share: a check that stops
// the run when a promise breaks, and one libsodium with an Ed25519 key made once a process.
#pragma once

#include <cstdlib>
#include <memory>

#include "adapters/crypto/sodium_crypto.h"

namespace konfid::fuzz {

inline void Require(bool ok) {
  if (!ok) __builtin_trap();
}

struct Keys {
  std::unique_ptr<adapters::SodiumCrypto> crypto;
  ports::Crypto::SigningKey key;
};

inline Keys& TheKeys() {
  static Keys* keys = [] {
    auto crypto = adapters::SodiumCrypto::Create();
    if (!crypto) std::abort();
    auto* k = new Keys{std::move(*crypto), {}};
    k->key = k->crypto->NewSigningKey();
    return k;
  }();
  return *keys;
}

}  // namespace konfid::fuzz
