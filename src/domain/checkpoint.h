// Signed audit checkpoints: the head of a tenant's audit chain (seq and hash) at a moment,
// signed with the tenant's Ed25519 key as a compact JWS, one per line. Anyone who keeps a copy
// of a checkpoint can later prove that the chain still holds the event it names, which a
// truncated chain with a rewound head cannot. The grammar is in docs/audit_log_format.md
// ("Checkpoints"); keep the two in step.
//
// Pure functions: parsing takes any bytes (a hostile file included) and returns an error for
// anything that is not exactly one canonical checkpoint; it never throws or reads out of range.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/error.h"
#include "core/time.h"

namespace konfid::domain {

struct AuditCheckpoint {
  std::string tenant;
  uint64_t seq = 0;     // the head's event, >= 1
  Bytes hash;           // that event's hash, 32 bytes
  UnixMicros time = 0;  // when the checkpoint was signed
};

inline constexpr size_t kCheckpointHashSize = 32;
inline constexpr size_t kCheckpointSignatureSize = 64;
// A line longer than this is not a checkpoint (a canonical one is under 400 bytes).
inline constexpr size_t kMaxCheckpointLine = 1024;

// The canonical JWS header and payload (JSON text, fixed member order, no spaces).
std::string CheckpointHeader(std::string_view key_id);
std::string CheckpointPayload(const AuditCheckpoint& checkpoint);
// b64url(header) "." b64url(payload): the bytes the Ed25519 signature covers.
std::string CheckpointSigningInput(const AuditCheckpoint& checkpoint, std::string_view key_id);
// The checkpoint line (without a newline), given the signature over the signing input.
std::string CheckpointLine(const AuditCheckpoint& checkpoint, std::string_view key_id,
                           std::span<const uint8_t> signature);

// A parsed line, its signature not yet checked.
struct SignedCheckpoint {
  AuditCheckpoint checkpoint;
  std::string key_id;         // "<tenant>-<16 hex>"
  std::string signing_input;  // what the signature covers
  Bytes signature;            // 64 bytes
};

// Parses one line (no newline). InvalidArgument saying what is wrong unless the line is
// exactly a canonical checkpoint: the header and payload must be byte for byte what
// CheckpointHeader and CheckpointPayload produce, so that one checkpoint has one spelling.
Result<SignedCheckpoint> ParseCheckpoint(std::string_view line);

}  // namespace konfid::domain
