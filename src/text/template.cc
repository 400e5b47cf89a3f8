#include "text/template.h"

#include <algorithm>

namespace konfid::text {

struct Template::Node {
  enum class Kind { kText, kVar, kRaw, kSection, kInverted };
  Kind kind = Kind::kText;
  std::string text;  // literal text, or the name
  std::vector<Node> children;
};

bool Value::Truthy() const {
  if (auto b = AsBool()) return *b;
  if (auto s = AsString()) return !s->empty();
  if (auto l = AsList()) return !l->empty();
  return AsObject() != nullptr;
}

Value& Value::Set(std::string key, Value v) {
  if (!AsObject()) v_ = Object{};
  std::get<Object>(v_)[std::move(key)] = std::move(v);
  return *this;
}

namespace {

using Node = Template::Node;

struct Tag {
  size_t begin = 0, end = 0;  // [begin, end) in the source, braces included
  char sigil = 0;             // 0, '#', '^', '/', '!', '{'
  std::string name;
};

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string_view::npos ? std::string() : std::string(s.substr(a, b - a + 1));
}

int LineOf(std::string_view src, size_t pos) {
  return 1 + static_cast<int>(std::count(src.begin(), src.begin() + pos, '\n'));
}

// Section and comment tags alone on their line take the line with them.
void Standalone(std::string_view src, Tag& tag) {
  if (tag.sigil != '#' && tag.sigil != '^' && tag.sigil != '/' && tag.sigil != '!') return;
  size_t line_start = tag.begin;
  while (line_start > 0 && src[line_start - 1] != '\n') --line_start;
  for (size_t i = line_start; i < tag.begin; ++i)
    if (src[i] != ' ' && src[i] != '\t') return;
  size_t i = tag.end;
  while (i < src.size() && (src[i] == ' ' || src[i] == '\t')) ++i;
  if (i < src.size() && src[i] != '\n') return;
  tag.begin = line_start;
  tag.end = i < src.size() ? i + 1 : i;
}

}  // namespace

Result<Template> Template::Parse(std::string_view src, const std::string& name) {
  std::vector<Tag> tags;
  for (size_t pos = 0;;) {
    size_t open = src.find("{{", pos);
    if (open == std::string_view::npos) break;
    bool triple = src.substr(open, 3) == "{{{";
    size_t close = src.find(triple ? "}}}" : "}}", open + (triple ? 3 : 2));
    if (close == std::string_view::npos)
      return Fail(ErrorCode::kInvalidArgument,
                  name + ":" + std::to_string(LineOf(src, open)) + ": unterminated tag");
    Tag tag;
    tag.begin = open;
    tag.end = close + (triple ? 3 : 2);
    std::string_view inner = src.substr(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2));
    if (triple) {
      tag.sigil = '{';
    } else if (!inner.empty() &&
               std::string_view("#^/!").find(inner[0]) != std::string_view::npos) {
      tag.sigil = inner[0];
      inner.remove_prefix(1);
    }
    tag.name = Trim(inner);
    Standalone(src, tag);
    tags.push_back(std::move(tag));
    pos = close + (triple ? 3 : 2);
  }

  std::vector<std::vector<Node>> stack(1);
  std::vector<std::pair<std::string, int>> open_names;
  size_t pos = 0;
  for (const Tag& tag : tags) {
    if (tag.begin > pos)
      stack.back().push_back(
          {Node::Kind::kText, std::string(src.substr(pos, tag.begin - pos)), {}});
    pos = tag.end;
    switch (tag.sigil) {
      case '!':
        break;
      case '#':
      case '^':
        open_names.push_back({tag.name, LineOf(src, tag.begin)});
        stack.back().push_back(
            {tag.sigil == '#' ? Node::Kind::kSection : Node::Kind::kInverted, tag.name, {}});
        stack.emplace_back();
        break;
      case '/': {
        if (open_names.empty() || open_names.back().first != tag.name)
          return Fail(
              ErrorCode::kInvalidArgument,
              name + ":" + std::to_string(LineOf(src, tag.begin)) + ": {{/" + tag.name +
                  "}} closes " +
                  (open_names.empty() ? "nothing" : "{{#" + open_names.back().first + "}}"));
        open_names.pop_back();
        std::vector<Node> children = std::move(stack.back());
        stack.pop_back();
        stack.back().back().children = std::move(children);
        break;
      }
      case '{':
        stack.back().push_back({Node::Kind::kRaw, tag.name, {}});
        break;
      default:
        stack.back().push_back({Node::Kind::kVar, tag.name, {}});
    }
  }
  if (!open_names.empty())
    return Fail(ErrorCode::kInvalidArgument, name + ":" + std::to_string(open_names.back().second) +
                                                 ": {{#" + open_names.back().first +
                                                 "}} is never closed");
  if (pos < src.size())
    stack.back().push_back({Node::Kind::kText, std::string(src.substr(pos)), {}});
  Template t;
  t.nodes_ = std::make_shared<const std::vector<Node>>(std::move(stack.back()));
  return t;
}

