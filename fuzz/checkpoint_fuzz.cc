// The audit checkpoint parser: what `audit verify --checkpoint FILE` reads from a file an
// operator kept elsewhere (and an intruder may have written).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/checkpoint.h"

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace konfid::domain;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseCheckpoint(line);
  if (!parsed) return 0;
  // One checkpoint, one spelling: what parses is exactly the line its parts make again.
  Require(CheckpointLine(parsed->checkpoint, parsed->key_id, parsed->signature) == line);
  Require(parsed->checkpoint.seq >= 1);
  Require(parsed->checkpoint.hash.size() == kCheckpointHashSize);
  Require(parsed->signature.size() == kCheckpointSignatureSize);
  Require(parsed->signing_input == CheckpointSigningInput(parsed->checkpoint, parsed->key_id));
  return 0;
}
