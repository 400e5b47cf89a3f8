// The production calendars shipped with Konfid: data/calendars/*.txt, compiled in by
// cmake/embed_calendars.cmake so that no file is read at run time.
#pragma once

#include <string_view>
#include <vector>

namespace konfid::domain {

struct EmbeddedCalendar {
  std::string_view name;  // the file's name without ".txt": "<country>-<year>", e.g. "ru-2025"
  std::string_view text;  // the file's bytes, grammar in working_calendar.h
};

// Every shipped calendar file, sorted by name. Never fails; the texts live as long as the
// program.
const std::vector<EmbeddedCalendar>& EmbeddedCalendars();

}  // namespace konfid::domain
