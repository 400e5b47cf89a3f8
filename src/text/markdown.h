// Markdown as Konfid's templates write it, and its HTML form.
//
// The subset: headings (#, ##, ###) with an optional {#anchor}; paragraphs separated by
// blank lines; list items starting with "- " (a following line indented by two spaces
// continues the item); **bold**; backslash escapes. Everything else is text: the HTML form
// escapes it, so no value can inject markup.
#pragma once

#include <string>
#include <string_view>

namespace konfid::text {

// Escapes a value for insertion into the Markdown templates.
std::string EscapeMarkdown(std::string_view value);

// A value escaped for HTML text and attribute values.
std::string EscapeHtml(std::string_view value);

// The HTML body (no <html> wrapper) of a Markdown text of the subset above.
std::string MarkdownToHtml(std::string_view markdown);

// The published Markdown: heading anchors {#...} dropped, runs of blank lines made one.
// Backslash escapes stay; they are standard Markdown.
std::string CleanMarkdown(std::string_view markdown);

}  // namespace konfid::text
