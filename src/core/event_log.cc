#include "core/event_log.h"

#include "core/json_writer.h"
#include "core/time.h"

namespace konfid {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

std::string EventLog::Format(int64_t unix_micros, LogLevel level, std::string_view event,
                             std::initializer_list<LogField> fields) {
  JsonWriter w;
  w.BeginObject()
      .Member("ts", FormatRfc3339(unix_micros))
      .Member("level", LogLevelName(level))
      .Member("event", event);
  for (const auto& f : fields) w.Member(f.key, f.value);
  w.EndObject();
  return w.str();
}

void EventLog::Write(int64_t unix_micros, LogLevel level, std::string_view event,
                     std::initializer_list<LogField> fields) {
  {
    std::lock_guard lock(mu_);
    ++counts_[{std::string(event), level}];
  }
  if (sink_ != nullptr) sink_->Emit(level, Format(unix_micros, level, event, fields));
}

uint64_t EventLog::Count(std::string_view event, LogLevel level) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find({std::string(event), level});
  return it == counts_.end() ? 0 : it->second;
}

std::string EventLog::RenderMetrics() const {
  std::string out =
      "# HELP konfid_log_events_total Structured log events by name and level (failures "
      "among them).\n# TYPE konfid_log_events_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : counts_) {
    out += "konfid_log_events_total{event=\"" + key.first + "\",level=\"" +
           std::string(LogLevelName(key.second)) + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace konfid
