// The JSON of data-subject requests, disclosures and the access reply (docs/openapi.yaml), and the
// reply's facts for its HTML document (text/access_reply.h).
#pragma once

#include <boost/json.hpp>

#include "app/access_reply.h"
#include "app/requests.h"
#include "text/access_reply.h"

namespace konfid::http {

// A request as the queue and the self routes show it; its details only when it has them.
boost::json::object RequestJson(const app::RequestView& r);
// A recorded disclosure (docs/disclosures.md); `with_actor`: for staff, the key that made it.
boost::json::object DisclosureJson(const app::DisclosureView& d, bool with_actor);
// The access reply: 152-FZ Art. 14(7), item by item (docs/requests.md).
boost::json::object AccessReplyJson(const app::AccessReply& reply);
text::AccessFacts AccessFactsOf(const app::AccessReply& reply);

}  // namespace konfid::http
