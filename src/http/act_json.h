// The claims of an act of destruction read back (the inverse of domain::DestructionActClaims):
// for the act's page and for `konfid act verify`. Pure; thread-safe; a fuzz target drives it.
#pragma once

#include <string_view>

#include "core/error.h"
#include "domain/destruction_act.h"

namespace konfid::http {

// The act the claims describe, its audit events' tenant set from the act's. InvalidArgument
// (reason invalid_act) for claims that are not JSON, miss or mistype a member, name an unknown
// method or reason, or are not written exactly as DestructionActClaims writes them (members in
// its order, none added, no whitespace): signed claims are canonical, so anything else was not
// made by Konfid.
Result<domain::DestructionAct> ParseDestructionActClaims(std::string_view claims);

}  // namespace konfid::http
