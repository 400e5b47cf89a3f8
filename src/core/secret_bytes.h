// SecretBytes: key material. Not copyable (Clone() is explicit) and wiped when destroyed.
// Long-lived keys (master, tenant keys) are also locked in memory with Lock(); per-request
// keys are not, because mlock splits the heap's mappings and costs two system calls per key.
// Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace konfid {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);
  SecretBytes(const uint8_t* data, size_t size);
  ~SecretBytes();

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;

  SecretBytes Clone() const { return SecretBytes(data(), size()); }
  // Keeps the bytes out of swap where the system allows it (best effort). Idempotent.
  void Lock();

  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::span<const uint8_t> span() const { return {bytes_.data(), bytes_.size()}; }

  // Constant-time comparison.
  bool Equals(const SecretBytes& other) const;

 private:
  void Wipe();
  std::vector<uint8_t> bytes_;
  bool locked_ = false;
};

// Overwrites memory in a way the compiler may not elide.
void SecureWipe(void* data, size_t size);

}  // namespace konfid
