// The receipt verifier (`konfid receipt verify`, docs/receipts.md): a compact JWS that anyone
// may hand over. The first byte picks what the rest is:
//   0: a receipt to verify against the tenant's key (it must not verify: nobody can forge one);
//   1: claims that are signed, then verified: the claims must come back unchanged;
//   2: claims signed, then one byte of the receipt changed: it either fails or still yields
//      the same claims (base64url's unused bits), never other claims;
//   3: a public key of any length (the --public-key of the command line).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/receipts.h"
#include "fuzz_keys.h"

namespace {

using namespace konfid;

using fuzz::Keys;
using fuzz::Require;
using fuzz::TheKeys;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Keys& k = TheKeys();
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] & 3) {
    case 0:
      Require(!app::VerifyReceipt(*k.crypto, k.key.public_key, rest));
      break;
    case 1: {
      std::string jws = app::SignReceipt(*k.crypto, k.key.secret_key, "kid-1", std::string(rest));
      auto claims = app::VerifyReceipt(*k.crypto, k.key.public_key, jws);
      Require(claims && *claims == rest);
      break;
    }
    case 2: {
      if (rest.size() < 3) return 0;
      size_t at = (size_t{uint8_t(rest[0])} << 8 | uint8_t(rest[1]));
      char to = rest[2];
      std::string claims(rest.substr(3));
      std::string jws = app::SignReceipt(*k.crypto, k.key.secret_key, "kid-1", claims);
      at %= jws.size();
      if (jws[at] == to) return 0;
      jws[at] = to;
      auto got = app::VerifyReceipt(*k.crypto, k.key.public_key, jws);
      Require(!got || *got == claims);
      break;
    }
    default: {
      auto key = Base64UrlDecode(rest.substr(0, rest.find(' ')));
      if (!key) return 0;
      std::string jws = app::SignReceipt(*k.crypto, k.key.secret_key, "kid-1", "{}");
      auto got = app::VerifyReceipt(*k.crypto, *key, jws);
      Require(!got || *key == k.key.public_key);
      break;
    }
  }
  return 0;
}
