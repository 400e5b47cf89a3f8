#include "adapters/log/spdlog_sink.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace konfid::adapters {

SpdlogSink::SpdlogSink() : logger_(spdlog::stderr_logger_mt("konfid-events")) {
  logger_->set_pattern("%v");  // the line is already JSON with its own time and level
  logger_->flush_on(spdlog::level::info);
}

SpdlogSink::~SpdlogSink() { spdlog::drop("konfid-events"); }

void SpdlogSink::Emit(LogLevel level, std::string_view json_line) {
  switch (level) {
    case LogLevel::kInfo:
      logger_->info("{}", json_line);
      break;
    case LogLevel::kWarn:
      logger_->warn("{}", json_line);
      break;
    case LogLevel::kError:
      logger_->error("{}", json_line);
      break;
  }
}

}  // namespace konfid::adapters
