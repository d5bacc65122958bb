// Workflow tasks: PollWorkflowTaskQueue, RespondWorkflowTaskCompleted (and the
// commands it carries), RespondWorkflowTaskFailed.
#include <algorithm>
#include <array>

#include "service/engine_impl.h"
#include "service/request.h"
#include "service/retry_policy.h"

namespace durable::service {
namespace {

constexpr char kNamespace[] = "default";

constexpr std::array<std::string_view, 10> kCommandTypes = {
    "COMMAND_TYPE_START_TIMER",
    "COMMAND_TYPE_CANCEL_TIMER",
    "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK",
    "COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK",
    "COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION",
    "COMMAND_TYPE_RECORD_MARKER",
    "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION",
    "COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION",
    "COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION",
    "COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION",
};

bool IsCloseCommand(std::string_view type) {
  return type == "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION" || type == "COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION" ||
         type == "COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION" || type == "COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION";
}

constexpr std::array<std::string_view, 5> kParentClosePolicies = {
    "", "PARENT_CLOSE_POLICY_UNSPECIFIED", "PARENT_CLOSE_POLICY_TERMINATE", "PARENT_CLOSE_POLICY_ABANDON",
    "PARENT_CLOSE_POLICY_REQUEST_CANCEL"};

// Copies optional fields that pass through to an event unchanged.
void CopyFields(const Json& from, Json& to, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (from.contains(key) && !from[key].is_null()) to[key] = from[key];
  }
}

}  // namespace

StatusOr<std::string> EngineImpl::RunOfWorkflowToken(const std::string& token) const {
  // "wt|<runId>|<scheduledEventId>|<startedEventId>|<attempt>"
  const Status not_found = NotFound("workflow task not found: it was already completed, failed or timed out");
  if (token.rfind("wt|", 0) != 0) return not_found;
  const size_t a = token.find('|', 3);
  if (a == std::string::npos) return not_found;
  auto it = s_.runs.find(token.substr(3, a - 3));
  if (it == s_.runs.end()) return not_found;
  const Run& run = it->second;
  const WorkflowTask& t = run.wft;
  if (!run.open() || t.state != WorkflowTask::State::kStarted) return not_found;
  const std::string expected = "wt|" + run.run_id + "|" + IdString(t.scheduled_id) + "|" + IdString(t.started_id) +
                               "|" + std::to_string(t.attempt);
  if (token != expected) return not_found;
  return run.run_id;
}

