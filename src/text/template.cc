// Konfid's Template over kainjow's Mustache. Two gaps of kainjow 4.1 against the Mustache
// spec are closed here, before the library sees a template (docs/architecture.md,
// "Templates and Markdown"): it keeps the line of a standalone tag whose section does not
// render and of a standalone comment, and it drops any line that holds a rendered section
// tag and renders blank, standalone or not. So this file removes standalone lines itself and
// puts a mark beside every section tag, which keeps kainjow from dropping lines; the marks
// are taken out of the result.
#include "text/template.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <charconv>
#include <deque>
#include <unordered_map>

namespace konfid::text {

namespace mustache = kainjow::mustache;

Value& Value::Set(std::string key, Value v) {
  if (!AsObject()) v_ = Object{};
  std::get<Object>(v_)[std::move(key)] = std::move(v);
  return *this;
}

struct Template::Impl {
  explicit Impl(const std::string& prepared) : parsed(prepared), as_partial(prepared) {}
  // kainjow's render is not const, but only reads the parsed tree: it writes its error slot
  // for a broken partial or a lambda, and Konfid's partials are parsed Templates and its
  // values hold no lambdas. So one parsed template serves concurrent renders.
  mutable mustache::mustache parsed;
  mustache::data as_partial;  // the prepared source, for {{>name}} in other templates
};

namespace {

constexpr char kMark = '\x01';  // never in a template; taken out of values

struct Tag {
  size_t begin = 0, end = 0;  // [begin, end) in the source, braces included
  char sigil = 0;             // '#', '^', '/', '!', '>', '=', or 0 for a variable
};

int LineOf(std::string_view src, size_t pos) {
  pos = std::min(pos, src.size());
  return 1 + static_cast<int>(std::count(src.begin(), src.begin() + pos, '\n'));
}

// The tags of a source kainjow has accepted, found as kainjow finds them.
std::vector<Tag> FindTags(std::string_view src) {
  std::vector<Tag> tags;
  for (size_t open = src.find("{{"); open != std::string_view::npos; open = src.find("{{", open)) {
    bool triple = open + 2 < src.size() && src[open + 2] == '{';
    size_t body = open + (triple ? 3 : 2);
    size_t close = src.find(triple ? "}}}" : "}}", body);
    if (close == std::string_view::npos) break;
    Tag tag{open, close + (triple ? 3 : 2), 0};
    size_t first = src.find_first_not_of(" \t\r\n", body);
    if (!triple && first < close &&
        std::string_view("#^/!>=").find(src[first]) != std::string_view::npos)
      tag.sigil = src[first];
    tags.push_back(tag);
    open = tag.end;
  }
  return tags;
}

// Widens a section, comment or partial tag alone on its line to the whole line.
void TakeStandaloneLine(std::string_view src, Tag& tag) {
  if (tag.sigil == 0) return;
  size_t line_start = tag.begin;
  while (line_start > 0 && src[line_start - 1] != '\n') --line_start;
  for (size_t i = line_start; i < tag.begin; ++i)
    if (src[i] != ' ' && src[i] != '\t') return;
  size_t i = tag.end;
  while (i < src.size() && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r')) ++i;
  if (i < src.size() && src[i] != '\n') return;
  tag.begin = line_start;
  tag.end = i < src.size() ? i + 1 : i;
}

bool IsSection(char sigil) { return sigil == '#' || sigil == '^' || sigil == '/'; }

// The source as kainjow gets it: standalone lines reduced to their tag, section tags marked.
std::string Prepare(std::string_view src, const std::vector<Tag>& tags) {
  std::string out;
  out.reserve(src.size() + 2 * tags.size());
  size_t pos = 0;
  for (Tag line : tags) {
    Tag tag = line;
    TakeStandaloneLine(src, line);
    out.append(src.substr(pos, line.begin - pos));
    if (IsSection(tag.sigil)) out += kMark;
    out.append(src.substr(tag.begin, tag.end - tag.begin));
    if (IsSection(tag.sigil)) out += kMark;
    pos = line.end;
  }
  out.append(src.substr(pos));
  return out;
}

// kainjow's errors end in " at <offset>"; Konfid's name the file and line.
Error ParseError(std::string_view src, const std::string& name, const std::string& message) {
  size_t at = message.rfind(" at ");
  size_t offset = 0;
  if (at == std::string::npos ||
      std::from_chars(message.data() + at + 4, message.data() + message.size(), offset).ec !=
          std::errc())
    return Error(ErrorCode::kInvalidArgument, name + ": " + message);
  return Error(ErrorCode::kInvalidArgument,
               name + ":" + std::to_string(LineOf(src, offset)) + ": " + message.substr(0, at));
}

std::string WithoutMarks(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), kMark), s.end());
  return s;
}

}  // namespace

// kainjow asks its context for names and pushes what it enters. This one answers from the
// Value tree and converts only what a template reads (a policy's context is large, and each
// document reads a part of it), resolving names as the Mustache spec does: the innermost
// scope that has the first part of a dotted name, then the rest inside it. A list item also
// sees `first` and `last`. Partials come from the templates given to Render, never from
// values: a value that names a partial must not become a template.
class Template::Context : public mustache::basic_context<std::string> {
 public:
  Context(const Value& root, const Partials& partials) : partials_(partials) {
    stack_.push_back({&root});
  }

