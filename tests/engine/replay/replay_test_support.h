// Test-only helpers for the replay core: Temporal history JSON built event by
// event, a tiny "server" that records the commands a response sends, and a
// driver that runs scripted workflow code against WorkerCore.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "durable/history.h"
#include "durable/worker_core.h"

namespace durable {
// Readable Status values in test failures.
inline void PrintTo(const Status& status, std::ostream* out) { *out << status.ToString(); }
}  // namespace durable

namespace durable::replay_test {

inline Json Payload(const Json& value) { return EncodeJsonPayload(value); }

// Decodes a json/plain payload, or returns null when it is not one.
inline Json Decode(const Json& payload) {
  StatusOr<Json> value = DecodeJsonPayload(payload);
  return value.ok() ? *value : Json();
}

class HistoryBuilder {
 public:
  static constexpr const char* kTaskQueue = "invoice-task-queue";

  HistoryBuilder(std::string workflow_type, Json input, std::string run_id = "run-1")
      : run_id_(std::move(run_id)), workflow_type_(std::move(workflow_type)) {
    Add(EventType::kWorkflowExecutionStarted,
        {{"workflowType", {{"name", workflow_type_}}},
         {"taskQueue", {{"name", kTaskQueue}, {"kind", "TASK_QUEUE_KIND_NORMAL"}}},
         {"input", {{"payloads", input}}},
         {"workflowTaskTimeout", "10s"},
         {"originalExecutionRunId", run_id_},
         {"firstExecutionRunId", run_id_},
         {"identity", "client@lab"},
         {"attempt", 1}});
  }

  const std::string& run_id() const { return run_id_; }
  int64_t last_id() const { return static_cast<int64_t>(events_.size()); }
  void Advance(Duration d) { now_ += d; }

  int64_t Add(EventType type, Json attributes) {
    now_ += std::chrono::milliseconds(10);
    Json event{{"eventId", std::to_string(events_.size() + 1)},
               {"eventTime", FormatTime(now_)},
               {"eventType", EventTypeName(type)},
               {"taskId", "1048576"}};
    event[std::string(AttributesFieldName(type))] = std::move(attributes);
    events_.push_back(std::move(event));
    return last_id();
  }

  // WorkflowTaskScheduled + WorkflowTaskStarted; returns the started event's ID.
  int64_t AddWorkflowTaskStarted() {
    int64_t scheduled =
        Add(EventType::kWorkflowTaskScheduled,
            {{"taskQueue", {{"name", kTaskQueue}}}, {"startToCloseTimeout", "10s"}, {"attempt", 1}});
    return Add(EventType::kWorkflowTaskStarted,
               {{"scheduledEventId", std::to_string(scheduled)}, {"identity", "worker@lab"}});
  }
  int64_t AddWorkflowTaskCompleted(int64_t started) {
    return Add(EventType::kWorkflowTaskCompleted, {{"scheduledEventId", std::to_string(started - 1)},
                                                   {"startedEventId", std::to_string(started)},
                                                   {"identity", "worker@lab"}});
  }
  // A whole workflow task; returns its WorkflowTaskCompleted event's ID.
  int64_t AddFullWorkflowTask() { return AddWorkflowTaskCompleted(AddWorkflowTaskStarted()); }
  int64_t AddWorkflowTaskTimedOut(int64_t started) {
    return Add(EventType::kWorkflowTaskTimedOut, {{"scheduledEventId", std::to_string(started - 1)},
                                                  {"startedEventId", std::to_string(started)},
                                                  {"timeoutType", "TIMEOUT_TYPE_START_TO_CLOSE"}});
  }

