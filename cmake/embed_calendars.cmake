# konfid_embed_calendars(TARGET DIR): compiles every DIR/<country>-<year>.txt (a production
# calendar, grammar in src/domain/working_calendar.h) into the target as
# konfid::domain::EmbeddedCalendars() (src/domain/embedded_calendars.h). The calendars stay
# files in the repository; the binary needs none of them at run time.
function(konfid_embed_calendars TARGET DIR)
  file(GLOB files CONFIGURE_DEPENDS "${DIR}/*.txt")
  list(SORT files)
  set(body "")
  foreach(f ${files})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
    get_filename_component(name "${f}" NAME_WE)
    file(READ "${f}" text)
    string(APPEND body "      {\"${name}\", R\"konfidcalendar(${text})konfidcalendar\"},\n")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_calendars.cc")
  file(WRITE "${out}.tmp"
    "// Generated from ${DIR} by cmake/embed_calendars.cmake. Do not edit.\n"
    "#include \"domain/embedded_calendars.h\"\n"
    "namespace konfid::domain {\n"
    "const std::vector<EmbeddedCalendar>& EmbeddedCalendars() {\n"
    "  static const std::vector<EmbeddedCalendar> files = {\n${body}  };\n"
    "  return files;\n}\n"
    "}  // namespace konfid::domain\n")
  file(COPY_FILE "${out}.tmp" "${out}" ONLY_IF_DIFFERENT)
  target_sources(${TARGET} PRIVATE "${out}")
endfunction()
