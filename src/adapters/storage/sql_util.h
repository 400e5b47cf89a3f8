// Small helpers shared by the SQL backends (no library headers).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace konfid::adapters {

// Audit field-name lists are stored comma-joined; field names cannot contain a comma.
std::string JoinFields(const std::vector<std::string>& fields);
std::vector<std::string> SplitFields(const std::string& joined);

// Ok when current == expected; otherwise an error that says what to do.
Status CompareSchemaVersion(int current, int expected);

}  // namespace konfid::adapters