Status EngineImpl::PollWorkflowTaskQueue(CallId id, const Json& request) {
  std::string queue, identity;
  DURABLE_RETURN_IF_ERROR(GetName(request, "taskQueue", queue, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  SeePoller(queue, false, identity);
  polls_[id] = Poll{false, queue, identity, now_ + options_.long_poll_timeout, ++arrivals_};
  return Status::Ok();  // answered by Dispatch(), now or when work arrives
}

Status EngineImpl::RespondWorkflowTaskCompleted(CallId id, const Json& request) {
  std::string token, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  static const Json kNoCommands = Json::array();
  const Json& commands = request.contains("commands") && !request["commands"].is_null() ? request["commands"] : kNoCommands;
  if (!commands.is_array()) return InvalidArgument("commands must be an array");
  // Temporal rejects a malformed command sequence before looking at the task.
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string where = "commands[" + std::to_string(i) + "]";
    if (!commands[i].is_object() || !commands[i].contains("commandType") || !commands[i]["commandType"].is_string()) {
      return InvalidArgument(where + " needs a commandType");
    }
    const std::string type = commands[i]["commandType"];
    if (std::find(kCommandTypes.begin(), kCommandTypes.end(), type) == kCommandTypes.end()) {
      return InvalidArgument(where + ": unknown or unsupported command type " + type);
    }
    if (IsCloseCommand(type) && i + 1 != commands.size()) {
      return InvalidArgument("invalid command sequence: " + type + " at " + where + " must be the last command");
    }
  }
  StatusOr<const Json*> sticky = GetObject(request, "stickyAttributes");
  if (!sticky.ok()) return sticky.status();
  std::string sticky_queue;
  Duration sticky_timeout{0};
  DURABLE_RETURN_IF_ERROR(GetName(**sticky, "workerTaskQueue", sticky_queue));
  DURABLE_RETURN_IF_ERROR(GetDuration(**sticky, "scheduleToStartTimeout", sticky_timeout));
  StatusOr<const Json*> query_results = GetObject(request, "queryResults");
  if (!query_results.ok()) return query_results.status();
  bool force_new_task = false;
  DURABLE_RETURN_IF_ERROR(GetBool(request, "forceCreateNewWorkflowTask", force_new_task));
  StatusOr<std::string> run_id = RunOfWorkflowToken(token);
  if (!run_id.ok()) return run_id.status();

  Run& run = Mut(*run_id);
  const Run saved = run;
  std::vector<HistoryEvent>& history = s_.history[run.run_id];
  const size_t saved_length = history.size();
  const WorkflowTask task = run.wft;
  Json failed = {{"scheduledEventId", IdString(task.scheduled_id)},
                 {"startedEventId", IdString(task.started_id)},
                 {"identity", identity}};
  auto restore = [&] {
    run = saved;
    history.resize(saved_length);
  };

  const bool closes = !commands.empty() && IsCloseCommand(commands.back()["commandType"].get<std::string>());
  if (closes && !run.buffered.empty()) {
    // New events arrived while the worker decided to close: it must see them.
    failed["cause"] = "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND";
    FailWorkflowTask(run, EventType::kWorkflowTaskFailed, std::move(failed), false, false);
    Reply(id, Json::object());
    return Status::Ok();
  }

  if (task.transient()) {
    for (HistoryEvent& e : TransientTaskEvents(run)) Append(run, e.event_type, std::move(e.attributes), e.event_time);
  }
  Json completed = {{"scheduledEventId", IdString(task.scheduled_id)},
                    {"startedEventId", IdString(task.started_id)},
                    {"identity", identity}};
  CopyFields(request, completed, {"sdkMetadata", "meteringMetadata"});
  const int64_t completed_id = Append(run, EventType::kWorkflowTaskCompleted, std::move(completed));
  run.previous_started_id = task.started_id;
  run.wft = WorkflowTask{};

  std::vector<int64_t> child_starts;
  for (const Json& command : commands) {
    std::string cause;
    Status s = ApplyCommand(run, command, completed_id, child_starts, cause);
    if (s.ok()) continue;
    // As Temporal: the task fails with the command's cause, a new one is
    // scheduled, and the worker is told why.
    restore();
    failed["cause"] = cause;
    failed["failure"] = {{"message", s.message()}, {"source", "Server"}};
    FailWorkflowTask(run, EventType::kWorkflowTaskFailed, std::move(failed), true, true);
    ReplyError(id, std::move(s));
    return Status::Ok();
  }

  if (run.open()) {
    run.sticky_queue = sticky_queue;
    run.sticky_timeout = sticky_queue.empty() ? Duration(0) : sticky_timeout;
    if (!run.buffered.empty() || force_new_task) needs_task_.insert(run.run_id);
    FlushBuffered(run);
  }
  static const Json kNoResults = Json::object();
  const Json& results = (*query_results)->is_object() ? **query_results : kNoResults;
  for (const auto& [query_id, result] : results.items()) {
    auto q = queries_.find(query_id);
    if (q == queries_.end() || q->second.run_id != run.run_id || q->second.state != PendingQuery::State::kAttached) continue;
    if (result.is_object() && result.value("resultType", "") == "QUERY_RESULT_TYPE_ANSWERED") {
      Reply(q->second.call, {{"queryResult", result.value("answer", Json::object())}});
    } else {
      ReplyError(q->second.call, InvalidArgument(result.is_object() ? result.value("errorMessage", "query failed") : "query failed"));
    }
    queries_.erase(q);
  }
  DetachQueries(run.run_id);
  for (int64_t initiated : child_starts) {
    if (run.open()) StartChild(run, initiated);
  }
  Reply(id, Json::object());
  return Status::Ok();
}

Status EngineImpl::ApplyCommand(Run& run, const Json& command, int64_t completed_id,
                                std::vector<int64_t>& child_starts, std::string& cause) {
  const std::string type = command["commandType"];
  const std::string field = [&] {
    // COMMAND_TYPE_START_TIMER -> startTimerCommandAttributes
    std::string out;
    bool upper = false;
    for (char c : type.substr(13)) {
      if (c == '_') {
        upper = true;
      } else {
        out += upper ? c : static_cast<char>(c - 'A' + 'a');
        upper = false;
      }
    }
    return out + "CommandAttributes";
  }();
  static const Json kEmpty = Json::object();
  const Json& a = command.contains(field) && command[field].is_object() ? command[field] : kEmpty;
  const std::string completed = IdString(completed_id);
  auto bad = [&](const char* c, const std::string& message) {
    cause = std::string("WORKFLOW_TASK_FAILED_CAUSE_") + c;
    return InvalidArgument(type.substr(13) + ": " + message);
  };

  if (type == "COMMAND_TYPE_START_TIMER") {
    std::string timer_id;
    Duration fire{0};
    if (!GetString(a, "timerId", timer_id, true).ok()) return bad("BAD_START_TIMER_ATTRIBUTES", "timerId is required");
    if (Status s = GetDuration(a, "startToFireTimeout", fire); !s.ok() || fire.count() <= 0) {
      return bad("BAD_START_TIMER_ATTRIBUTES", "startToFireTimeout must be a positive duration");
    }
    if (run.timers.count(timer_id)) {
      return bad("START_TIMER_DUPLICATE_ID", "a timer with ID \"" + timer_id + "\" is already pending");
    }
    const int64_t started = Append(run, EventType::kTimerStarted,
                                   {{"timerId", timer_id},
                                    {"startToFireTimeout", FormatDuration(fire)},
                                    {"workflowTaskCompletedEventId", completed}});
    run.timers[timer_id] = Timer{timer_id, started, now_ + fire};
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_CANCEL_TIMER") {
    std::string timer_id;
    if (!GetString(a, "timerId", timer_id, true).ok()) return bad("BAD_CANCEL_TIMER_ATTRIBUTES", "timerId is required");
    std::string started;
    if (auto t = run.timers.find(timer_id); t != run.timers.end()) {
      started = IdString(t->second.started_id);
      run.timers.erase(t);
    } else {
      // The timer fired while this task ran: its buffered TimerFired is
      // dropped, as Temporal does, so the cancel wins.
      auto fired = std::find_if(run.buffered.begin(), run.buffered.end(), [&](const HistoryEvent& e) {
        return e.event_type == EventType::kTimerFired && e.attributes.value("timerId", "") == timer_id;
      });
      if (fired == run.buffered.end()) {
        return bad("BAD_CANCEL_TIMER_ATTRIBUTES", "no pending timer has ID \"" + timer_id + "\"");
      }
      started = fired->attributes.value("startedEventId", "0");
      run.buffered.erase(fired);
    }
    Append(run, EventType::kTimerCanceled,
           {{"timerId", timer_id}, {"startedEventId", started}, {"workflowTaskCompletedEventId", completed}});
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK") {
    const char* c = "BAD_SCHEDULE_ACTIVITY_ATTRIBUTES";
    Activity act;
    if (!GetString(a, "activityId", act.activity_id, true).ok()) return bad(c, "activityId is required");
    if (!GetName(a, "activityType", act.activity_type, true).ok()) return bad(c, "activityType.name is required");
    if (Status s = GetName(a, "taskQueue", act.task_queue); !s.ok()) return bad(c, s.message());
    if (act.task_queue.empty()) act.task_queue = run.task_queue;
    for (auto [key, out] : {std::pair{"scheduleToCloseTimeout", &act.schedule_to_close},
                            {"scheduleToStartTimeout", &act.schedule_to_start},
                            {"startToCloseTimeout", &act.start_to_close},
                            {"heartbeatTimeout", &act.heartbeat}}) {
      if (Status s = GetDuration(a, key, *out); !s.ok()) return bad(c, s.message());
    }
    if (act.schedule_to_close.count() == 0 && act.start_to_close.count() == 0) {
      return bad(c, "a valid startToCloseTimeout or scheduleToCloseTimeout is required");
    }
    StatusOr<RetryPolicy> policy = RetryPolicyFromJson(a.contains("retryPolicy") ? a["retryPolicy"] : Json());
    if (!policy.ok()) return bad(c, policy.status().message());
    for (const auto& [sid, other] : run.activities) {
      if (other.activity_id == act.activity_id) {
        return bad("SCHEDULE_ACTIVITY_DUPLICATE_ID", "an activity with ID \"" + act.activity_id + "\" is already pending");
      }
    }
    // Temporal's normalization: schedule-to-close is capped by the run
    // timeout; missing timeouts inherit from schedule-to-close.
    if (run.run_timeout.count() > 0 &&
        (act.schedule_to_close.count() == 0 || act.schedule_to_close > run.run_timeout)) {
      act.schedule_to_close = run.run_timeout;
    }
    const bool bounded = act.schedule_to_close.count() > 0;
    if (act.schedule_to_start.count() == 0 || (bounded && act.schedule_to_start > act.schedule_to_close)) {
      act.schedule_to_start = act.schedule_to_close;
    }
    if (act.start_to_close.count() == 0 || (bounded && act.start_to_close > act.schedule_to_close)) {
      act.start_to_close = act.schedule_to_close;
    }
    if (act.heartbeat > act.start_to_close) act.heartbeat = act.start_to_close;
    act.retry_policy = RetryPolicyToJson(*policy);
    act.input = a.value("input", Json());
    act.header = a.value("header", Json());
    Json event = {{"activityId", act.activity_id},
                  {"activityType", {{"name", act.activity_type}}},
                  {"taskQueue", {{"name", act.task_queue}, {"kind", "TASK_QUEUE_KIND_NORMAL"}}},
                  {"scheduleToCloseTimeout", FormatDuration(act.schedule_to_close)},
                  {"scheduleToStartTimeout", FormatDuration(act.schedule_to_start)},
                  {"startToCloseTimeout", FormatDuration(act.start_to_close)},
                  {"heartbeatTimeout", FormatDuration(act.heartbeat)},
                  {"workflowTaskCompletedEventId", completed},
                  {"retryPolicy", act.retry_policy}};
    CopyFields(a, event, {"input", "header"});
    act.scheduled_id = Append(run, EventType::kActivityTaskScheduled, std::move(event));
    act.scheduled_time = act.attempt_scheduled_time = now_;
    act.seq = NextSeq();
    run.activities[act.scheduled_id] = std::move(act);
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK") {
    int64_t scheduled_id = 0;
    if (Status s = GetInt(a, "scheduledEventId", scheduled_id); !s.ok() || scheduled_id <= 0) {
      return bad("BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES", "scheduledEventId is required");
    }
    auto it = run.activities.find(scheduled_id);
    if (it == run.activities.end()) {
      // Closed while this task ran: its buffered result is delivered instead.
      const bool closing = std::any_of(run.buffered.begin(), run.buffered.end(), [&](const HistoryEvent& e) {
        return e.attributes.value("scheduledEventId", "") == IdString(scheduled_id);
      });
      if (closing) return Status::Ok();
      return bad("BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES",
                 "no pending activity was scheduled by event " + IdString(scheduled_id));
    }
    Activity& act = it->second;
    act.cancel_requested_id = Append(run, EventType::kActivityTaskCancelRequested,
                                     {{"scheduledEventId", IdString(scheduled_id)}, {"workflowTaskCompletedEventId", completed}});
    if (!act.started) {
      // Nothing is running: canceled at once.
      CloseActivity(run, act, EventType::kActivityTaskCanceled,
                    {{"latestCancelRequestedEventId", IdString(act.cancel_requested_id)}});
    }
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION") {
    const char* c = "BAD_START_CHILD_EXECUTION_ATTRIBUTES";
    std::string workflow_id, workflow_type, queue, policy;
    if (!GetString(a, "workflowId", workflow_id, true).ok()) return bad(c, "workflowId is required");
    if (!GetName(a, "workflowType", workflow_type, true).ok()) return bad(c, "workflowType.name is required");
    if (Status s = GetName(a, "taskQueue", queue); !s.ok()) return bad(c, s.message());
    if (Status s = GetString(a, "parentClosePolicy", policy); !s.ok()) return bad(c, s.message());
    if (std::find(kParentClosePolicies.begin(), kParentClosePolicies.end(), policy) == kParentClosePolicies.end()) {
      return bad(c, "parentClosePolicy \"" + policy + "\" is not a known value");
    }
    if (policy.empty() || policy == "PARENT_CLOSE_POLICY_UNSPECIFIED") policy = "PARENT_CLOSE_POLICY_TERMINATE";
    Json event = {{"namespace", kNamespace},
                  {"workflowId", workflow_id},
                  {"workflowType", {{"name", workflow_type}}},
                  {"taskQueue", {{"name", queue.empty() ? run.task_queue : queue}, {"kind", "TASK_QUEUE_KIND_NORMAL"}}},
                  {"parentClosePolicy", policy},
                  {"workflowTaskCompletedEventId", completed}};
    for (const char* key : {"workflowExecutionTimeout", "workflowRunTimeout", "workflowTaskTimeout"}) {
      Duration d{0};
      if (Status s = GetDuration(a, key, d); !s.ok()) return bad(c, s.message());
      event[key] = FormatDuration(d);
    }
    CopyFields(a, event, {"input", "header", "memo", "control", "workflowIdReusePolicy"});
    const int64_t initiated = Append(run, EventType::kStartChildWorkflowExecutionInitiated, std::move(event));
    run.children[initiated] = Child{initiated, 0, workflow_id, "", workflow_type, policy};
    child_starts.push_back(initiated);
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_RECORD_MARKER") {
    std::string name;
    if (!GetString(a, "markerName", name, true).ok()) return bad("BAD_RECORD_MARKER_ATTRIBUTES", "markerName is required");
    Json event = {{"markerName", name}, {"workflowTaskCompletedEventId", completed}};
    CopyFields(a, event, {"details", "header", "failure"});
    Append(run, EventType::kMarkerRecorded, std::move(event));
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION") {
    Json event = {{"workflowTaskCompletedEventId", completed}};
    CopyFields(a, event, {"result"});
    CloseRun(run, RunStatus::kCompleted, EventType::kWorkflowExecutionCompleted, std::move(event));
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION") {
    if (!a.contains("failure") || !a["failure"].is_object()) {
      return bad("BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES", "failure is required");
    }
    CloseRun(run, RunStatus::kFailed, EventType::kWorkflowExecutionFailed,
             {{"failure", a["failure"]}, {"retryState", "RETRY_STATE_RETRY_POLICY_NOT_SET"}, {"workflowTaskCompletedEventId", completed}});
    return Status::Ok();
  }
  if (type == "COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION") {
    Json event = {{"workflowTaskCompletedEventId", completed}};
    CopyFields(a, event, {"details"});
    CloseRun(run, RunStatus::kCanceled, EventType::kWorkflowExecutionCanceled, std::move(event));
    return Status::Ok();
  }
  // COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION (the list is checked up front).
  const char* c = "BAD_CONTINUE_AS_NEW_ATTRIBUTES";
  StartSpec spec;
  spec.workflow_id = run.workflow_id;
  if (Status s = GetName(a, "workflowType", spec.workflow_type); !s.ok()) return bad(c, s.message());
  if (Status s = GetName(a, "taskQueue", spec.task_queue); !s.ok()) return bad(c, s.message());
  if (Status s = GetDuration(a, "workflowRunTimeout", spec.run_timeout); !s.ok()) return bad(c, s.message());
  if (Status s = GetDuration(a, "workflowTaskTimeout", spec.task_timeout); !s.ok()) return bad(c, s.message());
  if (spec.workflow_type.empty()) spec.workflow_type = run.workflow_type;
  if (spec.task_queue.empty()) spec.task_queue = run.task_queue;
  if (spec.run_timeout.count() == 0) spec.run_timeout = run.run_timeout;
  if (spec.task_timeout.count() == 0) spec.task_timeout = run.workflow_task_timeout;
  spec.execution_timeout = run.execution_timeout;
  spec.execution_expiration = run.execution_expiration;
  spec.input = a.value("input", Json());
  spec.header = a.value("header", Json());
  spec.memo = a.value("memo", Json());
  spec.parent = run.parent;
  spec.first_run_id = run.first_run_id;
  spec.continued_run_id = run.run_id;
  spec.extra_attributes = {{"initiator", "CONTINUE_AS_NEW_INITIATOR_WORKFLOW"}};
  CopyFields(a, spec.extra_attributes, {"lastCompletionResult"});
  if (a.contains("failure") && a["failure"].is_object()) spec.extra_attributes["continuedFailure"] = a["failure"];
  const std::string new_run_id = StartRun(spec);
  Json event = {{"newExecutionRunId", new_run_id},
                {"workflowType", {{"name", spec.workflow_type}}},
                {"taskQueue", {{"name", spec.task_queue}, {"kind", "TASK_QUEUE_KIND_NORMAL"}}},
                {"workflowRunTimeout", FormatDuration(spec.run_timeout)},
                {"workflowTaskTimeout", FormatDuration(spec.task_timeout)},
                {"workflowTaskCompletedEventId", completed},
                {"initiator", "CONTINUE_AS_NEW_INITIATOR_WORKFLOW"}};
  CopyFields(a, event, {"input", "header", "memo"});
  CloseRun(run, RunStatus::kContinuedAsNew, EventType::kWorkflowExecutionContinuedAsNew, std::move(event));
  return Status::Ok();
}

void EngineImpl::StartChild(Run& parent, int64_t initiated) {
  const Json a = s_.history.at(parent.run_id).at(initiated - 1).attributes;
  StartSpec spec;
  spec.workflow_id = a["workflowId"];
  spec.workflow_type = a["workflowType"]["name"];
  spec.task_queue = a["taskQueue"]["name"];
  (void)GetDuration(a, "workflowExecutionTimeout", spec.execution_timeout);
  (void)GetDuration(a, "workflowRunTimeout", spec.run_timeout);
  (void)GetDuration(a, "workflowTaskTimeout", spec.task_timeout);
  spec.input = a.value("input", Json());
  spec.header = a.value("header", Json());
  spec.memo = a.value("memo", Json());
  spec.parent = {{"workflowId", parent.workflow_id}, {"runId", parent.run_id}, {"initiatedEventId", IdString(initiated)}};
  const std::string reuse = a.value("workflowIdReusePolicy", "");
  // A child never terminates another run to take its workflow ID.
  StatusOr<std::string> allowed = CheckStartAllowed(spec.workflow_id, reuse, "");
  if (!allowed.ok() || !allowed->empty()) {
    parent.children.erase(initiated);
    AddExternalEvent(parent, EventType::kStartChildWorkflowExecutionFailed,
                     {{"namespace", kNamespace},
                      {"workflowId", spec.workflow_id},
                      {"workflowType", {{"name", spec.workflow_type}}},
                      {"cause", "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS"},
                      {"initiatedEventId", IdString(initiated)},
                      {"workflowTaskCompletedEventId", a["workflowTaskCompletedEventId"]}});
    return;
  }
  const std::string run_id = StartRun(spec);
  Json started = {{"namespace", kNamespace},
                  {"initiatedEventId", IdString(initiated)},
                  {"workflowExecution", {{"workflowId", spec.workflow_id}, {"runId", run_id}}},
                  {"workflowType", {{"name", spec.workflow_type}}}};
  if (!spec.header.is_null()) started["header"] = spec.header;
  Child& child = parent.children.at(initiated);
  child.run_id = run_id;
  child.started_id = AddExternalEvent(parent, EventType::kChildWorkflowExecutionStarted, std::move(started));
}

Status EngineImpl::RespondWorkflowTaskFailed(CallId id, const Json& request) {
  std::string token, cause, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "cause", cause));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<Json> failure = GetOptional(request, "failure");
  if (!failure.ok()) return failure.status();
  StatusOr<std::string> run_id = RunOfWorkflowToken(token);
  if (!run_id.ok()) return run_id.status();
  Run& run = Mut(*run_id);
  Json a = {{"scheduledEventId", IdString(run.wft.scheduled_id)},
            {"startedEventId", IdString(run.wft.started_id)},
            {"cause", cause.empty() ? "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE" : cause},
            {"identity", identity}};
  if (!failure->is_null()) a["failure"] = *failure;
  FailWorkflowTask(run, EventType::kWorkflowTaskFailed, std::move(a), true, true);
  Reply(id, Json::object());
  return Status::Ok();
}

}  // namespace durable::service
