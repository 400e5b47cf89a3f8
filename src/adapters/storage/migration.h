// A numbered schema migration, compiled into the binary from migrations/<backend>/.
#pragma once

#include <string_view>
#include <vector>

namespace konfid::adapters {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

}  // namespace konfid::adapters
