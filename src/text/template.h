// Logic-less Mustache templates for the texts Konfid publishes, rendered by kainjow's
// Mustache library (libkainjow-mustache-dev). This header is Konfid's own; the library's
// header is included only by template.cc.
//
//   {{name}}        the value of `name`, escaped by the template's escaper; dotted names
//                   (`operator.name`) walk objects; {{.}} is the current item
//   {{{name}}}, {{&name}}  the value, not escaped
//   {{#name}}..{{/name}}  a list: once per item; an object, true or a non-empty string: once,
//                   inside it; false, missing, an empty string or list: not at all
//   {{^name}}..{{/name}}  once when {{#name}} would render nothing
//   {{>name}}       the partial `name` (another Template given to Render), in the current
//                   context and with this template's escaper
//   {{! comment }}
// A line holding only a section, partial or comment tag disappears whole, as the Mustache
// spec's "standalone" lines do, so templates can put tags on lines of their own (a standalone
// partial is not indented). Items of a list see `first` and `last`. A bool renders as
// nothing. Set-delimiter tags are refused. Thread-safe: a parsed Template is immutable.
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

  // For objects: sets a member and returns *this.
  Value& Set(std::string key, Value v);

 private:
  std::variant<std::monostate, bool, std::string, List, Object> v_;
};

// Turns a value into text safe for the template's language (HTML, Markdown, plain text).
using Escaper = std::function<std::string(std::string_view)>;

class Template {
 public:
  // Parses `source` (named `name` in errors). `escape` applies to every {{name}}; an empty
  // one means HTML escaping (& < > " '). InvalidArgument naming the line for an unclosed or
  // mismatched section or an unterminated tag; for a set-delimiter tag.
  static Result<Template> Parse(std::string_view source, const std::string& name,
                                Escaper escape = {});

  // Renders with `context`; {{>name}} reads `partials` and renders nothing for a name it
  // lacks. Missing names render as nothing.
  std::string Render(const Value& context) const;
  std::string Render(const Value& context,
                     const std::map<std::string, Template, std::less<>>& partials) const;

  struct Impl;

 private:
  class Context;  // kainjow's context, with partials from Render's argument
  std::shared_ptr<const Impl> impl_;
};

// Templates by name, for {{>name}}.
using Partials = std::map<std::string, Template, std::less<>>;

}  // namespace konfid::text
