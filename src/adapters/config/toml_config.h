// Reads the service configuration and policy files (TOML, toml++).
#pragma once

#include <string>

#include "core/error.h"
#include "ports/config.h"

namespace konfid::adapters {

// Reads konfid.toml; policy paths in it are relative to the file. InvalidArgument naming
// file, line and what is wrong.
Result<ports::ServiceConfig> LoadServiceConfig(const std::string& path);

// Reads one tenant policy file.
Result<domain::TenantPolicy> LoadPolicyFile(const std::string& path);

}  // namespace konfid::adapters
