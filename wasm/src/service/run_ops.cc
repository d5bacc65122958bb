#include <algorithm>

#include "service/engine_impl.h"
#include "service/request.h"

namespace durable::service {
namespace {

constexpr char kNamespace[] = "default";

bool IsActivityClose(EventType t) {
  return t == EventType::kActivityTaskCompleted || t == EventType::kActivityTaskFailed ||
         t == EventType::kActivityTaskTimedOut || t == EventType::kActivityTaskCanceled;
}

// Temporal retries a failing workflow task at once. A task whose code fails
// every time would then spin the browser, so from the third attempt on the
// retry waits 1 s, 2 s, 4 s ... up to 10 minutes.
Duration WorkflowTaskBackoff(int32_t attempt) {
  if (attempt < 3) return Duration(0);
  const Duration cap = std::chrono::minutes(10);
  const int shift = std::min(attempt - 3, 20);
  return std::min<Duration>(std::chrono::seconds(int64_t{1} << shift), cap);
}

}  // namespace

StatusOr<std::string> EngineImpl::ResolveRun(const Json& execution) const {
  std::string workflow_id, run_id;
  if (!execution.is_object()) return InvalidArgument("execution.workflowId is required");
  DURABLE_RETURN_IF_ERROR(GetString(execution, "workflowId", workflow_id, true));
  DURABLE_RETURN_IF_ERROR(GetString(execution, "runId", run_id));
  if (run_id.empty()) {
    auto it = s_.current.find(workflow_id);
    if (it == s_.current.end()) {
      return NotFound("workflow execution not found for workflow ID \"" + workflow_id + "\"");
    }
    return it->second;
  }
  auto it = s_.runs.find(run_id);
  if (it == s_.runs.end() || it->second.workflow_id != workflow_id) {
    return NotFound("workflow execution not found for workflow ID \"" + workflow_id + "\" and run ID \"" + run_id +
                    "\"");
  }
  return run_id;
}

StatusOr<std::string> EngineImpl::ResolveOpenRun(const Json& execution) const {
  StatusOr<std::string> run_id = ResolveRun(execution);
  if (!run_id.ok()) return run_id;
  if (!s_.runs.at(*run_id).open()) return NotFound("workflow execution already completed");
  return run_id;
}

HistoryEvent EngineImpl::MakeEvent(EventType type, Json attributes, std::optional<TimePoint> time) {
  HistoryEvent e;
  e.event_time = time.value_or(now_);
  e.event_type = type;
  e.task_id = ++MutMeta().task_id;
  // Attributes are kept in the spelling the history importer gives them: a
  // restore reads events back with EventFromJson, so request data it spells
  // differently (a PascalCase key, an older enum name) must not change across
  // a restore, and data it refuses must not reach the store at all.
  StatusOr<Json> canonical = CanonicalAttributes(type, attributes);
  if (canonical.ok()) {
    e.attributes = *std::move(canonical);
  } else {
    if (event_error_.ok()) event_error_ = canonical.status();
    e.attributes = std::move(attributes);
  }
  return e;
}

int64_t EngineImpl::Append(Run& run, EventType type, Json attributes, std::optional<TimePoint> time) {
  HistoryEvent e = MakeEvent(type, std::move(attributes), time);
  e.event_id = run.next_event_id++;
  s_.history[run.run_id].push_back(std::move(e));
  return run.next_event_id - 1;
}

int64_t EngineImpl::AddExternalEvent(Run& run, EventType type, Json attributes, std::optional<TimePoint> time) {
  if (run.wft.state == WorkflowTask::State::kStarted) {
    run.buffered.push_back(MakeEvent(type, std::move(attributes), time));
    return 0;
  }
  if (run.wft.state == WorkflowTask::State::kNone) needs_task_.insert(run.run_id);
  return Append(run, type, std::move(attributes), time);
}

void EngineImpl::FlushBuffered(Run& run) {
  // An activity's started and closing events can be buffered together; the
  // closing one learns its startedEventId only now, as in Temporal.
  std::map<std::string, std::string> started;  // scheduledEventId -> startedEventId
  std::vector<HistoryEvent> buffered = std::move(run.buffered);
  run.buffered.clear();
  for (HistoryEvent& e : buffered) {
    e.event_id = run.next_event_id++;
    Json& a = e.attributes;
    if (e.event_type == EventType::kActivityTaskStarted) {
      started[a.value("scheduledEventId", "")] = IdString(e.event_id);
    } else if (IsActivityClose(e.event_type) && a.value("startedEventId", "") == "0") {
      auto it = started.find(a.value("scheduledEventId", ""));
      if (it != started.end()) a["startedEventId"] = it->second;
    }
    s_.history[run.run_id].push_back(std::move(e));
  }
}

Json EngineImpl::TaskQueueJson(const Run& run, bool sticky) const {
  if (sticky) return {{"name", run.sticky_queue}, {"kind", "TASK_QUEUE_KIND_STICKY"}, {"normalName", run.task_queue}};
  return {{"name", run.task_queue}, {"kind", "TASK_QUEUE_KIND_NORMAL"}};
}

void EngineImpl::ScheduleWorkflowTask(Run& run, int32_t attempt, Duration backoff) {
  WorkflowTask t;
  t.state = WorkflowTask::State::kScheduled;
  t.attempt = attempt;
  t.sticky = !run.sticky_queue.empty();
  t.scheduled_time = now_;
  t.ready_time = now_ + backoff;
  t.seq = NextSeq();
  if (!t.transient()) {
    t.scheduled_id = Append(run, EventType::kWorkflowTaskScheduled,
                            {{"taskQueue", TaskQueueJson(run, t.sticky)},
                             {"startToCloseTimeout", FormatDuration(run.workflow_task_timeout)},
                             {"attempt", attempt}});
  }
  run.wft = t;
}

std::vector<HistoryEvent> EngineImpl::TransientTaskEvents(const Run& run) const {
  const WorkflowTask& t = run.wft;
  HistoryEvent scheduled{t.scheduled_id, t.scheduled_time, EventType::kWorkflowTaskScheduled, 0,
                         {{"taskQueue", TaskQueueJson(run, t.sticky)},
                          {"startToCloseTimeout", FormatDuration(run.workflow_task_timeout)},
                          {"attempt", t.attempt}}};
  HistoryEvent started{t.started_id, t.started_time, EventType::kWorkflowTaskStarted, 0,
                       {{"scheduledEventId", IdString(t.scheduled_id)}, {"identity", t.identity}}};
  return {scheduled, started};
}

void EngineImpl::FailWorkflowTask(Run& run, EventType type, Json attributes, bool count_attempt, bool with_backoff) {
  const WorkflowTask failed = run.wft;
  // A transient attempt's failure is not recorded: its scheduled and started
  // events were never written either.
  if (!failed.transient()) Append(run, type, std::move(attributes));
  run.sticky_queue.clear();
  run.sticky_timeout = Duration(0);
  // New events make the next task a fresh one rather than a retry.
  const bool fresh = !run.buffered.empty();
  FlushBuffered(run);
  const int32_t attempt = fresh ? 1 : failed.attempt + (count_attempt ? 1 : 0);
  run.wft = WorkflowTask{};
  DetachQueries(run.run_id);
  ScheduleWorkflowTask(run, attempt, with_backoff ? WorkflowTaskBackoff(attempt) : Duration(0));
}

void EngineImpl::CloseRun(Run& run, RunStatus status, EventType type, Json attributes) {
  if (run.wft.state == WorkflowTask::State::kStarted && !run.wft.transient()) {
    Append(run, EventType::kWorkflowTaskFailed,
           {{"scheduledEventId", IdString(run.wft.scheduled_id)},
            {"startedEventId", IdString(run.wft.started_id)},
            {"cause", "WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND"}});
  }
  FlushBuffered(run);
  const Json close_attributes = attributes;
  Append(run, type, std::move(attributes));
  run.status = status;
  run.close_time = now_;
  run.wft = WorkflowTask{};
  run.timers.clear();
  run.activities.clear();
  run.sticky_queue.clear();
  run.sticky_timeout = Duration(0);
  DetachQueries(run.run_id);

  std::map<int64_t, Child> children = std::move(run.children);
  run.children.clear();
  for (const auto& [initiated, child] : children) {
    auto cur = s_.current.find(child.workflow_id);
    if (cur == s_.current.end()) continue;
    Run& c = Mut(cur->second);
    if (!c.open() || !c.parent.is_object() || c.parent.value("runId", "") != run.run_id) continue;
    if (child.parent_close_policy == "PARENT_CLOSE_POLICY_ABANDON") continue;
    if (child.parent_close_policy == "PARENT_CLOSE_POLICY_REQUEST_CANCEL") {
      RequestCancelRun(c, "by parent close policy", "");
    } else {
      TerminateRun(c, "by parent close policy", "", Json());
    }
  }

  if (!run.parent.is_object() || status == RunStatus::kContinuedAsNew) return;
  auto parent_it = s_.runs.find(run.parent.value("runId", ""));
  if (parent_it == s_.runs.end() || !parent_it->second.open()) return;
  Run& parent = Mut(parent_it->first);
  int64_t initiated = 0;
  (void)GetInt(run.parent, "initiatedEventId", initiated);
  auto child = parent.children.find(initiated);
  if (child == parent.children.end()) return;
  Json a = {{"namespace", kNamespace},
            {"workflowExecution", ExecutionJson(run)},
            {"workflowType", {{"name", run.workflow_type}}},
            {"initiatedEventId", IdString(initiated)},
            {"startedEventId", IdString(child->second.started_id)}};
  EventType child_type = EventType::kChildWorkflowExecutionCompleted;
  switch (status) {
    case RunStatus::kCompleted:
      if (close_attributes.contains("result")) a["result"] = close_attributes["result"];
      break;
    case RunStatus::kFailed:
      child_type = EventType::kChildWorkflowExecutionFailed;
      a["failure"] = close_attributes.value("failure", Json::object());
      a["retryState"] = "RETRY_STATE_RETRY_POLICY_NOT_SET";
      break;
    case RunStatus::kCanceled:
      child_type = EventType::kChildWorkflowExecutionCanceled;
      if (close_attributes.contains("details")) a["details"] = close_attributes["details"];
      break;
    case RunStatus::kTerminated:
      child_type = EventType::kChildWorkflowExecutionTerminated;
      break;
    case RunStatus::kTimedOut:
      child_type = EventType::kChildWorkflowExecutionTimedOut;
      a["retryState"] = "RETRY_STATE_TIMEOUT";
      break;
    case RunStatus::kRunning:
    case RunStatus::kContinuedAsNew:
      return;
  }
  parent.children.erase(child);
  AddExternalEvent(parent, child_type, std::move(a));
}

void EngineImpl::TerminateRun(Run& run, const std::string& reason, const std::string& identity, const Json& details) {
  Json a = {{"reason", reason}, {"identity", identity}};
  if (!details.is_null()) a["details"] = details;
  CloseRun(run, RunStatus::kTerminated, EventType::kWorkflowExecutionTerminated, std::move(a));
}

void EngineImpl::RequestCancelRun(Run& run, const std::string& reason, const std::string& identity) {
  if (run.cancel_requested) return;  // a repeated request changes nothing, as in Temporal
  run.cancel_requested = true;
  AddExternalEvent(run, EventType::kWorkflowExecutionCancelRequested, {{"cause", reason}, {"identity", identity}});
}

std::string EngineImpl::StartRun(const StartSpec& spec) {
  Run r;
  r.run_id = NewUuid();
  r.workflow_id = spec.workflow_id;
  r.first_run_id = spec.first_run_id.empty() ? r.run_id : spec.first_run_id;
  r.workflow_type = spec.workflow_type;
  r.task_queue = spec.task_queue;
  r.parent = spec.parent;
  r.start_time = now_;
  r.workflow_task_timeout = spec.task_timeout.count() > 0 ? spec.task_timeout : std::chrono::seconds(10);
  r.execution_timeout = spec.execution_timeout;
  // As Temporal: the run timeout defaults to, and is capped by, the execution timeout.
  r.run_timeout = spec.run_timeout;
  if (r.execution_timeout.count() > 0 && (r.run_timeout.count() == 0 || r.run_timeout > r.execution_timeout)) {
    r.run_timeout = r.execution_timeout;
  }
  r.execution_expiration = spec.execution_expiration.time_since_epoch().count() != 0 ? spec.execution_expiration
                           : r.execution_timeout.count() > 0                        ? now_ + r.execution_timeout
                                                                                    : TimePoint{};
  if (r.run_timeout.count() > 0) r.run_expiration = now_ + r.run_timeout;
  r.request_id = spec.request_id;
  r.start_seq = NextSeq();
  Run& run = CreateRun(std::move(r));

  Json a = spec.extra_attributes;
  a["workflowType"] = {{"name", run.workflow_type}};
  a["taskQueue"] = TaskQueueJson(run, false);
  if (!spec.input.is_null()) a["input"] = spec.input;
  a["workflowExecutionTimeout"] = FormatDuration(run.execution_timeout);
  a["workflowRunTimeout"] = FormatDuration(run.run_timeout);
  a["workflowTaskTimeout"] = FormatDuration(run.workflow_task_timeout);
  if (!spec.continued_run_id.empty()) a["continuedExecutionRunId"] = spec.continued_run_id;
  a["originalExecutionRunId"] = run.run_id;
  a["identity"] = spec.identity;
  a["firstExecutionRunId"] = run.first_run_id;
  a["attempt"] = 1;
  if (run.execution_expiration.time_since_epoch().count() != 0) {
    a["workflowExecutionExpirationTime"] = FormatTime(run.execution_expiration);
  }
  if (!spec.header.is_null()) a["header"] = spec.header;
  if (!spec.memo.is_null()) a["memo"] = spec.memo;
  if (spec.parent.is_object()) {
    a["parentWorkflowNamespace"] = kNamespace;
    a["parentWorkflowExecution"] = {{"workflowId", spec.parent["workflowId"]}, {"runId", spec.parent["runId"]}};
    a["parentInitiatedEventId"] = spec.parent["initiatedEventId"];
  }
  a["workflowId"] = run.workflow_id;
  Append(run, EventType::kWorkflowExecutionStarted, std::move(a));
  if (spec.defer_first_task) {
    needs_task_.insert(run.run_id);
  } else {
    ScheduleWorkflowTask(run, 1);
  }
  SetCurrent(run.workflow_id, run.run_id);
  return run.run_id;
}

StatusOr<std::string> EngineImpl::CheckStartAllowed(const std::string& workflow_id, const std::string& reuse_policy,
                                                    const std::string& conflict_policy) const {
  auto it = s_.current.find(workflow_id);
  if (it == s_.current.end()) return std::string();
  const Run& cur = s_.runs.at(it->second);
  const std::string ids = "workflow ID \"" + workflow_id + "\", run ID \"" + cur.run_id + "\"";
  if (cur.open()) {
    if (conflict_policy == "WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING" ||
        reuse_policy == "WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING") {
      return cur.run_id;
    }
    return AlreadyExists("workflow execution is already running: " + ids);
  }
  if (reuse_policy == "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE") {
    return AlreadyExists("workflow execution already finished and the reuse policy rejects duplicates: " + ids);
  }
  if (reuse_policy == "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY" &&
      (cur.status == RunStatus::kCompleted || cur.status == RunStatus::kContinuedAsNew)) {
    return AlreadyExists(
        "workflow execution already completed successfully and the reuse policy allows a new run only after a "
        "failure: " + ids);
  }
  return std::string();
}

Json EngineImpl::ExecutionJson(const Run& run) const {
  return {{"workflowId", run.workflow_id}, {"runId", run.run_id}};
}

}  // namespace durable::service