  void push(const mustache::data* data) override {
    auto it = scope_of_.find(data);
    stack_.push_back(it == scope_of_.end() ? Scope{} : it->second);
  }
  void pop() override { stack_.pop_back(); }

  const mustache::data* get(const std::string& name) const override {
    if (name == ".") return Convert(stack_.back().value);
    std::string_view head = std::string_view(name).substr(0, name.find('.'));
    for (auto scope = stack_.rbegin(); scope != stack_.rend(); ++scope) {
      const Value::Object* object = scope->value ? scope->value->AsObject() : nullptr;
      if (object) {
        auto found = object->find(head);
        if (found != object->end())
          return Convert(Walk(&found->second, std::string_view(name).substr(head.size())));
      }
      if (scope->index >= 0 && head.size() == name.size() && (head == "first" || head == "last"))
        return Flag(head == "first" ? scope->index == 0 : scope->index + 1 == scope->size);
    }
    return nullptr;
  }

  const mustache::data* get_partial(const std::string& name) const override {
    auto it = partials_.find(name);
    return it == partials_.end() ? nullptr : &it->second.impl_->as_partial;
  }

 private:
  struct Scope {
    const Value* value = nullptr;
    int index = -1;  // a list item's place in its list, or -1
    int size = 0;
  };

  // `rest` (".b.c") inside `v`; nullptr when a part is missing.
  static const Value* Walk(const Value* v, std::string_view rest) {
    while (v && !rest.empty()) {
      rest.remove_prefix(1);
      std::string_view part = rest.substr(0, rest.find('.'));
      rest.remove_prefix(part.size());
      const Value::Object* object = v->AsObject();
      if (!object) return nullptr;
      auto it = object->find(part);
      v = it == object->end() ? nullptr : &it->second;
    }
    return v;
  }

  static const mustache::data* Flag(bool b) {
    static const mustache::data kTrue(true), kFalse(false);
    return b ? &kTrue : &kFalse;
  }

  // What kainjow reads of a value: a string's text (an empty one is false), a bool; an object
  // or a list item becomes a stand-in that push() maps back to its value.
  const mustache::data* Convert(const Value* v) const {
    if (!v) return nullptr;
    if (const bool* b = v->AsBool()) return Flag(*b);
    const std::string* s = v->AsString();
    if (s ? s->empty() : !v->AsList() && !v->AsObject()) return Flag(false);
    if (auto it = made_for_.find(v); it != made_for_.end()) return it->second;
    const mustache::data* made = &made_.emplace_back(StandIn(*v));
    if (const Value::List* list = v->AsList()) {
      const mustache::list& items = made->list_value();
      for (size_t i = 0; i < items.size(); ++i)
        scope_of_[&items[i]] = {&(*list)[i], static_cast<int>(i), static_cast<int>(list->size())};
    } else {
      scope_of_[made] = {v};
    }
    made_for_[v] = made;
    return made;
  }

  static mustache::data StandIn(const Value& v) {
    if (const std::string* s = v.AsString()) return mustache::data(WithoutMarks(*s));
    const Value::List* list = v.AsList();
    if (!list) return mustache::data(mustache::data::type::object);
    mustache::data out(mustache::data::type::list);
    for (const Value& item : *list) {
      const std::string* s = item.AsString();
      const bool* b = item.AsBool();
      if (s && !s->empty())
        out.push_back(mustache::data(WithoutMarks(*s)));
      else if (s || b || !(item.AsList() || item.AsObject()))
        out.push_back(mustache::data(b && *b));
      else
        out.push_back(mustache::data(mustache::data::type::object));
    }
    return out;
  }

  const Partials& partials_;
  std::vector<Scope> stack_;
  mutable std::deque<mustache::data> made_;  // stable addresses: kainjow keeps pointers
  mutable std::unordered_map<const Value*, const mustache::data*> made_for_;
  mutable std::unordered_map<const mustache::data*, Scope> scope_of_;
};

Result<Template> Template::Parse(std::string_view source, const std::string& name, Escaper escape) {
  std::string src(source);
  mustache::mustache check(src);
  if (!check.is_valid()) return Fail(ParseError(src, name, check.error_message()));
  std::vector<Tag> tags = FindTags(src);
  for (const Tag& tag : tags)
    if (tag.sigil == '=')
      return Fail(ErrorCode::kInvalidArgument, name + ":" + std::to_string(LineOf(src, tag.begin)) +
                                                   ": set-delimiter tags are not supported");
  auto impl = std::make_shared<Impl>(Prepare(src, tags));
  if (!impl->parsed.is_valid())
    return Fail(ErrorCode::kInternal, name + ": " + impl->parsed.error_message());
  if (escape)
    impl->parsed.set_custom_escape(
        [escape = std::move(escape)](const std::string& s) { return escape(s); });
  Template t;
  t.impl_ = std::move(impl);
  return t;
}

std::string Template::Render(const Value& context) const {
  static const Partials kNone;
  return Render(context, kNone);
}

std::string Template::Render(const Value& context, const Partials& partials) const {
  Context ctx(context, partials);
  return WithoutMarks(impl_->parsed.render(ctx));
}

}  // namespace konfid::text
