#include "domain/requests.h"

#include <array>
#include <utility>

namespace konfid::domain {
namespace {

constexpr std::array<std::pair<RequestState, std::string_view>, 5> kStates = {{
    {RequestState::kReceived, "received"},
    {RequestState::kInProgress, "in_progress"},
    {RequestState::kExtended, "extended"},
    {RequestState::kDone, "done"},
    {RequestState::kRefused, "refused"},
}};

constexpr std::array<std::pair<RequestChannel, std::string_view>, 4> kChannels = {{
    {RequestChannel::kSelf, "self"},
    {RequestChannel::kLetter, "letter"},
    {RequestChannel::kEmail, "email"},
    {RequestChannel::kInPerson, "in_person"},
}};

template <typename Enum, size_t N>
std::string_view NameIn(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum e) {
  for (const auto& [value, name] : table)
    if (value == e) return name;
  return "";
}

template <typename Enum, size_t N>
std::optional<Enum> ParseIn(const std::array<std::pair<Enum, std::string_view>, N>& table,
                            std::string_view text) {
  for (const auto& [value, name] : table)
    if (name == text) return value;
  return std::nullopt;
}

}  // namespace

std::string_view RequestStateName(RequestState state) { return NameIn(kStates, state); }

std::optional<RequestState> ParseRequestState(std::string_view name) {
  return ParseIn(kStates, name);
}

bool IsOpen(RequestState state) {
  return state == RequestState::kReceived || state == RequestState::kInProgress ||
         state == RequestState::kExtended;
}

bool StopCoversLegitimateInterest(std::string_view jurisdiction) {
  return jurisdiction == "eu-gdpr";
}

std::string_view RequestTimeliness(bool open, std::string_view due_on, std::string_view today,
                                   std::string_view closed_on) {
  if (due_on.empty()) return "no_term";
  if (open) return due_on < today ? "overdue" : "pending";
  return closed_on <= due_on ? "on_time" : "late";
}

bool CanMove(RequestState from, RequestState to) {
  using enum RequestState;
  switch (from) {
    case kReceived:
      return to == kInProgress || to == kExtended || to == kDone || to == kRefused;
    case kInProgress:
      return to == kExtended || to == kDone || to == kRefused;
    case kExtended:
      return to == kDone || to == kRefused;
    case kDone:
    case kRefused:
      return false;
  }
  return false;
}

std::string_view RequestChannelName(RequestChannel channel) { return NameIn(kChannels, channel); }

std::optional<RequestChannel> ParseRequestChannel(std::string_view name) {
  return ParseIn(kChannels, name);
}

std::string FormatRequestHistory(const std::vector<RequestStep>& steps) {
  std::string out;
  for (const RequestStep& s : steps) {
    out += FormatRfc3339(s.time);
    out += ' ';
    out += RequestStateName(s.state);
    out += '\n';
  }
  return out;
}

Result<std::vector<RequestStep>> ParseRequestHistory(std::string_view text) {
  std::vector<RequestStep> steps;
  auto damaged = [] { return Fail(ErrorCode::kDataLoss, "a request's history is damaged"); };
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) return damaged();
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return damaged();
    auto time = ParseRfc3339(line.substr(0, space));
    auto state = ParseRequestState(line.substr(space + 1));
    if (!time || !state) return damaged();
    steps.push_back({*time, *state});
  }
  return steps;
}

}  // namespace konfid::domain
