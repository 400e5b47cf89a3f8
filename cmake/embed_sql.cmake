# konfid_embed_migrations(TARGET FUNCTION DIR): compiles every DIR/NNNN_name.sql into the
# target as `std::vector<konfid::adapters::Migration> FUNCTION()`, so the binary carries its
# schema and needs no files beside it.
function(konfid_embed_migrations TARGET FUNCTION DIR)
  file(GLOB sql_files CONFIGURE_DEPENDS "${DIR}/[0-9][0-9][0-9][0-9]_*.sql")
  list(SORT sql_files)
  set(body "")
  foreach(f ${sql_files})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
    get_filename_component(name "${f}" NAME)
    string(SUBSTRING "${name}" 0 4 num)
    math(EXPR version "1${num} - 10000")
    file(READ "${f}" sql)
    string(APPEND body "      {${version}, \"${name}\", R\"konfidsql(${sql})konfidsql\"},\n")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${FUNCTION}.cc")
  file(WRITE "${out}.tmp"
    "// Generated from ${DIR} by cmake/embed_sql.cmake. Do not edit.\n"
    "#include \"adapters/storage/migration.h\"\n"
    "namespace konfid::adapters {\n"
    "std::vector<Migration> ${FUNCTION}() {\n  return {\n${body}  };\n}\n"
    "}  // namespace konfid::adapters\n")
  file(COPY_FILE "${out}.tmp" "${out}" ONLY_IF_DIFFERENT)
  target_sources(${TARGET} PRIVATE "${out}")
endfunction()
