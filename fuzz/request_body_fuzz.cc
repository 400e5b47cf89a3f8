// The request bodies a client sends (src/http/bodies.h). The first byte picks the route's
// parser (bits 0-3, or bit 6 for a technical event) and the Content-Type (bits 4-5); the rest
// is the body, as Beast hands it to the route.
#include <cstddef>
#include <cstdint>

#include "domain/consent.h"
#include "http/bodies.h"

namespace {

using namespace konfid;

// A parser must never accept what it promised to refuse.
void Require(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckIp(const std::string& ip) {
  if (auto cut = domain::TruncateIp(ip)) Require(cut->ends_with("/24") || cut->ends_with("/48"));
}

// The data-subject request bodies (bit 3 of the first byte set).
void ParseRequestOne(uint8_t pick, const http::Request& req) {
  switch (pick & 7) {
    case 0:
    case 1: {
      bool staff = pick & 1;
      auto r = http::ParseRequestBody(req, staff);
      if (r) {
        Require(staff || (r->details.document.empty() && r->subject.empty()));
        Require(r->details.fields.size() <= 64 && r->details.purposes.size() <= 64);
        Require(r->details.text.size() <= 4 * 4000);  // at most 4000 characters of UTF-8
      }
      return;
    }
    case 2: {
      auto r = http::ParseMoveBody(req);
      if (r) Require(r->reason.size() <= 4 * 2000 && r->ground.size() <= 4 * 500);
      return;
    }
    case 3: {
      auto r = http::ParseBlocksBody(req);
      if (r)
        for (const auto& f : *r) Require(!f.empty() && f.size() <= 64);
      return;
    }
    case 4:
    case 5: {
      auto r = http::ParseCodeBody(req);
      if (r) Require((r->channel == "email" || r->channel == "phone") && !r->address.empty());
      return;
    }
    case 6: {
      (void)http::ParseSessionBody(req);
      return;
    }
    default: {
      auto r = http::ParseDisclosureBody(req);
      if (r) {
        Require(!r->subjects.empty() && r->subjects.size() <= app::Disclosures::kMaxSubjects);
        for (const auto& id : r->subjects) Require(app::Kernel::IsValidId(id));
        Require(!r->ground.empty() && r->fields.size() <= 64);
        if (r->document)
          Require(!r->document->authority.empty() && !r->document->number.empty() &&
                  r->document->number.size() <= 4 * 100);
      }
      return;
    }
  }
}

// A site's technical event: shapes only, the values are the use case's to check.
void ParseEventOne(const http::Request& req) {
  auto r = http::ParseEventBody(req);
  if (!r) return;
  Require(!r->tenant.empty() && r->tenant.size() <= 4 * 63 && !r->kind.empty());
  Require(r->visitor.size() <= 4 * 64 && r->page.size() <= 4 * 2048);
  Require(r->ip.empty() && !r->gpc);  // from the connection and its headers, never the body
}

void ParseOne(uint8_t pick, const http::Request& req) {
  if (pick & 0x40) return ParseEventOne(req);
  if (pick & 8) return ParseRequestOne(pick, req);
  switch (pick & 7) {
    case 0:
    case 1: {
      bool allow_null = pick & 1;
      auto r = http::ParseFieldsBody(req, allow_null);
      if (r)
        for (const auto& [name, value] : *r) Require(allow_null || value.has_value());
      return;
    }
    case 2:
    case 3: {
      auto r = http::ParseRegistrationBody(req);
      if (r) {
        for (const auto& [name, value] : r->fields) Require(value.has_value());
        Require(r->policy_version >= 0);
        CheckIp(r->ip);
      }
      return;
    }
    case 4:
    case 5: {
      auto r = http::ParseConsentBody(req);
      if (r) {
        Require(!r->purpose.empty() && r->policy_version >= 0);
        CheckIp(r->ip);
      }
      return;
    }
    default: {
      auto r = http::ParseRenewalDecision(req);
      if (r) Require(r->version >= 0 && (r->lang == "ru" || r->lang == "en"));
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const char* const kTypes[] = {"application/json", "", "application/x-www-form-urlencoded",
                                       "text/plain"};
  http::Request req{http::beast_http::verb::post, "/", 11};
  if (const char* type = kTypes[(data[0] >> 4) & 3]; *type)
    req.set(http::beast_http::field::content_type, type);
  req.body().assign(reinterpret_cast<const char*>(data + 1), size - 1);
  ParseOne(data[0], req);
  return 0;
}
