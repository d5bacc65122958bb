// Workflow history: Temporal's event model and its JSON form.
//
// The engine keeps events as HistoryEvent values whose attributes are the
// `*EventAttributes` object of Temporal's history JSON, with Temporal's field
// names. ExportHistory/ImportHistory convert to and from the document that
// `temporal workflow show --output json` and the Web UI's download produce:
//   {"events":[{"eventId":"1","eventTime":"2024-06-30T00:00:00Z",
//               "eventType":"EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
//               "taskId":"1048576",
//               "workflowExecutionStartedEventAttributes":{...}}]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/status.h"
#include "durable/types.h"

namespace durable {

// Temporal's EventType enum, with its proto numbers.
enum class EventType : int {
  kUnspecified = 0,
  kWorkflowExecutionStarted = 1,
  kWorkflowExecutionCompleted = 2,
  kWorkflowExecutionFailed = 3,
  kWorkflowExecutionTimedOut = 4,
  kWorkflowTaskScheduled = 5,
  kWorkflowTaskStarted = 6,
  kWorkflowTaskCompleted = 7,
  kWorkflowTaskTimedOut = 8,
  kWorkflowTaskFailed = 9,
  kActivityTaskScheduled = 10,
  kActivityTaskStarted = 11,
  kActivityTaskCompleted = 12,
  kActivityTaskFailed = 13,
  kActivityTaskTimedOut = 14,
  kActivityTaskCancelRequested = 15,
  kActivityTaskCanceled = 16,
  kTimerStarted = 17,
  kTimerFired = 18,
  kTimerCanceled = 19,
  kWorkflowExecutionCancelRequested = 20,
  kWorkflowExecutionCanceled = 21,
  kRequestCancelExternalWorkflowExecutionInitiated = 22,
  kRequestCancelExternalWorkflowExecutionFailed = 23,
  kExternalWorkflowExecutionCancelRequested = 24,
  kMarkerRecorded = 25,
  kWorkflowExecutionSignaled = 26,
  kWorkflowExecutionTerminated = 27,
  kWorkflowExecutionContinuedAsNew = 28,
  kStartChildWorkflowExecutionInitiated = 29,
  kStartChildWorkflowExecutionFailed = 30,
  kChildWorkflowExecutionStarted = 31,
  kChildWorkflowExecutionCompleted = 32,
  kChildWorkflowExecutionFailed = 33,
  kChildWorkflowExecutionCanceled = 34,
  kChildWorkflowExecutionTimedOut = 35,
  kChildWorkflowExecutionTerminated = 36,
  kSignalExternalWorkflowExecutionInitiated = 37,
  kSignalExternalWorkflowExecutionFailed = 38,
  kExternalWorkflowExecutionSignaled = 39,
  kUpsertWorkflowSearchAttributes = 40,
};

// "EVENT_TYPE_TIMER_STARTED"; parsing also accepts the older "TimerStarted".
std::string_view EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);
// "timerStartedEventAttributes"
std::string_view AttributesFieldName(EventType type);

struct HistoryEvent {
  int64_t event_id = 0;
  TimePoint event_time{};
  EventType event_type = EventType::kUnspecified;
  int64_t task_id = 0;
  Json attributes = Json::object();  // the *EventAttributes object

  friend bool operator==(const HistoryEvent&, const HistoryEvent&) = default;
};

// One event in Temporal's JSON form, and back. Import validates the shape and
// reports the first problem with the event's position.
Json EventToJson(const HistoryEvent& event);
StatusOr<HistoryEvent> EventFromJson(const Json& json);

// Whole histories: {"events":[...]}. Import accepts canonical and PascalCase
// spellings, checks that event IDs run 1, 2, 3, ... and that the first event
// starts a workflow.
Json ExportHistory(const std::vector<HistoryEvent>& events);
StatusOr<std::vector<HistoryEvent>> ImportHistory(const Json& document);
StatusOr<std::vector<HistoryEvent>> ImportHistoryText(std::string_view text);

// Temporal's JSON scalars. Durations are "10s" / "0.500s"; parsing also takes
// "500ms", "5m", "1h", "5d" for people typing them. Times are RFC 3339 in UTC.
std::string FormatDuration(Duration d);
StatusOr<Duration> ParseDuration(std::string_view text);
std::string FormatTime(TimePoint t);
StatusOr<TimePoint> ParseTime(std::string_view text);

// Payloads: {"metadata":{"encoding":"<base64 json/plain>"},"data":"<base64 JSON>"}.
Json EncodeJsonPayload(const Json& value);
StatusOr<Json> DecodeJsonPayload(const Json& payload);

}  // namespace durable
