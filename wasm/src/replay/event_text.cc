#include "replay/event_text.h"

#include <cctype>
#include <string_view>

namespace durable::replay {
namespace {

// "EVENT_TYPE_TIMER_STARTED" -> "TimerStarted": the spelling workflow authors
// see in the Web UI.
std::string ShortTypeName(EventType type) {
  std::string_view name = EventTypeName(type);
  constexpr std::string_view kPrefix = "EVENT_TYPE_";
  if (name.starts_with(kPrefix)) name.remove_prefix(kPrefix.size());
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = false;
  }
  return out;
}

std::string StringField(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "?";
  return it->get<std::string>();
}

std::string NestedName(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return "?";
  return StringField(*it, "name");
}

}  // namespace

std::string DescribeEvent(const HistoryEvent& event) {
  std::string text = ShortTypeName(event.event_type);
  const Json& a = event.attributes;
  switch (event.event_type) {
    case EventType::kTimerStarted:
    case EventType::kTimerFired:
    case EventType::kTimerCanceled:
      return text + " (timerId " + StringField(a, "timerId") + ")";
    case EventType::kActivityTaskScheduled:
      return text + " (activityType " + NestedName(a, "activityType") + ", activityId " +
             StringField(a, "activityId") + ")";
    case EventType::kStartChildWorkflowExecutionInitiated:
      return text + " (workflowType " + NestedName(a, "workflowType") + ", workflowId " +
             StringField(a, "workflowId") + ")";
    case EventType::kWorkflowExecutionSignaled:
      return text + " (signalName " + StringField(a, "signalName") + ")";
    case EventType::kMarkerRecorded:
      return text + " (markerName " + StringField(a, "markerName") + ")";
    default:
      return text;
  }
}

}  // namespace durable::replay
