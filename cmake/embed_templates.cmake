# konfid_embed_templates(TARGET DIR): compiles every file of DIR into the target as
# konfid::text::EmbeddedTemplates() (src/text/embedded_templates.h). The texts stay files in
# the repository; the binary needs none of them at run time.
function(konfid_embed_templates TARGET DIR)
  file(GLOB files CONFIGURE_DEPENDS "${DIR}/*.md" "${DIR}/*.html" "${DIR}/*.tsv" "${DIR}/*.txt")
  list(SORT files)
  set(body "")
  foreach(f ${files})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
    get_filename_component(name "${f}" NAME)
    file(READ "${f}" text)
    string(APPEND body "      {\"${name}\", R\"konfidtext(${text})konfidtext\"},\n")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_templates.cc")
  file(WRITE "${out}.tmp"
    "// Generated from ${DIR} by cmake/embed_templates.cmake. Do not edit.\n"
    "#include \"text/embedded_templates.h\"\n"
    "namespace konfid::text {\n"
    "const std::map<std::string, std::string_view>& EmbeddedTemplates() {\n"
    "  static const std::map<std::string, std::string_view> files = {\n${body}  };\n"
    "  return files;\n}\n"
    "std::string_view EmbeddedTemplate(std::string_view name) {\n"
    "  auto it = EmbeddedTemplates().find(std::string(name));\n"
    "  return it == EmbeddedTemplates().end() ? std::string_view() : it->second;\n}\n"
    "}  // namespace konfid::text\n")
  file(COPY_FILE "${out}.tmp" "${out}" ONLY_IF_DIFFERENT)
  target_sources(${TARGET} PRIVATE "${out}")
endfunction()
