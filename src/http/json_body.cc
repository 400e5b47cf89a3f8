#include "http/json_body.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace konfid::http {

namespace json = boost::json;

bool IsMediaType(std::string_view header, std::string_view type) {
  std::string_view essence = header.substr(0, header.find(';'));
  while (!essence.empty() && (essence.back() == ' ' || essence.back() == '\t'))
    essence.remove_suffix(1);
  while (!essence.empty() && (essence.front() == ' ' || essence.front() == '\t'))
    essence.remove_prefix(1);
  return essence.size() == type.size() &&
         std::equal(essence.begin(), essence.end(), type.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

namespace {

// Builds the document as Boost.JSON's own parser does (a value_stack) and also remembers the
// keys of every open object, so a second use of one key fails the parse where it stands.
// Small objects are checked as each key arrives; above kLinear members, once at the object's
// end by sorting, so a 64 KiB body of distinct keys costs n log n, not n².
class StrictHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  // `temp` (on the caller's stack) holds the value stack until it outgrows it, as in
  // boost::json::parse: no heap allocation for the parse of a small body.
  StrictHandler(unsigned char* temp, size_t size) : st(json::storage_ptr(), temp, size) {
    text_.reserve(256);
    keys_.reserve(16);
    starts_.reserve(4);
  }

  json::value_stack st;
  bool duplicate = false;
  std::string duplicate_key;  // the member named twice, when `duplicate`

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    starts_.push_back(keys_.size());
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    size_t start = starts_.back();
    if (n > kLinear && HasDuplicate(start, ec)) return false;
    if (start < keys_.size()) text_.resize(keys_[start].first);
    keys_.resize(start);
    starts_.pop_back();
    key_start_ = text_.size();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    text_.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    text_.append(s.data(), s.size());
    std::pair<size_t, size_t> key{key_start_, text_.size() - key_start_};
    size_t start = starts_.back();
    if (keys_.size() - start < kLinear)
      for (size_t i = start; i < keys_.size(); ++i)
        if (Text(keys_[i]) == Text(key)) return Duplicate(Text(key), ec);
    keys_.push_back(key);
    key_start_ = text_.size();
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code&) {
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  static constexpr size_t kLinear = 16;

  bool Duplicate(std::string_view key, json::error_code& ec) {
    duplicate = true;
    duplicate_key = key.substr(0, 64);
    ec = json::error::syntax;  // stops the parser; `duplicate` says why
    return false;
  }
  std::string_view Text(std::pair<size_t, size_t> key) const {
    return std::string_view(text_).substr(key.first, key.second);
  }
  bool HasDuplicate(size_t start, json::error_code& ec) {
    std::vector<std::string_view> sorted;
    sorted.reserve(keys_.size() - start);
    for (size_t i = start; i < keys_.size(); ++i) sorted.push_back(Text(keys_[i]));
    std::sort(sorted.begin(), sorted.end());
    auto twice = std::adjacent_find(sorted.begin(), sorted.end());
    return twice != sorted.end() && !Duplicate(*twice, ec);
  }

  // The keys of every open object, innermost last, as (offset, length) into text_, which
  // holds them end to end (one buffer, not a string per key); then the key being read, which
  // can arrive in parts, from key_start_.
  std::string text_;
  std::vector<std::pair<size_t, size_t>> keys_;
  std::vector<size_t> starts_;  // where each open object's keys begin in keys_
  size_t key_start_ = 0;
};

Error BadJson(const char* message, const char* reason) {
  return Error(ErrorCode::kInvalidArgument, message).WithReason(reason);
}

}  // namespace

Result<json::object> ParseJsonBody(std::string_view body) {
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  json::basic_parser<StrictHandler> parser(json::parse_options{}, temp, sizeof temp);
  parser.handler().st.reset();
  json::error_code ec;
  size_t used = parser.write_some(false, body.data(), body.size(), ec);
  if (parser.handler().duplicate)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "member '" + parser.handler().duplicate_key + "' is given twice")
                    .WithReason("duplicate_field"));
  if (ec || used != body.size()) return Fail(BadJson("the body is not valid JSON", "invalid_json"));
  json::value doc = parser.handler().st.release();
  if (!doc.is_object()) return Fail(BadJson("the body must be a JSON object", "invalid_json"));
  return std::move(doc.get_object());
}

}  // namespace konfid::http
