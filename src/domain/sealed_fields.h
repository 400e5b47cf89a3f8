// The stored form of a subject's field values: each value sealed on its own, all of them
// packed into one blob. Grammar (docs/architecture.md, "Stored formats"):
//   blob   = (version:u8(=1) | version:u8(=2) key_generation:u32) count:u16 entry*
//   entry  = name_len:u8 name ct_len:u32 ciphertext
// Integers are big-endian. Ciphertext is nonce || AEAD output. The key generation names the
// subject's data key the values are sealed under (0, written as version 1, for the first;
// app/rekey.h makes the next ones).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"

namespace konfid::domain {

using SealedFields = std::map<std::string, Bytes>;

// One entry of a packed blob, pointing into it: valid while the blob is.
struct SealedFieldView {
  std::string_view name;
  std::span<const uint8_t> ciphertext;
};

Bytes PackSealedFields(const SealedFields& fields, uint32_t key_generation = 0);
// The key generation of a packed blob; DataLoss when its header is malformed.
Result<uint32_t> SealedFieldsKeyGeneration(std::span<const uint8_t> blob);
// DataLoss when the blob is malformed.
Result<SealedFields> UnpackSealedFields(std::span<const uint8_t> blob);
// The same entries without copying them, in the blob's order (by name, as packed). DataLoss
// when the blob is malformed: the hot read paths take names and ciphertexts from here.
Result<std::vector<SealedFieldView>> ViewSealedFields(std::span<const uint8_t> blob);

// Associated data that binds a sealed value to its tenant, subject and field.
std::string FieldAssociatedData(std::string_view tenant, std::string_view subject,
                                std::string_view field);

}  // namespace konfid::domain
