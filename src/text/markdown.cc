#include "text/markdown.h"

#include <cmark.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <memory>
#include <vector>

namespace konfid::text {

namespace {

constexpr std::string_view kEscaped = "\\*_`[]<>#{}";

void AppendHtmlEscaped(std::string& out, char c) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
  }
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// `&` that would start an entity (&copy; &#60;).
bool StartsEntity(std::string_view s, size_t amp) {
  size_t i = amp + 1;
  if (i < s.size() && s[i] == '#') ++i;
  size_t first = i;
  while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
  return i > first && i < s.size() && s[i] == ';';
}

// Where a value that starts a line would open a block (a list item, a setext underline, a
// fence), the index of the character to escape; npos when it would not.
size_t BlockMarker(std::string_view s) {
  if (s.empty()) return std::string_view::npos;
  bool marker_alone = s.size() == 1 || IsBlank(s[1]);
  if ((s[0] == '-' || s[0] == '+') && marker_alone) return 0;
  if ((s[0] == '-' || s[0] == '=') &&
      s.find_first_not_of(std::string{s[0], ' ', '\t'}) == std::string_view::npos)
    return 0;
  if (s.starts_with("~~~")) return 0;
  size_t digits = s.find_first_not_of("0123456789");
  if (digits >= 1 && digits <= 9 && digits < s.size() && (s[digits] == '.' || s[digits] == ')') &&
      (digits + 1 == s.size() || IsBlank(s[digits + 1])))
    return digits;
  return std::string_view::npos;
}

struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

std::string RenderHtml(cmark_node* node) {
  char* html = cmark_render_html(node, CMARK_OPT_DEFAULT);  // safe: no unsafe links
  std::string out(html);
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

// Raw HTML becomes text, which the renderer escapes: the behaviour of Konfid's texts from
// before cmark, rather than cmark's "raw HTML omitted".
void ShowAsText(cmark_node* html) {
  bool block = cmark_node_get_type(html) == CMARK_NODE_HTML_BLOCK;
  const char* raw = cmark_node_get_literal(html);
  std::string literal = raw ? raw : "";
  while (block && !literal.empty() && literal.back() == '\n') literal.pop_back();
  cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(text, literal.c_str());
  cmark_node* replacement = text;
  if (block) {
    replacement = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node_append_child(replacement, text);
  }
  cmark_node_replace(html, replacement);
  cmark_node_free(html);
}

// "# Title {#id}" renders as <h1 id="id">Title</h1>. cmark has no heading attributes, so the
// heading is rendered on its own and put back as a block of finished HTML.
void Anchor(cmark_node* heading) {
  cmark_node* last = cmark_node_last_child(heading);
  if (!last || cmark_node_get_type(last) != CMARK_NODE_TEXT) return;
  const char* literal = cmark_node_get_literal(last);
  std::string text = literal ? literal : "";
  size_t a = text.rfind(" {#");
  if (a == std::string::npos || text.back() != '}') return;
  std::string id = text.substr(a + 3, text.size() - a - 4);
  cmark_node_set_literal(last, text.substr(0, a).c_str());
  std::string html = RenderHtml(heading);  // "<hN>...</hN>\n"
  html.insert(3, " id=\"" + EscapeHtml(id) + "\"");
  while (!html.empty() && html.back() == '\n') html.pop_back();
  cmark_node* block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
  cmark_node_set_on_enter(block, html.c_str());
  cmark_node_set_on_exit(block, "");
  cmark_node_replace(heading, block);
  cmark_node_free(heading);
}

// The nodes of one of `types` under `root`, collected first: cmark's iterator does not allow
// replacing nodes while it walks.
std::vector<cmark_node*> NodesOf(cmark_node* root, std::initializer_list<cmark_node_type> types) {
  std::vector<cmark_node*> out;
  cmark_iter* it = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER &&
        std::find(types.begin(), types.end(), cmark_node_get_type(node)) != types.end())
      out.push_back(node);
  }
  cmark_iter_free(it);
  return out;
}

}  // namespace

std::string EscapeHtml(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) AppendHtmlEscaped(out, c);
  return out;
}

std::string EscapeMarkdown(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  size_t marker = BlockMarker(value);
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (kEscaped.find(c) != std::string_view::npos || i == marker ||
        (c == '&' && StartsEntity(value, i)))
      out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out;
}

std::string MarkdownToHtml(std::string_view md) {
  std::unique_ptr<cmark_node, NodeFree> doc(
      cmark_parse_document(md.data(), md.size(), CMARK_OPT_DEFAULT));
  for (cmark_node* html : NodesOf(doc.get(), {CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE}))
    ShowAsText(html);
  for (cmark_node* heading : NodesOf(doc.get(), {CMARK_NODE_HEADING})) Anchor(heading);
  return RenderHtml(doc.get());
}

std::string CleanMarkdown(std::string_view md) {
  std::string out;
  bool blank = true;  // drops blank lines at the start, too
  for (size_t pos = 0; pos < md.size();) {
    size_t nl = md.find('\n', pos);
    if (nl == std::string_view::npos) nl = md.size();
    std::string_view line = TrimRight(md.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.starts_with("#") && line.ends_with("}"))
      if (size_t a = line.rfind(" {#"); a != std::string_view::npos) line = line.substr(0, a);
    if (line.empty()) {
      if (!blank) out += '\n';
      blank = true;
      continue;
    }
    blank = false;
    out += line;
    out += '\n';
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

}  // namespace konfid::text
