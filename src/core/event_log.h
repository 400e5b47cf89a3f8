// Structured logging and failure counting: the trace every failure must leave.
//
// An event is a name ("request_failed", "job_failed", "mail_failed", …), a level and a few
// fields. EventLog formats it as one JSON line, hands the line to a LogSink and counts it by
// (event, level), so /metrics can show how often each failure happened. Field values must be
// free of personal data: name routes, jobs, error codes and ids, never values a visitor gave.
// Thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace konfid {

enum class LogLevel { kInfo, kWarn, kError };

std::string_view LogLevelName(LogLevel level);

// Where formatted lines go (stderr through spdlog in the server; a vector in tests).
// Implementations must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Emit(LogLevel level, std::string_view json_line) = 0;
};

struct LogField {
  std::string_view key;
  std::string value;
  LogField(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, int64_t v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}
};

class EventLog {
 public:
  // `sink` may be null (nothing written; events are still counted). Not owned.
  explicit EventLog(LogSink* sink) : sink_(sink) {}

  // Writes {"ts":…,"level":…,"event":…, fields…} and counts it. `unix_micros` is the event's
  // time, from the caller's clock.
  void Write(int64_t unix_micros, LogLevel level, std::string_view event,
             std::initializer_list<LogField> fields);

  // How often (event, level) was written since start.
  uint64_t Count(std::string_view event, LogLevel level) const;
  // The counts in the Prometheus text format: konfid_log_events_total{event,level}.
  std::string RenderMetrics() const;

  // Formats one line without writing it (exposed for tests).
  static std::string Format(int64_t unix_micros, LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields);

 private:
  LogSink* sink_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, LogLevel>, uint64_t> counts_;  // failures are rare
};

}  // namespace konfid