  int64_t AddTimerStarted(int64_t completed, const std::string& timer_id, const std::string& timeout) {
    return timer_started_[timer_id] =
               Add(EventType::kTimerStarted, {{"timerId", timer_id},
                                              {"startToFireTimeout", timeout},
                                              {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }
  int64_t AddTimerFired(int64_t started, const std::string& timer_id) {
    return Add(EventType::kTimerFired, {{"timerId", timer_id}, {"startedEventId", std::to_string(started)}});
  }
  int64_t AddTimerCanceled(int64_t completed, int64_t started, const std::string& timer_id) {
    return Add(EventType::kTimerCanceled, {{"timerId", timer_id},
                                           {"startedEventId", std::to_string(started)},
                                           {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }
  int64_t AddActivityScheduled(int64_t completed, const std::string& activity_id, const std::string& type) {
    return activity_scheduled_[activity_id] =
               Add(EventType::kActivityTaskScheduled,
                   {{"activityId", activity_id},
                    {"activityType", {{"name", type}}},
                    {"taskQueue", {{"name", kTaskQueue}}},
                    {"startToCloseTimeout", "30s"},
                    {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }
  int64_t AddActivityStarted(int64_t scheduled, int attempt = 1) {
    return Add(
        EventType::kActivityTaskStarted,
        {{"scheduledEventId", std::to_string(scheduled)}, {"identity", "worker@lab"}, {"attempt", attempt}});
  }
  int64_t AddActivityCompleted(int64_t scheduled, int64_t started, const Json& result) {
    return Add(EventType::kActivityTaskCompleted, {{"scheduledEventId", std::to_string(scheduled)},
                                                   {"startedEventId", std::to_string(started)},
                                                   {"result", {{"payloads", {Payload(result)}}}},
                                                   {"identity", "worker@lab"}});
  }
  int64_t AddActivityFailed(int64_t scheduled, int64_t started, const std::string& message) {
    return Add(EventType::kActivityTaskFailed,
               {{"scheduledEventId", std::to_string(scheduled)},
                {"startedEventId", std::to_string(started)},
                {"failure", {{"message", message}, {"applicationFailureInfo", {{"type", "ValueError"}}}}},
                {"retryState", "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED"},
                {"identity", "worker@lab"}});
  }
  int64_t AddActivityTimedOut(int64_t scheduled, int64_t started) {
    return Add(EventType::kActivityTaskTimedOut,
               {{"scheduledEventId", std::to_string(scheduled)},
                {"startedEventId", std::to_string(started)},
                {"failure",
                 {{"message", "activity StartToClose timeout"},
                  {"timeoutFailureInfo", {{"timeoutType", "TIMEOUT_TYPE_START_TO_CLOSE"}}}}},
                {"retryState", "RETRY_STATE_TIMEOUT"}});
  }
  int64_t AddActivityCancelRequested(int64_t completed, int64_t scheduled) {
    return Add(EventType::kActivityTaskCancelRequested,
               {{"scheduledEventId", std::to_string(scheduled)},
                {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }
  int64_t AddActivityCanceled(int64_t scheduled, int64_t cancel_requested) {
    return Add(EventType::kActivityTaskCanceled,
               {{"scheduledEventId", std::to_string(scheduled)},
                {"latestCancelRequestedEventId", std::to_string(cancel_requested)},
                {"identity", "worker@lab"}});
  }
  int64_t AddSignal(const std::string& name, Json input = Json::array()) {
    return Add(EventType::kWorkflowExecutionSignaled,
               {{"signalName", name}, {"input", {{"payloads", std::move(input)}}}, {"identity", "ui@lab"}});
  }
  int64_t AddCancelRequested(const std::string& cause) {
    return Add(EventType::kWorkflowExecutionCancelRequested, {{"cause", cause}, {"identity", "ui@lab"}});
  }
  int64_t AddChildInitiated(int64_t completed, const std::string& workflow_id, const std::string& type) {
    return Add(EventType::kStartChildWorkflowExecutionInitiated,
               {{"namespace", "default"},
                {"workflowId", workflow_id},
                {"workflowType", {{"name", type}}},
                {"taskQueue", {{"name", kTaskQueue}}},
                {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }
  int64_t AddChildStarted(int64_t initiated, const std::string& workflow_id, const std::string& run_id,
                          const std::string& type) {
    return Add(EventType::kChildWorkflowExecutionStarted,
               {{"namespace", "default"},
                {"initiatedEventId", std::to_string(initiated)},
                {"workflowExecution", {{"workflowId", workflow_id}, {"runId", run_id}}},
                {"workflowType", {{"name", type}}}});
  }
  int64_t AddChildClosed(EventType type, int64_t initiated, int64_t started, Json extra = Json::object()) {
    extra["initiatedEventId"] = std::to_string(initiated);
    extra["startedEventId"] = std::to_string(started);
    return Add(type, std::move(extra));
  }
  int64_t AddStartChildFailed(int64_t completed, int64_t initiated, const std::string& workflow_id,
                              const std::string& type) {
    return Add(EventType::kStartChildWorkflowExecutionFailed,
               {{"namespace", "default"},
                {"workflowId", workflow_id},
                {"workflowType", {{"name", type}}},
                {"cause", "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS"},
                {"initiatedEventId", std::to_string(initiated)},
                {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }
  int64_t AddWorkflowCompleted(int64_t completed, const Json& result) {
    return Add(EventType::kWorkflowExecutionCompleted,
               {{"result", {{"payloads", {Payload(result)}}}},
                {"workflowTaskCompletedEventId", std::to_string(completed)}});
  }

  // Records the commands of a RespondWorkflowTaskCompleted request the way
  // the server would: WorkflowTaskCompleted, then one event per command.
  // Returns the WorkflowTaskCompleted event's ID.
  int64_t RecordResponse(const Json& request) {
    int64_t completed = AddWorkflowTaskCompleted(last_started());
    for (const Json& command : request.at("commands")) {
      const std::string type = command.at("commandType");
      if (type == "COMMAND_TYPE_START_TIMER") {
        const Json& a = command.at("startTimerCommandAttributes");
        AddTimerStarted(completed, a.at("timerId"), a.at("startToFireTimeout"));
      } else if (type == "COMMAND_TYPE_CANCEL_TIMER") {
        const std::string id = command.at("cancelTimerCommandAttributes").at("timerId");
        AddTimerCanceled(completed, timer_started_.at(id), id);
      } else if (type == "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK") {
        const Json& a = command.at("scheduleActivityTaskCommandAttributes");
        AddActivityScheduled(completed, a.at("activityId"), a.at("activityType").at("name"));
      } else if (type == "COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK") {
        const Json& a = command.at("requestCancelActivityTaskCommandAttributes");
        AddActivityCancelRequested(completed, std::stoll(a.at("scheduledEventId").get<std::string>()));
      } else if (type == "COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION") {
        const Json& a = command.at("startChildWorkflowExecutionCommandAttributes");
        AddChildInitiated(completed, a.at("workflowId"), a.at("workflowType").at("name"));
      } else if (type == "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION") {
        Add(EventType::kWorkflowExecutionCompleted,
            {{"result",
              command.at("completeWorkflowExecutionCommandAttributes").value("result", Json::object())},
             {"workflowTaskCompletedEventId", std::to_string(completed)}});
      } else {
        ADD_FAILURE() << "RecordResponse does not know " << type;
      }
    }
    return completed;
  }

  int64_t TimerStartedEvent(const std::string& timer_id) const { return timer_started_.at(timer_id); }
  int64_t ActivityScheduledEvent(const std::string& activity_id) const {
    return activity_scheduled_.at(activity_id);
  }

  // The last WorkflowTaskStarted event's ID.
  int64_t last_started() const {
    for (size_t i = events_.size(); i > 0; --i) {
      if (events_[i - 1].at("eventType") == EventTypeName(EventType::kWorkflowTaskStarted)) {
        return static_cast<int64_t>(i);
      }
    }
    return 0;
  }

  // Events with IDs from `first` to `last` (the whole history by default).
  Json Events(int64_t first = 1, int64_t last = 0) const {
    if (last == 0) last = last_id();
    Json events = Json::array();
    for (int64_t id = first; id <= last; ++id) events.push_back(events_[static_cast<size_t>(id - 1)]);
    return events;
  }

  // A workflow task ending at the last WorkflowTaskStarted; `first` > 1 makes it a sticky (partial) one.
  Json WorkflowTask(const std::string& token, int64_t first = 1) const {
    int64_t started = last_started();
    Json poll{{"taskToken", token},
              {"workflowExecution", {{"workflowId", "invoice-1"}, {"runId", run_id_}}},
              {"workflowType", {{"name", workflow_type_}}},
              {"startedEventId", std::to_string(started)},
              {"attempt", 1},
              {"history", {{"events", Events(first, started)}}}};
    if (first > 1) poll["previousStartedEventId"] = std::to_string(first - 1);
    return poll;
  }

  // A legacy query task over the whole history.
  Json QueryTask(const std::string& token, const std::string& query_type, int64_t first = 1) const {
    return Json{{"taskToken", token},
                {"workflowExecution", {{"workflowId", "invoice-1"}, {"runId", run_id_}}},
                {"workflowType", {{"name", workflow_type_}}},
                {"history", {{"events", Events(first)}}},
                {"query", {{"queryType", query_type}, {"queryArgs", {{"payloads", Json::array()}}}}}};
  }

 private:
  std::string run_id_;
  std::string workflow_type_;
  TimePoint now_ = TimePoint(std::chrono::seconds(1719705600));  // 2024-06-30T00:00:00Z
  std::vector<Json> events_;
  std::map<std::string, int64_t> timer_started_;
  std::map<std::string, int64_t> activity_scheduled_;
};

struct TaskOutcome {
  std::vector<Json> activations;
  Json respond;                 // {"method":..., "request":...}
  std::vector<Json> evictions;  // from every result of the task
};

// Runs one task through the core, answering each activation with the
// commands `workflow(activation)` returns. Stateful workflow code is taken by
// reference, so it keeps its state from task to task.
template <class Workflow>
TaskOutcome RunTask(WorkerCore& core, const Json& poll, Workflow&& workflow) {
  TaskOutcome outcome;
  StatusOr<Json> result = core.HandleWorkflowTask(poll);
  for (int guard = 0; guard < 100000; ++guard) {
    if (!result.ok()) {
      ADD_FAILURE() << result.status().ToString();
      return outcome;
    }
    for (const Json& eviction : result->at("evictions")) outcome.evictions.push_back(eviction);
    if (result->contains("respond")) {
      outcome.respond = result->at("respond");
      return outcome;
    }
    const Json& activation = result->at("activation");
    outcome.activations.push_back(activation);
    result = core.CompleteActivation(
        Json{{"runId", activation.at("runId")}, {"successful", {{"commands", workflow(activation)}}}});
  }
  ADD_FAILURE() << "the task never ended";
  return outcome;
}

// The kinds of an activation's jobs, in order: {"signalWorkflow", "fireTimer"}.
inline std::vector<std::string> JobKinds(const Json& activation) {
  std::vector<std::string> kinds;
  for (const Json& job : activation.at("jobs")) kinds.push_back(job.begin().key());
  return kinds;
}

inline std::vector<std::string> CommandTypes(const Json& respond) {
  std::vector<std::string> types;
  for (const Json& command : respond.at("request").at("commands")) types.push_back(command.at("commandType"));
  return types;
}

inline std::unique_ptr<WorkerCore> MakeCore(size_t max_cached_runs = 10, std::string sticky_queue = "") {
  WorkerCoreOptions options;
  options.identity = "worker@lab";
  options.task_queue = HistoryBuilder::kTaskQueue;
  options.sticky_task_queue = std::move(sticky_queue);
  options.max_cached_runs = max_cached_runs;
  StatusOr<std::unique_ptr<WorkerCore>> core = WorkerCore::Create(options);
  EXPECT_TRUE(core.ok()) << core.status().ToString();
  return std::move(core).value();
}

}  // namespace durable::replay_test
