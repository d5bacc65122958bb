// The replay core (worker_core.h): histories it has never seen, answered by
// workflow code that does anything. Properties:
//   - nothing crashes, throws or trips a sanitizer: a history that disagrees
//     with the code is a nondeterminism failure of the task, bad input an
//     error Status, never INTERNAL;
//   - a call that fails changes nothing the host can see (the cached runs);
//   - every result is {"evictions":[...]} with exactly one of "activation"
//     and "respond".
//
// Two input forms:
//   - JSON text: a poll response (a workflow task, a legacy query task) whose
//     activations are answered with no commands, or a script: an array of
//     poll responses (they have a "taskToken") and completions, fed in order.
//     The corpus holds tasks the engine wrote and a whole run of them.
//   - anything else: bytes that script a run as the server and the workflow
//     code would, but freely: a history of generated events (timers,
//     activities, children, signals, cancellation, closes, workflow task
//     failures and time-outs, events the core ignores), workflow tasks over it
//     as full or sticky histories, queries, completions with generated
//     commands, and the server recording the commands the core sent, mostly
//     faithfully and sometimes not.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "durable/history.h"
#include "durable/worker_core.h"
#include "fuzz_support.h"

namespace durable::fuzz {
namespace {

// Activations one task may take before the fuzzer moves on.
constexpr int kMaxCompletions = 16;

// Calls the core and checks the properties above on the answer.
class CheckedCore {
 public:
  explicit CheckedCore(const WorkerCoreOptions& options) {
    StatusOr<std::unique_ptr<WorkerCore>> core = WorkerCore::Create(options);
    if (!core.ok()) Fail("WorkerCore::Create: " + core.status().ToString());
    core_ = std::move(*core);
  }

  std::optional<Json> HandleWorkflowTask(const Json& poll) {
    return Check("HandleWorkflowTask", [&] { return core_->HandleWorkflowTask(poll); });
  }
  std::optional<Json> CompleteActivation(const Json& completion) {
    return Check("CompleteActivation", [&] { return core_->CompleteActivation(completion); });
  }
  void Evict(const std::string& run_id) {
    const Status status = core_->Evict(run_id);
    ExpectNoInternalError(status, "Evict");
  }

 private:
  template <class Call>
  std::optional<Json> Check(const char* what, Call call) {
    const size_t cached = core_->CachedRunCount();
    StatusOr<Json> result = call();
    if (!result.ok()) {
      ExpectNoInternalError(result.status(), what);
      if (core_->CachedRunCount() != cached) Fail(std::string(what) + " failed but changed the cache");
      return std::nullopt;
    }
    const Json& r = *result;
    if (!r.is_object() || !r.contains("evictions") || !r["evictions"].is_array() ||
        r.contains("activation") == r.contains("respond")) {
      Fail(std::string(what) + " returned a result of the wrong shape: " + r.dump());
    }
    return std::move(*result);
  }

  std::unique_ptr<WorkerCore> core_;
};

// ---- JSON text --------------------------------------------------------------

void RunJson(const Json& input) {
  CheckedCore core(WorkerCoreOptions{});
  if (input.is_array()) {
    for (const Json& item : input) {
      if (item.is_object() && item.contains("taskToken")) {
        core.HandleWorkflowTask(item);
      } else {
        core.CompleteActivation(item);
      }
    }
    return;
  }
  // Workflow code that never commands anything.
  std::optional<Json> result = core.HandleWorkflowTask(input);
  for (int i = 0; i < kMaxCompletions && result && result->contains("activation"); ++i) {
    result = core.CompleteActivation(
        {{"runId", (*result)["activation"]["runId"]}, {"successful", {{"commands", Json::array()}}}});
  }
}

// ---- a scripted run ---------------------------------------------------------

// The server's side: the history of one run, event by event, and the IDs of
// events the generator refers back to, so that references mostly point at
// something that exists.
struct History {
  int64_t Add(EventType type, Json attributes) {
    now += std::chrono::milliseconds(250);
    HistoryEvent event{last_id() + 1, now, type, 1'048'576 + last_id(), std::move(attributes)};
    events.push_back(EventToJson(event));
    return event.event_id;
  }
  int64_t last_id() const { return static_cast<int64_t>(events.size()); }
  // The timerId of the TimerStarted event `started`, if it is one.
  std::string TimerId(int64_t started) const {
    if (started < 1 || started > last_id()) return "1";
    return events[started - 1].value("timerStartedEventAttributes", Json::object()).value("timerId", "1");
  }
  Json Events(int64_t first) const {
    Json out = Json::array();
    for (int64_t id = first; id <= last_id(); ++id) out.push_back(events[id - 1]);
    return out;
  }

