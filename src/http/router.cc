#include "http/router.h"

namespace konfid::http {

namespace verb_ns = boost::beast::http;

namespace {

constexpr std::array<std::pair<uint8_t, std::string_view>, 6> kMethods = {{
    {kGet, "GET"},
    {kHead, "HEAD"},
    {kPost, "POST"},
    {kPut, "PUT"},
    {kPatch, "PATCH"},
    {kDelete, "DELETE"},
}};

Error Malformed(std::string_view pattern, std::string_view why) {
  return Error(ErrorCode::kInvalidArgument,
               "route pattern '" + std::string(pattern) + "': " + std::string(why));
}

}  // namespace

uint8_t MethodBitOf(verb_ns::verb verb) {
  switch (verb) {
    case verb_ns::verb::get:
      return kGet;
    case verb_ns::verb::head:
      return kHead;
    case verb_ns::verb::post:
      return kPost;
    case verb_ns::verb::put:
      return kPut;
    case verb_ns::verb::patch:
      return kPatch;
    case verb_ns::verb::delete_:
      return kDelete;
    default:
      return 0;  // a method no row names: only rows for every method match it
  }
}

std::string AllowHeader(uint8_t methods) {
  std::string out;
  for (const auto& [bit, name] : kMethods)
    if (methods & bit) out.append(out.empty() ? "" : ", ").append(name);
  return out;
}

std::string_view PathParams::Get(std::string_view name) const {
  for (size_t i = 0; i < size_; ++i)
    if (items_[i].first == name) return items_[i].second;
  return {};
}

void PathParams::Add(std::string_view name, std::string_view value) {
  if (size_ < kMax) items_[size_++] = {name, value};  // Create allows no more than kMax
}

Status Router::AddPattern(std::vector<Path>& paths, std::string_view pattern, size_t row) {
  uint8_t method = kAnyMethod;
  std::string_view path = pattern;
  if (size_t space = pattern.find(' '); space != std::string_view::npos) {
    method = 0;
    for (const auto& [bit, name] : kMethods)
      if (pattern.substr(0, space) == name) method = bit;
    if (!method) return Fail(Malformed(pattern, "unknown method"));
    path = pattern.substr(space + 1);
  }
  if (!path.starts_with('/')) return Fail(Malformed(pattern, "the path must start with '/'"));
  Path p{path, "", path, true, {}, {}, 0};
  size_t params = 0;
  for (size_t pos = 1; pos <= path.size();) {
    size_t end = std::min(path.find('/', pos), path.size());
    std::string_view seg = path.substr(pos, end - pos);
    if (!seg.starts_with('{')) {
      if (seg.find_first_of("{}") != std::string_view::npos)
        return Fail(Malformed(pattern, "a parameter must be a whole segment"));
      p.segments.push_back({Segment::kLiteral, seg});
    } else {
      if (!seg.ends_with('}') || seg.size() < 3)
        return Fail(Malformed(pattern, "an empty or unclosed parameter"));
      std::string_view name = seg.substr(1, seg.size() - 2);
      bool rest = name.ends_with("...");
      if (rest) name.remove_suffix(3);
      if (name.empty()) return Fail(Malformed(pattern, "a parameter needs a name"));
      if (rest && end != path.size()) return Fail(Malformed(pattern, "{name...} must end it"));
      if (++params > 4) return Fail(Malformed(pattern, "more than four parameters"));
      if (p.literal) p.prefix = path.substr(0, pos);
      p.literal = false;
      p.segments.push_back({rest ? Segment::kRest : Segment::kParam, name});
    }
    pos = end + 1;
  }
  for (const Segment& s : p.segments) {
    p.label.append("/");
    if (s.kind == Segment::kLiteral)
      p.label.append(s.text);
    else
      p.label.append("{").append(s.text).append("}");
  }
  for (Path& known : paths)
    if (known.path == path) {
      if (known.methods & method) return Fail(Malformed(pattern, "the same route twice"));
      known.methods |= method;
      known.rows.emplace_back(method, row);
      return Ok();
    }
  p.methods = method;
  p.rows.emplace_back(method, row);
  paths.push_back(std::move(p));
  return Ok();
}

Result<Router> Router::Create(std::span<const std::string_view> patterns) {
  Router r;
  for (size_t i = 0; i < patterns.size(); ++i) KONFID_TRY(AddPattern(r.paths_, patterns[i], i));
  return r;
}

bool Router::Matches(const Path& p, std::string_view path, PathParams& params) const {
  if (p.literal) return path == p.prefix;
  if (!path.starts_with(p.prefix)) return false;
  params.Clear();
  size_t pos = 0;  // path[pos] is the '/' before the next segment
  for (const Segment& s : p.segments) {
    if (pos >= path.size() || path[pos] != '/') return false;
    ++pos;
    if (s.kind == Segment::kRest) {
      params.Add(s.text, path.substr(pos));
      return true;
    }
    size_t end = std::min(path.find('/', pos), path.size());
    std::string_view seg = path.substr(pos, end - pos);
    if (s.kind == Segment::kLiteral ? seg != s.text : seg.empty()) return false;
    if (s.kind == Segment::kParam) params.Add(s.text, seg);
    pos = end;
  }
  return pos == path.size();
}

RouteMatch Router::Find(verb_ns::verb method, std::string_view path, PathParams& params) const {
  uint8_t bit = MethodBitOf(method);
  for (const Path& p : paths_) {
    if (!Matches(p, path, params)) continue;
    for (const auto& [methods, row] : p.rows)
      if ((methods & bit) || methods == kAnyMethod) return {RouteMatch::kFound, row, p.label, 0};
    return {RouteMatch::kMethodNotAllowed, 0, p.label, p.methods};
  }
  params.Clear();
  return {};
}

std::vector<Router::PathInfo> Router::Paths() const {
  std::vector<PathInfo> out;
  for (const Path& p : paths_) out.push_back({p.label, p.methods});
  return out;
}

}  // namespace konfid::http
