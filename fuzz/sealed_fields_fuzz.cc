// The sealed-fields blob (subjects.fields): read back from the database on every read, so a
// damaged or altered row must be refused (DataLoss), never read out of bounds.
#include <cstddef>
#include <cstdint>
#include <span>

#include "domain/sealed_fields.h"

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace konfid::domain;
  std::span<const uint8_t> blob(data, size);
  auto views = ViewSealedFields(blob);
  auto fields = UnpackSealedFields(blob);
  Require(views.has_value() == fields.has_value());
  if (!fields) {
    Require(fields.error().code() == konfid::ErrorCode::kDataLoss);
    return 0;
  }
  auto generation = SealedFieldsKeyGeneration(blob);
  Require(generation.has_value());
  size_t total = data[0] == 2 ? 7 : 3;  // version 2 writes the key generation
  for (const auto& v : *views) {
    Require(v.ciphertext.data() >= data &&
            v.ciphertext.data() + v.ciphertext.size() <= data + size);
    total += 1 + v.name.size() + 4 + v.ciphertext.size();
  }
  Require(total == size);
  // What is packed again reads back the same.
  konfid::Bytes packed = PackSealedFields(*fields, *generation);
  auto again = UnpackSealedFields(packed);
  Require(again && *again == *fields);
  auto written = SealedFieldsKeyGeneration(packed);
  Require(written && *written == *generation);
  return 0;
}
