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

// "EVENT_TYPE_TIMER_STARTED" ("EVENT_TYPE_UNSPECIFIED" for values outside
// the enum). Parsing accepts that, the older "TimerStarted" and the number
// ("17"); it returns nullopt for anything else, EVENT_TYPE_UNSPECIFIED included.
std::string_view EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);
// "timerStartedEventAttributes" ("" for kUnspecified and values outside the enum).
std::string_view AttributesFieldName(EventType type);

struct HistoryEvent {
  int64_t event_id = 0;
  TimePoint event_time{};
  EventType event_type = EventType::kUnspecified;
  int64_t task_id = 0;
  Json attributes = Json::object();  // the *EventAttributes object

  friend bool operator==(const HistoryEvent&, const HistoryEvent&) = default;
};

// One event in Temporal's JSON form, and back. Export writes a zero taskId
// not at all, as proto3 JSON does. Import validates the shape and reports the
// first problem as INVALID_ARGUMENT naming the event and the field:
//   event 3 (eventId 3): eventTime "yesterday" is not an RFC 3339 time: ...
// (EventFromJson, not knowing the position, says "event (eventId 3): ...").
// Imported attributes come back in one spelling: camelCase field names (map
// keys such as search attribute names are kept as written), enum values by
// their proto names ("Normal" -> "TASK_QUEUE_KIND_NORMAL"), durations and
// times as FormatDuration/FormatTime write them, `*EventId` fields as decimal
// strings. Event fields the engine does not model (version, links, ...) are
// dropped. The attributes object must be present: Temporal writes it for
// every event. EventFromJson(EventToJson(e)) == e whenever e's attributes
// are already in that spelling, so the engine must write them that way.
Json EventToJson(const HistoryEvent& event);
StatusOr<HistoryEvent> EventFromJson(const Json& json);
// The attributes of a `type` event in that one spelling, or the
// INVALID_ARGUMENT import would report for them. The engine passes every
// event it makes through this, request data included.
StatusOr<Json> CanonicalAttributes(EventType type, const Json& attributes);

// Whole histories: {"events":[...]}. Import also takes a bare array of events
// and the older spelling (PascalCase keys and enum values, numbers for int64
// fields), checks that event IDs run 1, 2, 3, ... and that the first event
// starts a workflow. ImportHistoryText reports text that is not JSON as
// "history is not valid JSON: ...". Documents nested more than 256 levels
// deep are refused rather than risking the stack.
Json ExportHistory(const std::vector<HistoryEvent>& events);
StatusOr<std::vector<HistoryEvent>> ImportHistory(const Json& document);
StatusOr<std::vector<HistoryEvent>> ImportHistoryText(std::string_view text);

// Temporal's JSON scalars. Durations are "10s" / "0.500s" / "1.000000001s"
// (0, 3, 6 or 9 fractional digits, as protobuf writes them); parsing also
// takes sums of ns, us, ms, s, m, h, d ("500ms", "5m", "1h30m", "1.5h") for
// people typing them, and rejects negative values and sub-nanosecond
// precision. Times are RFC 3339, written in UTC with 0, 3, 6 or 9 fractional
// digits; parsing takes any offset ("+02:00") and up to 9 digits, within
// the years 1677 to 2262 that int64 nanoseconds cover.
std::string FormatDuration(Duration d);
StatusOr<Duration> ParseDuration(std::string_view text);
std::string FormatTime(TimePoint t);
StatusOr<TimePoint> ParseTime(std::string_view text);

// Payloads: {"metadata":{"encoding":"<base64 json/plain>"},"data":"<base64 JSON>"},
// the data being the bytes the Python SDK writes (compact, sorted keys,
// non-ASCII escaped). Decoding also takes binary/null (-> null, data may be
// absent); other encodings are INVALID_ARGUMENT naming the encoding.
Json EncodeJsonPayload(const Json& value);
StatusOr<Json> DecodeJsonPayload(const Json& payload);

}  // namespace durable
