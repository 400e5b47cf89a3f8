// Helpers the handlers share: responses, errors, and waiting for a use case.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "http/api.h"
#include "text/policy_text.h"

namespace konfid::http {

Error Invalid(std::string message, std::string reason);
// The problem response for `error`, in the request's HTTP version and keep-alive.
Response Problem(const Request& req, const Error& error);
// 204, no body.
Response NoContent(const Request& req);
// The body as a JSON object; a body of another media type, invalid JSON or not an object is
// refused.
Result<boost::json::object> ParseJsonObject(const Request& req);
// InvalidArgument (unknown_field) for a member not in `known`.
Status OnlyMembers(const boost::json::object& root, std::initializer_list<std::string_view> known,
                   const char* where);
boost::json::object ConsentEventJson(const domain::ConsentEvent& e);
// The string member `key` of `o`; empty when absent or not a string.
std::string StringMember(const boost::json::object& o, std::string_view key);
// application/json, Cache-Control: no-store.
Response Json(unsigned status, const boost::json::value& body, const Request& req);
Response Text(unsigned status, std::string body, std::string_view type, const Request& req);
// 405 (method_not_allowed) with Allow: `allow`, every method the path has.
Response MethodNotAllowed(const Request& req, std::string_view allow);
// An HTML page of a link a visitor follows (renewal, unsubscribe): not to be framed (a form
// inside another site's frame could be clicked unseen), no scripts, posting only back to
// Konfid, no Referer (the path holds the token), not cached.
Response HtmlPage(unsigned status, std::string html, const Request& req);
// A list's `limit` parameter: a decimal from 1 to `max`; nullopt for anything else.
std::optional<size_t> ParseLimit(std::string_view value, size_t max);
// The first language of an Accept-Language header that Konfid writes, if any.
std::optional<text::Lang> AcceptedLang(std::string_view header);

// Waits for a use case's call: `start` receives the callback, which the committer's thread calls;
// the result resumes the coroutine on the connection's own thread. The work guard keeps that
// thread's io_context running until the result is back, so a drain cannot stop the server
// while a request waits for its commit.
template <typename T, typename Start>
Result<T> Await(Start start, Yield yield) {
  namespace asio = boost::asio;
  return asio::async_initiate<Yield, void(Result<T>)>(
      [start = std::move(start)](auto handler) mutable {
        auto ex = asio::get_associated_executor(handler);
        auto work = std::make_shared<asio::executor_work_guard<decltype(ex)>>(ex);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        start([h, ex, work](Result<T> r) mutable {
          asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
          work->reset();
        });
      },
      yield);
}

}  // namespace konfid::http
