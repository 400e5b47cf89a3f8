// The checkpoint verifier (`audit verify --checkpoint FILE`, app/checkpoint_verify.cc): a
// signed line from a file an operator kept elsewhere and an intruder may have written. The
// first byte picks what the rest is:
//   0: a line to verify against the tenant's key: it must not verify (nobody can forge one);
//   1: a checkpoint's parts (seq, time, hash, a tenant named by one byte), signed as the
//      service signs them, then verified: the same checkpoint must come back;
//   2: as 1, then one byte of the line changed (position and value from the input): the line
//      is refused, or it still names the same checkpoint (base64url's unused bits), never
//      another one;
//   3: a public key of any length against a line signed with the real one: refused unless it
//      is the real key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "app/checkpoints.h"
#include "domain/checkpoint.h"
#include "fuzz_keys.h"

namespace {

using namespace konfid;

using fuzz::Keys;
using fuzz::Require;
using fuzz::TheKeys;

uint64_t Take64(std::string_view& in) {
  uint64_t v = 0;
  size_t n = std::min<size_t>(8, in.size());
  std::memcpy(&v, in.data(), n);
  in.remove_prefix(n);
  return v;
}

// The parts of a checkpoint read from the input, as CheckpointJob would sign them.
domain::AuditCheckpoint Parts(std::string_view& in) {
  static const char* const kTenants[] = {"demo", "other", "t-1", "shop-2"};
  domain::AuditCheckpoint c;
  c.tenant = kTenants[in.empty() ? 0 : uint8_t(in[0]) % 4];
  if (!in.empty()) in.remove_prefix(1);
  c.seq = Take64(in) % (uint64_t{1} << 53) + 1;  // a JSON number any reader keeps exact
  c.time = static_cast<UnixMicros>(Take64(in) % (uint64_t{1} << 53));
  c.hash.assign(domain::kCheckpointHashSize, 0);
  size_t n = std::min(in.size(), c.hash.size());
  std::memcpy(c.hash.data(), in.data(), n);
  in.remove_prefix(n);
  return c;
}

std::string Signed(Keys& k, const domain::AuditCheckpoint& c) {
  std::string key_id = app::CheckpointKeyId(*k.crypto, c.tenant, k.key.public_key);
  std::string input = domain::CheckpointSigningInput(c, key_id);
  Bytes signature = k.crypto->Sign(k.key.secret_key, AsBytes(input));
  return domain::CheckpointLine(c, key_id, signature);
}

bool Same(const domain::AuditCheckpoint& a, const domain::AuditCheckpoint& b) {
  return a.tenant == b.tenant && a.seq == b.seq && a.hash == b.hash && a.time == b.time;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Keys& k = TheKeys();
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] & 3) {
    case 0:
      Require(!app::VerifyCheckpoint(*k.crypto, k.key.public_key, rest));
      break;
    case 1: {
      domain::AuditCheckpoint c = Parts(rest);
      auto verified = app::VerifyCheckpoint(*k.crypto, k.key.public_key, Signed(k, c));
      Require(verified && Same(*verified, c));
      break;
    }
    case 2: {
      if (rest.size() < 3) return 0;
      size_t at = size_t{uint8_t(rest[0])} << 8 | uint8_t(rest[1]);
      char to = rest[2];
      rest.remove_prefix(3);
      domain::AuditCheckpoint c = Parts(rest);
      std::string line = Signed(k, c);
      line[at % line.size()] = to;
      auto verified = app::VerifyCheckpoint(*k.crypto, k.key.public_key, line);
      Require(!verified || Same(*verified, c));
      break;
    }
    case 3: {
      domain::AuditCheckpoint c{"demo", 1, Bytes(domain::kCheckpointHashSize, 7), 0};
      Bytes key(rest.begin(), rest.end());
      auto verified = app::VerifyCheckpoint(*k.crypto, key, Signed(k, c));
      Require(!verified || key == k.key.public_key);
      break;
    }
  }
  return 0;
}
