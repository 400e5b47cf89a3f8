// Master key rotation in steps that a running server can live beside, and that resume when
// interrupted (docs/operations.md, "Key rotation"):
//
//   1. BeginRotation: one transaction, under the exclusive key-epoch lock, rewraps every
//      tenant's keys, makes the new key the database's current one and records the old one as
//      previous. From its commit on every writer wraps under the new key (Keyring::FollowEpoch
//      in each group-commit batch), and unwraps with either.
//   2. RewrapSubjectKeys: a page of subject keys per transaction, moving a cursor with each.
//   3. FinishRotation: forgets the old key's check value and records the rotation in every
//      tenant's audit chain. Only then may the old key go.
#pragma once

#include <cstdint>
#include <string>

#include "app/keyring.h"
#include "ports/clock.h"

namespace konfid::app {

struct RotationStatus {
  bool rewrapping = false;  // begun, not finished
  int64_t epoch = 1;        // the current key's number
};

Result<RotationStatus> ReadRotationStatus(ports::Storage& storage);

// Makes `next` the current master key. `keyring` holds the current one. Conflict (reason
// rotation_in_progress) when a rotation is still rewrapping; PermissionDenied when the
// keyring's key is not the database's.
Status BeginRotation(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring,
                     const SecretBytes& next);

// Rewraps what is still under `old_key` with `new_key`, from the recorded cursor on; keys
// already under the new one (subjects created since step 1) stay. DataLoss naming the
// subject id when a key opens under neither. Returns the number rewrapped. Stops after
// `max_pages` pages (the next call goes on from there).
Result<uint64_t> RewrapSubjectKeys(ports::Storage& storage, ports::Crypto& crypto,
                                   const SecretBytes& old_key, const SecretBytes& new_key,
                                   size_t page = 1000, size_t max_pages = SIZE_MAX);

// Ends the rotation; appends a master_key_rotated event (actor `actor`) to every tenant's
// chain in the same transaction. `keyring` must have every tenant loaded.
Status FinishRotation(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring,
                      ports::Clock& clock, const std::string& actor);

}  // namespace konfid::app
