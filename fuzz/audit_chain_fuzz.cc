// The audit chain verifier (`konfid audit verify`, docs/audit_log_format.md): its input is
// whatever the database holds, and the point of it is a database someone has altered. The
// fuzzer builds a tenant's events and head row; each event either sealed as the writer seals
// it or with what the input says, the fields column as the storage adapters read it back.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "adapters/crypto/sodium_crypto.h"
#include "adapters/storage/sql_util.h"
#include "domain/audit.h"

namespace {

using namespace konfid;

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

ports::Crypto& Crypto() {
  static auto* crypto = [] {
    auto c = adapters::SodiumCrypto::Create();
    if (!c) std::abort();
    return c->release();
  }();
  return *crypto;
}

const SecretBytes& AuditKey() {
  static const SecretBytes* key = new SecretBytes(Crypto().NewKey());
  return *key;
}

Bytes Mac(const Bytes& message) { return Crypto().Mac(AuditKey(), message); }

Bytes TakeHash(FuzzedDataProvider& in) {
  // Usually 32 bytes, sometimes another length: the column is a blob of any size.
  size_t n = in.ConsumeBool() ? domain::kAuditHashSize : in.ConsumeIntegralInRange<size_t>(0, 40);
  return in.ConsumeBytes<uint8_t>(n);
}

domain::AuditEvent TakeEvent(FuzzedDataProvider& in, uint64_t next_seq, const Bytes& prev,
                             bool& sealed) {
  domain::AuditEvent e;
  e.tenant = "demo";
  e.seq = in.ConsumeBool() ? next_seq : in.ConsumeIntegral<uint64_t>();
  e.time = in.ConsumeIntegral<int64_t>();
  e.actor = in.ConsumeRandomLengthString(64);
  e.operation = in.ConsumeRandomLengthString(32);
  e.subject_id = in.ConsumeRandomLengthString(40);
  e.fields = adapters::SplitFields(in.ConsumeRandomLengthString(128));
  e.purpose = in.ConsumeRandomLengthString(32);
  e.ground = in.ConsumeRandomLengthString(32);
  e.outcome = in.ConsumeRandomLengthString(16);
  e.reason = in.ConsumeRandomLengthString(32);
  sealed = in.ConsumeBool();
  e.prev_hash = sealed ? prev : TakeHash(in);
  e.hash = sealed ? Mac(domain::AuditCanonicalBytes(e)) : TakeHash(in);
  sealed = sealed && e.seq == next_seq;
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<domain::AuditEvent> events;
  Bytes prev(domain::kAuditHashSize, 0);
  bool all_sealed = true;
  size_t count = in.ConsumeIntegralInRange<size_t>(0, 32);
  for (size_t i = 0; i < count && in.remaining_bytes() > 0; ++i) {
    bool sealed = false;
    events.push_back(TakeEvent(in, events.size() + 1, prev, sealed));
    all_sealed = all_sealed && sealed;
    prev = events.back().hash;
  }
  bool honest_head = in.ConsumeBool();
  uint64_t head_seq = honest_head ? events.size() : in.ConsumeIntegral<uint64_t>();
  Bytes head_hash = honest_head ? (events.empty() ? Bytes() : prev) : TakeHash(in);

  domain::AuditChainVerifier verifier(Mac, head_seq, head_hash);
  for (const auto& e : events) verifier.Add(e);
  auto broken = verifier.Finish();
  // A chain written as the writer writes it verifies; one that verifies is one whose every
  // event carries the MAC of its contents and its predecessor's hash, up to the head row.
  if (all_sealed && honest_head) Require(!broken);
  if (!broken) {
    Bytes expect(domain::kAuditHashSize, 0);
    Require(head_seq == events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      Require(events[i].seq == i + 1 && events[i].prev_hash == expect);
      Require(events[i].hash == Mac(domain::AuditCanonicalBytes(events[i])));
      expect = events[i].hash;
    }
    if (!events.empty()) Require(head_hash == expect);
  } else {
    Require(broken->seq >= 1);
  }
  return 0;
}
