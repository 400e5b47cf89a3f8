// A small logic-less template engine (a subset of Mustache) for the texts Konfid publishes.
//
//   {{name}}        the value of `name`, escaped by the template's escaper; dotted names
//                   (`operator.name`) walk objects; {{.}} is the current item
//   {{{name}}}      the value, not escaped
//   {{#name}}..{{/name}}  a list: once per item; an object: once, inside it; true or a
//                   non-empty string: once; false, missing, empty: not at all
//   {{^name}}..{{/name}}  once when {{#name}} would render nothing
//   {{! comment }}
// A line holding only a section tag or a comment disappears whole, so templates can put tags
// on lines of their own. Items of a list see `first` and `last`. Thread-safe: a parsed
// Template is immutable.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace konfid::text {

class Value {
 public:
  using List = std::vector<Value>;
  using Object = std::map<std::string, Value, std::less<>>;

  Value() = default;
  Value(bool b) : v_(b) {}  // NOLINT: implicit on purpose, for terse contexts
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(List l) : v_(std::move(l)) {}
  Value(Object o) : v_(std::move(o)) {}

  const std::string* AsString() const { return std::get_if<std::string>(&v_); }
  const List* AsList() const { return std::get_if<List>(&v_); }
  const Object* AsObject() const { return std::get_if<Object>(&v_); }
  const bool* AsBool() const { return std::get_if<bool>(&v_); }
  // True when a section of this value renders.
  bool Truthy() const;

  // For objects: sets a member and returns *this.
  Value& Set(std::string key, Value v);

 private:
  std::variant<std::monostate, bool, std::string, List, Object> v_;
};

using Escaper = std::function<std::string(std::string_view)>;

class Template {
 public:
  // Parses `source` (named `name` in errors): InvalidArgument naming the line for an
  // unclosed or mismatched section or an unterminated tag.
  static Result<Template> Parse(std::string_view source, const std::string& name);

  // Renders with `context`. Missing names render as nothing.
  std::string Render(const Value& context, const Escaper& escape) const;

  struct Node;

 private:
  std::shared_ptr<const std::vector<Node>> nodes_;
};

}  // namespace konfid::text
