// Reads the service configuration and policy files (TOML, toml++).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "ports/config.h"

namespace konfid::adapters {

// Reads konfid.toml; policy paths in it are relative to the file. InvalidArgument naming
// file, line and what is wrong.
Result<ports::ServiceConfig> LoadServiceConfig(const std::string& path);
// The same for the file's text (`path` names it in errors and anchors relative policy paths).
Result<ports::ServiceConfig> ParseServiceConfig(std::string_view text, const std::string& path);

// Parses a policy file's text without the policy checks: fails (name:line: what) only on
// TOML syntax, unknown keys and values of the wrong type. `source` of the result is `text`.
Result<domain::TenantPolicy> ParsePolicy(std::string_view text, const std::string& name);

// Reads a policy file from disk (ParsePolicy).
Result<domain::TenantPolicy> ParsePolicyFile(const std::string& path);

// ParsePolicyFile, then the checks: the first error fails as "path:line: message".
Result<domain::TenantPolicy> LoadPolicyFile(const std::string& path);

class TomlPolicyReader : public ports::PolicyReader {
 public:
  Result<domain::TenantPolicy> Read(std::string_view text, const std::string& name) const override;
};

}  // namespace konfid::adapters
