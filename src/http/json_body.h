// Request bodies before any route sees them: the media type check and the strict JSON parse.
// Pure functions of their input (no I/O, no globals), so a fuzzer can drive them directly.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "core/error.h"

namespace konfid::http {

// True when the Content-Type `header` names exactly `type` ("application/json"): type and
// subtype compared without regard to case, parameters (`; charset=utf-8`) allowed, nothing
// else ("application/json-evil", "application/jsonx" and an empty header are not it).
bool IsMediaType(std::string_view header, std::string_view type);

// The body as a JSON object: InvalidArgument `invalid_json` for text that is not JSON or not
// an object, `duplicate_field` for an object, at any depth, that names a member twice (JSON
// leaves duplicates to the reader; taking the first or the last would let a client smuggle
// one value past whatever read the body before Konfid).
Result<boost::json::object> ParseJsonBody(std::string_view body);

}  // namespace konfid::http