  TimePoint now = TimePoint(std::chrono::seconds(1'719'705'600));
  std::vector<Json> events;
  std::vector<int64_t> timers, activities, children, cancel_requests;
  std::vector<int64_t> tasks;  // every WorkflowTaskStarted
  int64_t last_completed = 0;  // the last WorkflowTaskCompleted
  int64_t last_started = 0;    // the last WorkflowTaskStarted
};

class Script {
 public:
  explicit Script(FuzzedDataProvider& in) : in_(in), core_(Options(in)) {}

  void Run() {
    Json started = {{"workflowType", {{"name", "Wf"}}},
                    {"taskQueue", {{"name", "q"}, {"kind", "TASK_QUEUE_KIND_NORMAL"}}},
                    {"input", Payloads("in")},
                    {"workflowTaskTimeout", "10s"},
                    {"originalExecutionRunId", "run-1"},
                    {"attempt", in_.ConsumeIntegralInRange(1, 3)}};
    if (in_.ConsumeBool()) started["parentWorkflowExecution"] = {{"workflowId", "parent"}, {"runId", "p-1"}};
    history_.Add(EventType::kWorkflowExecutionStarted, std::move(started));
    for (int task = 0; task < kMaxTasks && in_.remaining_bytes() > 0; ++task) {
      // The server starts a workflow with its first task right away.
      if (task > 0) AddEvents();
      AddWorkflowTask();
      RunTask();
    }
  }

 private:
  // Each task parses its whole history again (full ones) under ASan, so
  // longer runs cost more executions than they add coverage.
  static constexpr int kMaxTasks = 6;
  static constexpr int kMaxEventsPerTask = 8;

  static WorkerCoreOptions Options(FuzzedDataProvider& in) {
    WorkerCoreOptions options;
    options.task_queue = "q";
    if (in.ConsumeBool()) options.sticky_task_queue = "sticky";
    options.max_cached_runs = in.ConsumeIntegralInRange<size_t>(1, 2);
    return options;
  }

  // One of `known` (or 0 if none), sometimes any small number.
  int64_t Ref(const std::vector<int64_t>& known) {
    if (known.empty() || OneIn(in_, 8)) return in_.ConsumeIntegralInRange<int64_t>(0, 40);
    return known[in_.ConsumeIntegralInRange<size_t>(0, known.size() - 1)];
  }
  std::string RefText(const std::vector<int64_t>& known) { return std::to_string(Ref(known)); }

  void AddWorkflowTask() {
    history_.Add(EventType::kWorkflowTaskScheduled,
                 {{"taskQueue", {{"name", "q"}}}, {"startToCloseTimeout", "10s"}, {"attempt", 1}});
    history_.last_started =
        history_.Add(EventType::kWorkflowTaskStarted, {{"scheduledEventId", std::to_string(history_.last_id())}});
    history_.tasks.push_back(history_.last_started);
  }
  // The last workflow task failed or timed out (WorkflowTaskCompleted is Record's).
  void EndWorkflowTask(EventType end) {
    history_.Add(end, {{"scheduledEventId", std::to_string(history_.last_started - 1)},
                       {"startedEventId", std::to_string(history_.last_started)}});
  }

  // Events the server adds between workflow tasks: mostly what resolves the
  // commands it recorded, now and then anything at all.
  void AddEvents() {
    History& h = history_;
    const std::string completed = std::to_string(h.last_completed);
    for (int n = in_.ConsumeIntegralInRange(0, kMaxEventsPerTask); n > 0; --n) {
      switch (in_.ConsumeIntegralInRange(0, 11)) {
        case 0: {
          // A workflow task that failed or timed out: its events roll into the next one.
          AddWorkflowTask();
          EndWorkflowTask(in_.ConsumeBool() ? EventType::kWorkflowTaskFailed : EventType::kWorkflowTaskTimedOut);
          break;
        }
        case 1: {
          const int64_t started = Ref(h.timers);
          h.Add(EventType::kTimerFired, {{"timerId", h.TimerId(started)}, {"startedEventId", std::to_string(started)}});
          break;
        }
        case 2:
          h.Add(EventType::kActivityTaskStarted, {{"scheduledEventId", RefText(h.activities)}, {"attempt", 1}});
          break;
        case 3: {
          constexpr EventType kClosed[] = {EventType::kActivityTaskCompleted, EventType::kActivityTaskFailed,
                                           EventType::kActivityTaskTimedOut, EventType::kActivityTaskCanceled};
          Json a = {{"scheduledEventId", RefText(h.activities)}};
          if (in_.ConsumeBool()) a["result"] = Payloads("r");
          if (in_.ConsumeBool()) a["failure"] = {{"message", FuzzString(in_, 16)}};
          h.Add(in_.PickValueInArray(kClosed), std::move(a));
          break;
        }
        case 4: {
          const int64_t initiated = Ref(h.children);
          if (in_.ConsumeBool()) {
            h.Add(EventType::kChildWorkflowExecutionStarted,
                  {{"initiatedEventId", std::to_string(initiated)},
                   {"workflowExecution", {{"workflowId", "child-1"}, {"runId", "c-1"}}},
                   {"workflowType", {{"name", "Child"}}}});
          } else {
            h.Add(EventType::kStartChildWorkflowExecutionFailed,
                  {{"initiatedEventId", std::to_string(initiated)},
                   {"workflowId", "child-1"},
                   {"workflowType", {{"name", "Child"}}},
                   {"cause", "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS"},
                   {"workflowTaskCompletedEventId", completed}});
          }
          break;
        }
        case 5: {
          constexpr EventType kClosed[] = {
              EventType::kChildWorkflowExecutionCompleted, EventType::kChildWorkflowExecutionFailed,
              EventType::kChildWorkflowExecutionCanceled,  EventType::kChildWorkflowExecutionTimedOut,
              EventType::kChildWorkflowExecutionTerminated};
          h.Add(in_.PickValueInArray(kClosed),
                {{"initiatedEventId", RefText(h.children)},
                 {"startedEventId", RefText(h.children)},
                 {"workflowExecution", {{"workflowId", "child-1"}, {"runId", "c-1"}}},
                 {"result", Payloads("child")},
                 {"failure", {{"message", "child failed"}}}});
          break;
        }
        case 6:
          h.Add(in_.ConsumeBool() ? EventType::kExternalWorkflowExecutionCancelRequested
                                  : EventType::kRequestCancelExternalWorkflowExecutionFailed,
                {{"initiatedEventId", RefText(h.cancel_requests)}});
          break;
        case 7: h.Add(EventType::kWorkflowExecutionSignaled, {{"signalName", "s"}, {"input", Payloads("sig")}}); break;
        case 8: h.Add(EventType::kWorkflowExecutionCancelRequested, {{"cause", "fuzz"}}); break;
        case 9:
          h.Add(in_.ConsumeBool() ? EventType::kWorkflowExecutionTerminated : EventType::kWorkflowExecutionTimedOut,
                {{"reason", "fuzz"}});
          break;
        case 10: {
          // A command event no command asked for.
          constexpr EventType kCommandEvents[] = {
              EventType::kTimerStarted, EventType::kActivityTaskScheduled,
              EventType::kStartChildWorkflowExecutionInitiated, EventType::kMarkerRecorded,
              EventType::kWorkflowExecutionCompleted, EventType::kRequestCancelExternalWorkflowExecutionInitiated};
          h.Add(in_.PickValueInArray(kCommandEvents),
                {{"timerId", "1"}, {"startToFireTimeout", "2s"}, {"activityId", "1"},
                 {"activityType", {{"name", "act"}}}, {"workflowId", "child-1"},
                 {"workflowType", {{"name", "Child"}}}, {"workflowTaskCompletedEventId", completed}});
          break;
        }
        default:
          // Any event type at all, with attributes of fuzz JSON.
          h.Add(static_cast<EventType>(in_.ConsumeIntegralInRange(1, 40)), AnyObject());
      }
    }
  }

  Json AnyObject() {
    Json json = ConsumeJson(in_, 64);
    return json.is_object() ? json : Json::object();
  }

  // The server records a RespondWorkflowTaskCompleted: WorkflowTaskCompleted,
  // then an event per command, each with the command's attributes. Now and
  // then it drops or reorders one, as a history written by other code would.
  void Record(const Json& request) {
    static constexpr std::pair<std::string_view, EventType> kRecords[] = {
        {"COMMAND_TYPE_START_TIMER", EventType::kTimerStarted},
        {"COMMAND_TYPE_CANCEL_TIMER", EventType::kTimerCanceled},
        {"COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK", EventType::kActivityTaskScheduled},
        {"COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK", EventType::kActivityTaskCancelRequested},
        {"COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION", EventType::kStartChildWorkflowExecutionInitiated},
        {"COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION",
         EventType::kRequestCancelExternalWorkflowExecutionInitiated},
        {"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION", EventType::kWorkflowExecutionCompleted},
        {"COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION", EventType::kWorkflowExecutionFailed},
        {"COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION", EventType::kWorkflowExecutionCanceled},
        {"COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION", EventType::kWorkflowExecutionContinuedAsNew},
    };
    History& h = history_;
    h.last_completed = h.Add(EventType::kWorkflowTaskCompleted,
                             {{"scheduledEventId", std::to_string(h.last_started - 1)},
                              {"startedEventId", std::to_string(h.last_started)}});
    const std::string completed = std::to_string(h.last_completed);
    Json commands = request.value("commands", Json::array());
    if (commands.size() > 1 && OneIn(in_, 8)) {
      std::swap(commands[0], commands[commands.size() - 1]);
    }
    for (const Json& command : commands) {
      if (OneIn(in_, 16)) continue;
      const std::string type = command.value("commandType", "");
      for (const auto& [command_type, event_type] : kRecords) {
        if (type != command_type) continue;
        Json attributes = Json::object();
        for (const auto& [key, value] : command.items()) {
          if (key != "commandType") attributes = value;
        }
        attributes["workflowTaskCompletedEventId"] = completed;
        const int64_t id = h.Add(event_type, std::move(attributes));
        if (event_type == EventType::kTimerStarted) h.timers.push_back(id);
        if (event_type == EventType::kActivityTaskScheduled) h.activities.push_back(id);
        if (event_type == EventType::kStartChildWorkflowExecutionInitiated) h.children.push_back(id);
        if (event_type == EventType::kRequestCancelExternalWorkflowExecutionInitiated) {
          h.cancel_requests.push_back(id);
        }
      }
    }
  }

  // What the workflow code answers to an activation.
  Json Completion(const Json& activation) {
    Json completion = {{"runId", OneIn(in_, 32) ? "run-2" : activation.value("runId", "")}};
    switch (in_.ConsumeIntegralInRange(0, 15)) {
      case 14: completion["failed"] = {{"failure", {{"message", "boom"}}}}; return completion;
      case 15: return AnyObject();
      default: break;
    }
    Json commands = Json::array();
    for (const Json& job : activation.value("jobs", Json::array())) {
      if (job.contains("queryWorkflow") && !OneIn(in_, 8)) {
        Json answer = {{"queryId", job["queryWorkflow"].value("queryId", "")}};
        if (in_.ConsumeBool()) {
          answer["succeeded"] = {{"response", EncodeJsonPayload("ok")}};
        } else {
          answer["failed"] = {{"message", "no such query"}};
        }
        commands.push_back({{"respondToQuery", std::move(answer)}});
      }
    }
    for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) commands.push_back(Command());
    completion["successful"] = {{"commands", std::move(commands)}};
    return completion;
  }

  Json Command() {
    const int seq = in_.ConsumeIntegralInRange(1, 3);
    switch (in_.ConsumeIntegralInRange(0, 10)) {
      case 0: return {{"startTimer", {{"seq", seq}, {"startToFireTimeout", PickDuration(in_)}}}};
      case 1: return {{"cancelTimer", {{"seq", seq}}}};
      case 2: {
        Json a = {{"seq", seq},
                  {"activityType", "act"},
                  {"cancellationType", PickString(in_, {"TRY_CANCEL", "WAIT_CANCELLATION_COMPLETED", "ABANDON"})},
                  {"startToCloseTimeout", PickDuration(in_)}};
        if (in_.ConsumeBool()) a["activityId"] = std::to_string(seq);
        return {{"scheduleActivity", std::move(a)}};
      }
      case 3: return {{"requestCancelActivity", {{"seq", seq}}}};
      case 4:
        return {{"startChildWorkflowExecution",
                 {{"seq", seq},
                  {"workflowId", "child-" + std::to_string(seq)},
                  {"workflowType", "Child"},
                  {"cancellationType", PickString(in_, {"ABANDON", "TRY_CANCEL", "WAIT_CANCELLATION_COMPLETED",
                                                        "WAIT_CANCELLATION_REQUESTED"})}}}};
      case 5: return {{"cancelChildWorkflowExecution", {{"childWorkflowSeq", seq}, {"reason", "fuzz"}}}};
      case 6: return {{"completeWorkflowExecution", {{"result", EncodeJsonPayload("done")}}}};
      case 7: return {{"failWorkflowExecution", {{"failure", {{"message", "boom"}}}}}};
      case 8: return {{"cancelWorkflowExecution", Json::object()}};
      case 9: return {{"continueAsNewWorkflowExecution", {{"workflowRunTimeout", PickDuration(in_)}}}};
      default: return AnyObject();
    }
  }

  Json PollResponse() {
    const std::string run_id = OneIn(in_, 16) ? "run-2" : "run-1";
    const int64_t previous = history_.tasks.size() > 1 ? history_.tasks[history_.tasks.size() - 2] : 0;
    // Sticky tasks carry only the events after the previous task.
    const int64_t first = previous > 0 && in_.ConsumeBool() ? previous + 1 : 1;
    Json poll = {{"taskToken", "token-" + std::to_string(history_.last_started)},
                 {"workflowExecution", {{"workflowId", "wf"}, {"runId", run_id}}},
                 {"workflowType", {{"name", "Wf"}}},
                 {"previousStartedEventId", std::to_string(previous)},
                 {"attempt", 1},
                 {"history", {{"events", history_.Events(first)}}}};
    if (OneIn(in_, 8)) {
      poll["query"] = {{"queryType", "status"}};  // a legacy query task
    } else {
      poll["startedEventId"] = std::to_string(history_.last_started);
      if (OneIn(in_, 4)) poll["queries"] = {{"q1", {{"queryType", "status"}}}};
    }
    return poll;
  }

  void RunTask() {
    Json poll = PollResponse();
    std::optional<Json> result = core_.HandleWorkflowTask(poll);
    if (!result && poll["history"]["events"].size() < history_.events.size()) {
      // As a worker does when its run left the cache: fetch the full history.
      poll["history"]["events"] = history_.Events(1);
      result = core_.HandleWorkflowTask(poll);
    }
    // A completion the core refuses leaves the activation outstanding, so the
    // code answers it again.
    for (int i = 0; i < kMaxCompletions && result && result->contains("activation"); ++i) {
      if (std::optional<Json> next = core_.CompleteActivation(Completion((*result)["activation"]))) {
        result = std::move(next);
      }
    }
    // The server records how the task ended; a query task leaves no trace.
    const std::string method = result && result->contains("respond") ? (*result)["respond"].value("method", "") : "";
    if (method == "RespondWorkflowTaskCompleted" && !OneIn(in_, 8)) {
      Record((*result)["respond"]["request"]);
    } else if (method != "RespondQueryTaskCompleted") {
      EndWorkflowTask(method == "RespondWorkflowTaskFailed" ? EventType::kWorkflowTaskFailed
                                                            : EventType::kWorkflowTaskTimedOut);
    }
    if (OneIn(in_, 16)) core_.Evict("run-1");
  }

  FuzzedDataProvider& in_;
  CheckedCore core_;
  History history_;
};

}  // namespace
}  // namespace durable::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace durable::fuzz;
  if (std::optional<durable::Json> json = ParseJson({reinterpret_cast<const char*>(data), size})) {
    RunJson(*json);
    return 0;
  }
  FuzzedDataProvider in(data, size);
  Script(in).Run();
  return 0;
}
