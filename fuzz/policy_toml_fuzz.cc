// The policy loader: a policy file's text as `konfid policy check` and POST
// /v1/policy/versions read it (toml++, then the policy checks). A policy that passes is
// diffed against itself and every generated text is rendered, as publishing does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/config/toml_config.h"
#include "domain/policy_diff.h"
#include "text/policy_text.h"

namespace {

using namespace konfid;

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  adapters::TomlPolicyReader reader;
  auto policy = reader.Read(text, "policy.toml");
  if (!policy) {
    // Every refusal names the file and a line, so the operator can find it.
    Require(policy.error().message().starts_with("policy.toml:"));
    return 0;
  }
  Require(domain::DiffPolicies(*policy, *policy).empty());
  for (const auto& document : text::DocumentNames(*policy))
    for (auto lang : {text::Lang::kRu, text::Lang::kEn})
      for (auto format : {text::Format::kMarkdown, text::Format::kHtml})
        Require(text::RenderDocument(*policy, document, lang, format).has_value());
  return 0;
}
