// Temporal's EventType enum: proto names, the older PascalCase names and the
// JSON field that holds each event's attributes.
#include <array>
#include <charconv>

#include "durable/history.h"

namespace durable {
namespace {

struct EventTypeInfo {
  EventType type;
  std::string_view proto_name;   // "EVENT_TYPE_TIMER_STARTED"
  std::string_view legacy_name;  // "TimerStarted", as older exports spell it
  std::string_view attributes;   // "timerStartedEventAttributes"
};

// Indexed by proto number, so lookups by type are direct.
constexpr std::array<EventTypeInfo, 41> kEventTypes = {{
    {EventType::kUnspecified, "EVENT_TYPE_UNSPECIFIED", "Unspecified", ""},
    {EventType::kWorkflowExecutionStarted, "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
     "WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes"},
    {EventType::kWorkflowExecutionCompleted, "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
     "WorkflowExecutionCompleted", "workflowExecutionCompletedEventAttributes"},
    {EventType::kWorkflowExecutionFailed, "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED",
     "WorkflowExecutionFailed", "workflowExecutionFailedEventAttributes"},
    {EventType::kWorkflowExecutionTimedOut, "EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT",
     "WorkflowExecutionTimedOut", "workflowExecutionTimedOutEventAttributes"},
    {EventType::kWorkflowTaskScheduled, "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
     "WorkflowTaskScheduled", "workflowTaskScheduledEventAttributes"},
    {EventType::kWorkflowTaskStarted, "EVENT_TYPE_WORKFLOW_TASK_STARTED",
     "WorkflowTaskStarted", "workflowTaskStartedEventAttributes"},
    {EventType::kWorkflowTaskCompleted, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
     "WorkflowTaskCompleted", "workflowTaskCompletedEventAttributes"},
    {EventType::kWorkflowTaskTimedOut, "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT",
     "WorkflowTaskTimedOut", "workflowTaskTimedOutEventAttributes"},
    {EventType::kWorkflowTaskFailed, "EVENT_TYPE_WORKFLOW_TASK_FAILED",
     "WorkflowTaskFailed", "workflowTaskFailedEventAttributes"},
    {EventType::kActivityTaskScheduled, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
     "ActivityTaskScheduled", "activityTaskScheduledEventAttributes"},
    {EventType::kActivityTaskStarted, "EVENT_TYPE_ACTIVITY_TASK_STARTED",
     "ActivityTaskStarted", "activityTaskStartedEventAttributes"},
    {EventType::kActivityTaskCompleted, "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
     "ActivityTaskCompleted", "activityTaskCompletedEventAttributes"},
    {EventType::kActivityTaskFailed, "EVENT_TYPE_ACTIVITY_TASK_FAILED",
     "ActivityTaskFailed", "activityTaskFailedEventAttributes"},
    {EventType::kActivityTaskTimedOut, "EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT",
     "ActivityTaskTimedOut", "activityTaskTimedOutEventAttributes"},
    {EventType::kActivityTaskCancelRequested, "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED",
     "ActivityTaskCancelRequested", "activityTaskCancelRequestedEventAttributes"},
    {EventType::kActivityTaskCanceled, "EVENT_TYPE_ACTIVITY_TASK_CANCELED",
     "ActivityTaskCanceled", "activityTaskCanceledEventAttributes"},
    {EventType::kTimerStarted, "EVENT_TYPE_TIMER_STARTED", "TimerStarted",
     "timerStartedEventAttributes"},
    {EventType::kTimerFired, "EVENT_TYPE_TIMER_FIRED", "TimerFired", "timerFiredEventAttributes"},
    {EventType::kTimerCanceled, "EVENT_TYPE_TIMER_CANCELED", "TimerCanceled",
     "timerCanceledEventAttributes"},
    {EventType::kWorkflowExecutionCancelRequested,
     "EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED", "WorkflowExecutionCancelRequested",
     "workflowExecutionCancelRequestedEventAttributes"},
    {EventType::kWorkflowExecutionCanceled, "EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED",
     "WorkflowExecutionCanceled", "workflowExecutionCanceledEventAttributes"},
    {EventType::kRequestCancelExternalWorkflowExecutionInitiated,
     "EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED",
     "RequestCancelExternalWorkflowExecutionInitiated",
     "requestCancelExternalWorkflowExecutionInitiatedEventAttributes"},
    {EventType::kRequestCancelExternalWorkflowExecutionFailed,
     "EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED",
     "RequestCancelExternalWorkflowExecutionFailed",
     "requestCancelExternalWorkflowExecutionFailedEventAttributes"},
    {EventType::kExternalWorkflowExecutionCancelRequested,
     "EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED",
     "ExternalWorkflowExecutionCancelRequested",
     "externalWorkflowExecutionCancelRequestedEventAttributes"},
    {EventType::kMarkerRecorded, "EVENT_TYPE_MARKER_RECORDED", "MarkerRecorded",
     "markerRecordedEventAttributes"},
    {EventType::kWorkflowExecutionSignaled, "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED",
     "WorkflowExecutionSignaled", "workflowExecutionSignaledEventAttributes"},
    {EventType::kWorkflowExecutionTerminated, "EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED",
     "WorkflowExecutionTerminated", "workflowExecutionTerminatedEventAttributes"},
    {EventType::kWorkflowExecutionContinuedAsNew,
     "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW", "WorkflowExecutionContinuedAsNew",
     "workflowExecutionContinuedAsNewEventAttributes"},
    {EventType::kStartChildWorkflowExecutionInitiated,
     "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED",
     "StartChildWorkflowExecutionInitiated",
     "startChildWorkflowExecutionInitiatedEventAttributes"},
    {EventType::kStartChildWorkflowExecutionFailed,
     "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED", "StartChildWorkflowExecutionFailed",
     "startChildWorkflowExecutionFailedEventAttributes"},
    {EventType::kChildWorkflowExecutionStarted, "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED",
     "ChildWorkflowExecutionStarted", "childWorkflowExecutionStartedEventAttributes"},
    {EventType::kChildWorkflowExecutionCompleted,
     "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED", "ChildWorkflowExecutionCompleted",
     "childWorkflowExecutionCompletedEventAttributes"},
    {EventType::kChildWorkflowExecutionFailed, "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED",
     "ChildWorkflowExecutionFailed", "childWorkflowExecutionFailedEventAttributes"},
    {EventType::kChildWorkflowExecutionCanceled, "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED",
     "ChildWorkflowExecutionCanceled", "childWorkflowExecutionCanceledEventAttributes"},
    {EventType::kChildWorkflowExecutionTimedOut,
     "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT", "ChildWorkflowExecutionTimedOut",
     "childWorkflowExecutionTimedOutEventAttributes"},
    {EventType::kChildWorkflowExecutionTerminated,
     "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED", "ChildWorkflowExecutionTerminated",
     "childWorkflowExecutionTerminatedEventAttributes"},
    {EventType::kSignalExternalWorkflowExecutionInitiated,
     "EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED",
     "SignalExternalWorkflowExecutionInitiated",
     "signalExternalWorkflowExecutionInitiatedEventAttributes"},
    {EventType::kSignalExternalWorkflowExecutionFailed,
     "EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED", "SignalExternalWorkflowExecutionFailed",
     "signalExternalWorkflowExecutionFailedEventAttributes"},
    {EventType::kExternalWorkflowExecutionSignaled,
     "EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED", "ExternalWorkflowExecutionSignaled",
     "externalWorkflowExecutionSignaledEventAttributes"},
    {EventType::kUpsertWorkflowSearchAttributes,
     "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES", "UpsertWorkflowSearchAttributes",
     "upsertWorkflowSearchAttributesEventAttributes"},
}};

const EventTypeInfo* Find(EventType type) {
  auto index = static_cast<size_t>(type);
  return index < kEventTypes.size() ? &kEventTypes[index] : nullptr;
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  const EventTypeInfo* info = Find(type);
  return info ? info->proto_name : kEventTypes[0].proto_name;
}

std::optional<EventType> ParseEventType(std::string_view name) {
  int number = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (error == std::errc() && end == name.data() + name.size()) {
    if (number <= 0 || static_cast<size_t>(number) >= kEventTypes.size()) return std::nullopt;
    return static_cast<EventType>(number);
  }
  // Skip entry 0: EVENT_TYPE_UNSPECIFIED never names a real event.
  for (size_t i = 1; i < kEventTypes.size(); ++i) {
    if (name == kEventTypes[i].proto_name || name == kEventTypes[i].legacy_name) {
      return kEventTypes[i].type;
    }
  }
  return std::nullopt;
}

std::string_view AttributesFieldName(EventType type) {
  const EventTypeInfo* info = Find(type);
  return info ? info->attributes : std::string_view();
}

}  // namespace durable
