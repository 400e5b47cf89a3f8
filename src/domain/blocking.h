// What of a subject is blocked (152-FZ Art. 3(10), 21; GDPR Art. 18): kept, but not processed
// until a staff decision lifts it (app/blocks.h says which reads and sends refuse it). Stored as
// the subjects table's `blocked` text. Pure functions.
//
// Grammar:
//   blocked = "" / "*" / field *( "," field )     ; field names sorted, unique
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace konfid::domain {

struct Blocked {
  bool all = false;              // the whole subject
  std::set<std::string> fields;  // else these fields
  bool empty() const { return !all && fields.empty(); }
  bool operator==(const Blocked&) const = default;
};

Blocked ParseBlocked(std::string_view text);
std::string FormatBlocked(const Blocked& blocked);

// The first of `fields` that `blocked` covers (any of them when the whole subject is
// blocked); nullopt when none is.
std::optional<std::string> FirstBlocked(const Blocked& blocked,
                                        const std::vector<std::string>& fields);

}  // namespace konfid::domain
