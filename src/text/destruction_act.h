// The act of destruction as a document a person reads (templates/destruction-act.<lang>.html):
// each item Roskomnadzor Order 179 asks of an act, and the extract of the audit log that goes
// with it, from the signed act alone (no policy is needed to print it). http/ serves it as
// GET /v1/destruction-acts/{id}?format=html.
//
// Pure: renders what it is given. Values are escaped as HTML. Thread-safe.
#pragma once

#include <string>

#include "domain/destruction_act.h"
#include "text/policy_text.h"

namespace konfid::text {

std::string RenderDestructionAct(const domain::DestructionAct& act, Lang lang);

}  // namespace konfid::text
