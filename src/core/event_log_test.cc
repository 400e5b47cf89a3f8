#include "core/event_log.h"

#include <gtest/gtest.h>

#include <vector>

namespace konfid {
namespace {

class VectorSink : public LogSink {
 public:
  void Emit(LogLevel level, std::string_view line) override {
    lines.emplace_back(level, std::string(line));
  }
  std::vector<std::pair<LogLevel, std::string>> lines;
};

TEST(EventLogTest, WritesOneJsonLineWithItsFields) {
  VectorSink sink;
  EventLog log(&sink);
  log.Write(0, LogLevel::kError, "job_failed", {{"job", "outbox"}, {"code", "unavailable"}});
  ASSERT_EQ(sink.lines.size(), 1u);
  EXPECT_EQ(sink.lines[0].first, LogLevel::kError);
  EXPECT_EQ(sink.lines[0].second,
            R"({"ts":"1970-01-01T00:00:00.000000Z","level":"error","event":"job_failed",)"
            R"("job":"outbox","code":"unavailable"})");
}

TEST(EventLogTest, EscapesValuesSoALineStaysOneLine) {
  auto line = EventLog::Format(0, LogLevel::kWarn, "x", {{"detail", "a\"b\nc"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(R"(a\"b\nc)"), std::string::npos);
}

TEST(EventLogTest, CountsByEventAndLevelAndRendersThem) {
  EventLog log(nullptr);  // counted even without a sink
  log.Write(0, LogLevel::kError, "mail_failed", {});
  log.Write(0, LogLevel::kError, "mail_failed", {});
  log.Write(0, LogLevel::kInfo, "started", {{"n", 3}});
  EXPECT_EQ(log.Count("mail_failed", LogLevel::kError), 2u);
  EXPECT_EQ(log.Count("mail_failed", LogLevel::kWarn), 0u);
  auto text = log.RenderMetrics();
  EXPECT_NE(text.find("konfid_log_events_total{event=\"mail_failed\",level=\"error\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("konfid_log_events_total{event=\"started\",level=\"info\"} 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace konfid
