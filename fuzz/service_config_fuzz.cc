// The service configuration loader (konfid.toml). It sits beside the example policy, so that a
// [[tenant]] naming "policy.toml" reaches the policy loader too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/config/toml_config.h"

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config =
      konfid::adapters::ParseServiceConfig(text, KONFID_SOURCE_DIR "/examples/konfid.toml");
  if (!config) return 0;
  // What the loader promises the server it configures.
  Require(!config->tenants.empty());
  Require(config->body_limit >= 1024 && config->body_limit <= 64 * 1024 * 1024);
  Require(config->threads <= 256);
  Require(config->mail.token_hours >= 1 && config->mail.token_hours <= 720);
  return 0;
}
