// Markdown as Konfid's templates write it, and its HTML form, rendered by cmark
// (libcmark-dev, CommonMark 0.30). This header is Konfid's own; cmark's is included only by
// markdown.cc.
//
// The HTML form follows CommonMark, with two Konfid rules: a heading may end in {#anchor},
// which becomes its id; raw HTML is not passed through but shown as text, escaped, so a
// template's text cannot open markup by accident. Link destinations are cmark's safe ones.
// Values go into the Markdown escaped by EscapeMarkdown, so no value can add markup.
#pragma once

#include <string>
#include <string_view>

namespace konfid::text {

// Escapes a value for insertion into the Markdown templates: it renders as its own text
// wherever it stands, and a line break in it becomes a space.
std::string EscapeMarkdown(std::string_view value);

// A value escaped for HTML text and attribute values.
std::string EscapeHtml(std::string_view value);

// The HTML body (no <html> wrapper) of a Markdown text, by the rules above.
std::string MarkdownToHtml(std::string_view markdown);

// The published Markdown: heading anchors {#...} dropped, runs of blank lines made one.
// Backslash escapes stay; they are standard Markdown.
std::string CleanMarkdown(std::string_view markdown);

}  // namespace konfid::text
