#include "text/markdown.h"

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

// Inline spans: escapes and **bold**.
std::string Inline(std::string_view s) {
  std::string out;
  bool bold = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && kEscaped.find(s[i + 1]) != std::string_view::npos) {
      AppendHtmlEscaped(out, s[++i]);
    } else if (s.substr(i, 2) == "**") {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      ++i;
    } else {
      AppendHtmlEscaped(out, s[i]);
    }
  }
  if (bold) out += "</strong>";
  return out;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
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
  for (char c : value) {
    if (kEscaped.find(c) != std::string_view::npos) out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string MarkdownToHtml(std::string_view md) {
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= md.size();) {
    size_t nl = md.find('\n', pos);
    if (nl == std::string_view::npos) nl = md.size();
    lines.push_back(TrimRight(md.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  std::string out;
  std::string para;
  bool in_list = false;
  std::string item;
  auto flush_para = [&] {
    if (!para.empty()) out += "<p>" + Inline(para) + "</p>\n";
    para.clear();
  };
  auto flush_item = [&] {
    if (!item.empty()) out += "<li>" + Inline(item) + "</li>\n";
    item.clear();
  };
  auto close_list = [&] {
    flush_item();
    if (in_list) out += "</ul>\n";
    in_list = false;
  };
  for (std::string_view line : lines) {
    if (line.empty()) {
      flush_para();
      close_list();
      continue;
    }
    size_t level = 0;
    while (level < line.size() && line[level] == '#') ++level;
    if (level >= 1 && level <= 3 && line.size() > level && line[level] == ' ') {
      flush_para();
      close_list();
      std::string_view title = line.substr(level + 1);
      std::string id;
      if (size_t a = title.rfind(" {#"); a != std::string_view::npos && title.back() == '}') {
        id = std::string(title.substr(a + 3, title.size() - a - 4));
        title = title.substr(0, a);
      }
      std::string tag = "h" + std::to_string(level);
      out += "<" + tag + (id.empty() ? "" : " id=\"" + Inline(id) + "\"") + ">" + Inline(title) +
             "</" + tag + ">\n";
      continue;
    }
    if (line.starts_with("- ")) {
      flush_para();
      flush_item();
      if (!in_list) out += "<ul>\n";
      in_list = true;
      item = std::string(line.substr(2));
      continue;
    }
    if (in_list && line.starts_with("  ")) {
      item += ' ';
      item += line.substr(2);
      continue;
    }
    close_list();
    if (!para.empty()) para += '\n';
    para += line;
  }
  flush_para();
  close_list();
  return out;
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
