// The claims of an act of destruction read back (http/act_json.h; `konfid act verify` and the
// act's page): claims that parse are exactly the bytes DestructionActClaims writes for the
// act they give, and the act renders as a document in both languages without fault.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/act_json.h"
#include "text/destruction_act.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace konfid;
  std::string_view claims(reinterpret_cast<const char*>(data), size);
  auto act = http::ParseDestructionActClaims(claims);
  if (!act) {
    if (act.error().reason() != "invalid_act") __builtin_trap();
    return 0;
  }
  if (domain::DestructionActClaims(*act) != claims) __builtin_trap();
  (void)domain::CheckActExtract(*act);
  (void)text::RenderDestructionAct(*act, text::Lang::kRu);
  (void)text::RenderDestructionAct(*act, text::Lang::kEn);
  return 0;
}
