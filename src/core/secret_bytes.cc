#include "core/secret_bytes.h"

#include <string.h>
#include <sys/mman.h>

namespace konfid {

void SecureWipe(void* data, size_t size) {
  if (data != nullptr && size > 0) explicit_bzero(data, size);
}

SecretBytes::SecretBytes(size_t size) : bytes_(size, 0) {}

void SecretBytes::Lock() {
  if (!locked_ && !bytes_.empty())
    locked_ = mlock(bytes_.data(), bytes_.size()) == 0;  // RLIMIT_MEMLOCK may refuse
}

SecretBytes::SecretBytes(const uint8_t* data, size_t size) : SecretBytes(size) {
  if (size > 0) memcpy(bytes_.data(), data, size);
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : bytes_(std::move(other.bytes_)), locked_(other.locked_) {
  other.bytes_.clear();
  other.locked_ = false;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    locked_ = other.locked_;
    other.bytes_.clear();
    other.locked_ = false;
  }
  return *this;
}

bool SecretBytes::Equals(const SecretBytes& other) const {
  if (size() != other.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < size(); ++i) diff |= bytes_[i] ^ other.bytes_[i];
  return diff == 0;
}

void SecretBytes::Wipe() {
  if (!bytes_.empty()) {
    SecureWipe(bytes_.data(), bytes_.size());
    if (locked_) (void)munlock(bytes_.data(), bytes_.size());
  }
}

}  // namespace konfid
