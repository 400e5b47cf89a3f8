// LogSink over spdlog: each event is one JSON line on stderr, nothing added around it, so a
// log shipper can parse every line. Thread-safe (spdlog's _mt sink).
#pragma once

#include <memory>

#include "core/event_log.h"

namespace spdlog {
class logger;
}

namespace konfid::adapters {

class SpdlogSink : public LogSink {
 public:
  SpdlogSink();
  ~SpdlogSink() override;
  void Emit(LogLevel level, std::string_view json_line) override;

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace konfid::adapters
