// Route matching over a table of rows (routes.cc holds Konfid's). A row's pattern is written
// in the notation of Go 1.22's net/http: "GET /v1/subjects/{id}", an optional method then
// the path; "{name}" matches one non-empty segment, a final "{name...}" the rest of the path
// (empty included); a pattern without a method matches every method. Unlike Go, GET does
// not also match HEAD, and paths are tried in table order rather than most specific first
// (Konfid's patterns do not overlap). A row's metric label is its path, "{name...}" written
// "{name}".
//
// Matching allocates nothing: the parameters are views into the path. A Router is immutable
// after Create; Find is thread-safe.
#pragma once

#include <ostream>  // before Beast's verb.hpp, which uses it without including it

#include <array>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/roles.h"
#include "core/error.h"

namespace konfid::http {

// Who may call a route.
enum class Access {
  kPublic,       // nobody's key is looked at (a link's token, if any, is the credential)
  kKeyOptional,  // public, but a key sent is authenticated (it names the tenant)
  kKey,          // a valid key of a tenant configured here, with the row's permission
  kSelf,         // a visitor's self session (Authorization: Bearer <session>), checked by the
                 // use case in its transaction (app/self_identity.h)
};

// A route row: what it matches, who may call it, what it does, and its handler. `Handler`
// is whatever the table's owner calls (Api's member functions in routes.cc).
template <typename Handler>
struct RouteRow {
  std::string_view pattern;  // "GET /v1/subjects/{id}"
  Access access;
  app::Permission permission;  // checked against the role table (app/roles.h)
  bool rate_limited;           // per client and route (public routes whose token is a credential)
  Handler handler;
};

// The methods of the API, one bit each; Allow lists them in this order.
enum MethodBit : uint8_t {
  kGet = 1,
  kHead = 2,
  kPost = 4,
  kPut = 8,
  kPatch = 16,
  kDelete = 32,
  kAnyMethod = 0xff,
};
uint8_t MethodBitOf(boost::beast::http::verb verb);
// "GET, PATCH, DELETE" for those bits.
std::string AllowHeader(uint8_t methods);

// Named parameters of a match: views into the matched path.
class PathParams {
 public:
  // The value of {name}; empty when the pattern has no such parameter.
  std::string_view Get(std::string_view name) const;
  void Add(std::string_view name, std::string_view value);
  size_t size() const { return size_; }
  void Clear() { size_ = 0; }

 private:
  static constexpr size_t kMax = 4;
  std::array<std::pair<std::string_view, std::string_view>, kMax> items_{};
  size_t size_ = 0;
};

// What Find says about a (method, path).
struct RouteMatch {
  enum Outcome { kFound, kMethodNotAllowed, kNotFound } outcome = kNotFound;
  size_t row = 0;          // kFound: the index of the row in the table
  std::string_view label;  // kFound, kMethodNotAllowed: the metric label of the path
  uint8_t allow = 0;       // kMethodNotAllowed: every method the path has
};

class Router {
 public:
  // Compiles the patterns, which must outlive the Router (a table's string literals):
  // InvalidArgument naming the first that is malformed (an unknown
  // method, a path not starting with '/', an empty or unclosed {}, "..." before the end,
  // more than four parameters) or the same method and path twice.
  static Result<Router> Create(std::span<const std::string_view> patterns);

  RouteMatch Find(boost::beast::http::verb method, std::string_view path, PathParams& params) const;

  // Each path of the table with its methods, in table order: the OpenAPI check reads these.
  struct PathInfo {
    std::string label;
    uint8_t methods;
  };
  std::vector<PathInfo> Paths() const;

 private:
  struct Segment {
    enum Kind : uint8_t { kLiteral, kParam, kRest } kind;
    std::string_view text;  // the literal, or the parameter's name
  };
  // One path of the table and its rows, one per method.
  struct Path {
    std::string_view path;  // as written in the pattern
    std::string label;
    std::string_view prefix;  // the literal text before the first parameter
    bool literal = true;      // no parameters: the path must equal `prefix`
    std::vector<Segment> segments;
    std::vector<std::pair<uint8_t, size_t>> rows;  // (methods, row index)
    uint8_t methods = 0;
  };
  bool Matches(const Path& p, std::string_view path, PathParams& params) const;
  static Status AddPattern(std::vector<Path>& paths, std::string_view pattern, size_t row);

  std::vector<Path> paths_;
};

}  // namespace konfid::http
