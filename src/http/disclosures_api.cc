// Disclosures for staff: disclosing subjects' data to a recipient of the policy or to an
// authority, and the record of what was disclosed (docs/disclosures.md).
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/reply_json.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// ?subject=&recipient=&after=&limit=1..200; anything else is refused.
Result<ports::DisclosureFilter> ParseListQuery(const boost::urls::url_view& target) {
  ports::DisclosureFilter f;
  for (auto p : target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key, value = p.value;
    bool ok = true;
    if (key == "subject") {
      f.subject = value;
      ok = app::Kernel::IsValidId(value);
    } else if (key == "recipient") {
      f.recipient = value;
      ok = !value.empty() && value.size() <= 64;
    } else if (key == "after") {
      f.after = value;
      ok = app::Kernel::IsValidId(value);
    } else if (key == "limit") {
      auto limit = ParseLimit(value, app::Disclosures::kMaxListed);
      ok = limit.has_value();
      f.limit = limit.value_or(0);
    } else {
      ok = false;
    }
    if (!ok)
      return Fail(
          Invalid("the list takes subject (an id), recipient, after (a disclosure id) "
                  "and limit (1-200); '" +
                      key.substr(0, 32) + "' is not one of them or is malformed",
                  "invalid_query"));
  }
  return f;
}

}  // namespace

Response Api::Disclose(const Call& call) {
  auto order = ParseDisclosureBody(call.req);
  if (!order) return Problem(call.req, order.error());
  auto made = Await<app::SealedDisclosure>(
      [&](auto cb) { d_.disclosures.Disclose(*call.actor, std::move(*order), std::move(cb)); },
      call.yield);
  if (!made) return Problem(call.req, made.error());
  auto opened = d_.disclosures.Open(*made);
  if (!opened) return Problem(call.req, opened.error());
  json::array subjects;
  for (auto& s : *opened) {
    json::object fields;
    for (auto& [name, value] : s.fields) {
      fields[name] = value;
      SecureWipe(value.data(), value.size());
    }
    subjects.push_back(json::object{
        {"disclosure", s.disclosure_id}, {"subject", s.subject}, {"fields", std::move(fields)}});
  }
  return Json(200, json::object{{"time", FormatRfc3339(made->time)}, {"subjects", subjects}},
              call.req);
}

Response Api::DisclosureList(const Call& call) {
  auto filter = ParseListQuery(call.target);
  if (!filter) return Problem(call.req, filter.error());
  size_t limit = filter->limit;
  auto list = Await<std::vector<app::DisclosureView>>(
      [&](auto cb) { d_.disclosures.List(*call.actor, *filter, std::move(cb)); }, call.yield);
  if (!list) return Problem(call.req, list.error());
  json::array items;
  for (const auto& d : *list) items.push_back(DisclosureJson(d, /*with_actor=*/true));
  json::object body{{"disclosures", std::move(items)}};
  body["next"] =
      list->size() == limit && !list->empty() ? json::value(list->back().id) : json::value(nullptr);
  return Json(200, body, call.req);
}

}  // namespace konfid::http
