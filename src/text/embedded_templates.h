// The files of templates/, compiled into the binary by cmake/embed_templates.cmake so that
// `konfid` needs nothing beside it.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace konfid::text {

// File name (e.g. "policy.ru.md") to its contents.
const std::map<std::string, std::string_view>& EmbeddedTemplates();
// One file's contents; empty when there is no such file.
std::string_view EmbeddedTemplate(std::string_view name);

}  // namespace konfid::text