namespace {

const Value* Lookup(const std::vector<const Value*>& scopes, std::string_view name) {
  if (name == ".") return scopes.back();
  std::string_view head = name.substr(0, name.find('.'));
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    const Value::Object* obj = (*it)->AsObject();
    if (!obj) continue;
    auto found = obj->find(head);
    if (found == obj->end()) continue;
    const Value* v = &found->second;
    for (size_t dot = name.find('.'); dot != std::string_view::npos;) {
      size_t next = name.find('.', dot + 1);
      std::string_view part =
          name.substr(dot + 1, next == std::string_view::npos ? next : next - dot - 1);
      const Value::Object* o = v->AsObject();
      if (!o) return nullptr;
      auto f = o->find(part);
      if (f == o->end()) return nullptr;
      v = &f->second;
      dot = next;
    }
    return v;
  }
  return nullptr;
}

void RenderNodes(const std::vector<Node>& nodes, std::vector<const Value*>& scopes,
                 const Escaper& escape, std::string& out) {
  for (const Node& n : nodes) {
    switch (n.kind) {
      case Node::Kind::kText:
        out += n.text;
        break;
      case Node::Kind::kVar:
      case Node::Kind::kRaw: {
        const Value* v = Lookup(scopes, n.text);
        if (!v) break;
        std::string s;
        if (auto str = v->AsString())
          s = *str;
        else if (auto b = v->AsBool())
          s = *b ? "true" : "false";
        out += n.kind == Node::Kind::kVar ? escape(s) : s;
        break;
      }
      case Node::Kind::kSection: {
        const Value* v = Lookup(scopes, n.text);
        if (!v || !v->Truthy()) break;
        if (const Value::List* list = v->AsList()) {
          for (size_t i = 0; i < list->size(); ++i) {
            Value flags;
            flags.Set("first", i == 0).Set("last", i + 1 == list->size());
            scopes.push_back(&flags);
            scopes.push_back(&(*list)[i]);
            RenderNodes(n.children, scopes, escape, out);
            scopes.pop_back();
            scopes.pop_back();
          }
        } else {
          scopes.push_back(v);
          RenderNodes(n.children, scopes, escape, out);
          scopes.pop_back();
        }
        break;
      }
      case Node::Kind::kInverted: {
        const Value* v = Lookup(scopes, n.text);
        if (!v || !v->Truthy()) RenderNodes(n.children, scopes, escape, out);
        break;
      }
    }
  }
}

}  // namespace

std::string Template::Render(const Value& context, const Escaper& escape) const {
  std::string out;
  std::vector<const Value*> scopes{&context};
  RenderNodes(*nodes_, scopes, escape, out);
  return out;
}

}  // namespace konfid::text
