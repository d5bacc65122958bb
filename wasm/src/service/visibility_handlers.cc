// Reading state: DescribeWorkflowExecution, ListWorkflowExecutions,
// GetWorkflowExecutionHistory, DescribeTaskQueue.
#include <algorithm>
#include <cctype>

#include "service/engine_impl.h"
#include "service/request.h"
#include "service/retry_policy.h"

namespace durable::service {
namespace {

std::string Trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c); };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

struct ListFilter {
  std::string key, value;
};

// Temporal's visibility query, the subset Durable Lab supports:
// WorkflowType = '...', WorkflowId = '...', ExecutionStatus = 'Running', joined by AND.
StatusOr<std::vector<ListFilter>> ParseListQuery(const std::string& query) {
  const Status unsupported = InvalidArgument(
      "unsupported list query \"" + query +
      "\": supported are WorkflowType = '...', WorkflowId = '...' and ExecutionStatus = 'Running' (or Completed, "
      "Failed, Canceled, Terminated, ContinuedAsNew, TimedOut), joined by AND");
  std::vector<ListFilter> out;
  std::string upper = query;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  size_t start = 0;
  while (!Trim(query).empty()) {
    size_t and_at = upper.find(" AND ", start);
    std::string clause = Trim(query.substr(start, and_at == std::string::npos ? std::string::npos : and_at - start));
    const size_t eq = clause.find('=');
    if (eq == std::string::npos) return unsupported;
    ListFilter f{Trim(clause.substr(0, eq)), Trim(clause.substr(eq + 1))};
    if (f.value.size() < 2 || (f.value.front() != '\'' && f.value.front() != '"') || f.value.back() != f.value.front()) {
      return unsupported;
    }
    f.value = f.value.substr(1, f.value.size() - 2);
    if (f.key != "WorkflowType" && f.key != "WorkflowId" && f.key != "ExecutionStatus") return unsupported;
    if (f.key == "ExecutionStatus") {
      bool known = false;
      for (int s = 0; s <= static_cast<int>(RunStatus::kTimedOut); ++s) {
        known = known || RunStatusShortName(static_cast<RunStatus>(s)) == f.value;
      }
      if (!known) return unsupported;
    }
    out.push_back(std::move(f));
    if (and_at == std::string::npos) break;
    start = and_at + 5;
  }
  return out;
}

}  // namespace

Json EngineImpl::ExecutionInfo(const Run& run) const {
  Json info = {{"execution", ExecutionJson(run)},
               {"type", {{"name", run.workflow_type}}},
               {"startTime", FormatTime(run.start_time)},
               {"status", RunStatusName(run.status)},
               {"historyLength", IdString(run.next_event_id - 1)},
               {"executionTime", FormatTime(run.start_time)},
               {"taskQueue", run.task_queue},
               {"firstRunId", run.first_run_id}};
  if (!run.open()) info["closeTime"] = FormatTime(run.close_time);
  if (run.parent.is_object()) {
    info["parentNamespaceId"] = "default";
    info["parentExecution"] = {{"workflowId", run.parent["workflowId"]}, {"runId", run.parent["runId"]}};
  }
  return info;
}

Json EngineImpl::DescribeRun(const Run& run) const {
  Json out = {{"executionConfig",
               {{"taskQueue", TaskQueueJson(run, false)},
                {"workflowExecutionTimeout", FormatDuration(run.execution_timeout)},
                {"workflowRunTimeout", FormatDuration(run.run_timeout)},
                {"defaultWorkflowTaskTimeout", FormatDuration(run.workflow_task_timeout)}}},
              {"workflowExecutionInfo", ExecutionInfo(run)},
              {"pendingActivities", Json::array()},
              {"pendingChildren", Json::array()},
              {"pendingTimers", Json::array()}};
  for (const auto& [id, a] : run.activities) {
    StatusOr<RetryPolicy> policy = RetryPolicyFromJson(a.retry_policy);
    Json p = {{"activityId", a.activity_id},
              {"activityType", {{"name", a.activity_type}}},
              {"state", a.cancel_requested_id ? "PENDING_ACTIVITY_STATE_CANCEL_REQUESTED"
                        : a.started           ? "PENDING_ACTIVITY_STATE_STARTED"
                                              : "PENDING_ACTIVITY_STATE_SCHEDULED"},
              {"attempt", a.attempt},
              {"maximumAttempts", policy.ok() ? policy->maximum_attempts : 0},
              {"scheduledTime", FormatTime(a.attempt_scheduled_time)}};
    if (a.schedule_to_close.count() > 0) p["expirationTime"] = FormatTime(a.scheduled_time + a.schedule_to_close);
    if (a.started) p["lastStartedTime"] = FormatTime(a.started_time);
    if (!a.started && a.attempt_scheduled_time > now_) p["nextAttemptScheduleTime"] = FormatTime(a.attempt_scheduled_time);
    if (!a.last_failure.is_null()) p["lastFailure"] = a.last_failure;
    if (!a.heartbeat_details.is_null()) p["heartbeatDetails"] = a.heartbeat_details;
    if (a.last_heartbeat_time.time_since_epoch().count() != 0) p["lastHeartbeatTime"] = FormatTime(a.last_heartbeat_time);
    if (!a.identity.empty()) p["lastWorkerIdentity"] = a.identity;
    out["pendingActivities"].push_back(std::move(p));
  }
  for (const auto& [id, c] : run.children) {
    out["pendingChildren"].push_back({{"workflowId", c.workflow_id},
                                      {"runId", c.run_id},
                                      {"workflowTypeName", c.workflow_type},
                                      {"initiatedId", IdString(c.initiated_id)},
                                      {"parentClosePolicy", c.parent_close_policy}});
  }
  // Durable Lab extension: Temporal's Describe has no timers; the UI shows
  // countdowns from these.
  std::vector<const Timer*> timers;
  for (const auto& [id, t] : run.timers) timers.push_back(&t);
  std::stable_sort(timers.begin(), timers.end(), [](const Timer* a, const Timer* b) { return a->fire_time < b->fire_time; });
  for (const Timer* t : timers) {
    out["pendingTimers"].push_back(
        {{"timerId", t->timer_id}, {"startedEventId", IdString(t->started_id)}, {"fireTime", FormatTime(t->fire_time)}});
  }
  if (run.wft.state != WorkflowTask::State::kNone) {
    Json w = {{"state", run.wft.state == WorkflowTask::State::kStarted ? "PENDING_WORKFLOW_TASK_STATE_STARTED"
                                                                        : "PENDING_WORKFLOW_TASK_STATE_SCHEDULED"},
              {"scheduledTime", FormatTime(run.wft.scheduled_time)},
              {"originalScheduledTime", FormatTime(run.wft.scheduled_time)},
              {"attempt", run.wft.attempt}};
    if (run.wft.state == WorkflowTask::State::kStarted) w["startedTime"] = FormatTime(run.wft.started_time);
    out["pendingWorkflowTask"] = std::move(w);
  }
  return out;
}

Status EngineImpl::DescribeWorkflowExecution(CallId id, const Json& request) {
  StatusOr<const Json*> execution = GetObject(request, "execution", true);
  if (!execution.ok()) return execution.status();
  StatusOr<std::string> run_id = ResolveRun(**execution);
  if (!run_id.ok()) return run_id.status();
  Reply(id, DescribeRun(s_.runs.at(*run_id)));
  return Status::Ok();
}

Status EngineImpl::ListWorkflowExecutions(CallId id, const Json& request) {
  std::string query, token;
  int64_t page_size = 0;
  DURABLE_RETURN_IF_ERROR(GetString(request, "query", query));
  DURABLE_RETURN_IF_ERROR(GetString(request, "nextPageToken", token));
  DURABLE_RETURN_IF_ERROR(GetInt(request, "pageSize", page_size));
  int64_t offset = 0;
  if (!token.empty() && (!GetInt(Json{{"t", token}}, "t", offset).ok() || offset < 0)) {
    return InvalidArgument("nextPageToken is not one this engine returned");
  }
  if (page_size <= 0) page_size = 1000;
  StatusOr<std::vector<ListFilter>> filters = ParseListQuery(query);
  if (!filters.ok()) return filters.status();
  std::vector<const Run*> runs;
  for (const auto& [run_id, run] : s_.runs) {
    bool match = true;
    for (const ListFilter& f : *filters) {
      if (f.key == "WorkflowType") match = match && run.workflow_type == f.value;
      if (f.key == "WorkflowId") match = match && run.workflow_id == f.value;
      if (f.key == "ExecutionStatus") match = match && RunStatusShortName(run.status) == f.value;
    }
    if (match) runs.push_back(&run);
  }
  std::sort(runs.begin(), runs.end(), [](const Run* a, const Run* b) {
    return std::tie(a->start_time, a->start_seq) > std::tie(b->start_time, b->start_seq);
  });
  Json out = {{"executions", Json::array()}};
  // Both come from the request and may be near INT64_MAX: compare, then add.
  const int64_t total = static_cast<int64_t>(runs.size());
  const int64_t end = page_size < total - offset ? offset + page_size : total;
  for (int64_t i = offset; i < end; ++i) out["executions"].push_back(ExecutionInfo(*runs[i]));
  if (end < total) out["nextPageToken"] = IdString(end);
  Reply(id, std::move(out));
  return Status::Ok();
}

std::optional<Json> EngineImpl::HistoryPage(const Run& run, int64_t from, int64_t page_size, bool close_only,
                                            bool wait) const {
  const std::vector<HistoryEvent>& events = s_.history.at(run.run_id);
  const int64_t last = static_cast<int64_t>(events.size());
  Json page = Json::array();
  if (close_only) {
    if (run.open() && wait) return std::nullopt;
    if (!run.open()) page.push_back(EventToJson(events.back()));
    return Json{{"history", {{"events", std::move(page)}}}};
  }
  if (from > last && run.open() && wait) return std::nullopt;
  // Both come from the request and may be near INT64_MAX: compare, then add.
  const int64_t end = page_size > 0 && page_size - 1 < last - from ? from + page_size - 1 : last;
  for (int64_t i = from; i <= end; ++i) page.push_back(EventToJson(events[i - 1]));
  Json out = {{"history", {{"events", std::move(page)}}}};
  // While the run is open a long-polling reader keeps a token to wait on.
  if (end < last || (wait && run.open())) out["nextPageToken"] = IdString(std::max(end, from - 1) + 1);
  return out;
}

Status EngineImpl::GetWorkflowExecutionHistory(CallId id, const Json& request) {
  StatusOr<const Json*> execution = GetObject(request, "execution", true);
  if (!execution.ok()) return execution.status();
  std::string token, filter;
  int64_t page_size = 0;
  bool wait = false;
  DURABLE_RETURN_IF_ERROR(GetString(request, "nextPageToken", token));
  DURABLE_RETURN_IF_ERROR(GetInt(request, "maximumPageSize", page_size));
  DURABLE_RETURN_IF_ERROR(GetBool(request, "waitNewEvent", wait));
  DURABLE_RETURN_IF_ERROR(GetString(request, "historyEventFilterType", filter));
  if (!filter.empty() && filter != "HISTORY_EVENT_FILTER_TYPE_UNSPECIFIED" &&
      filter != "HISTORY_EVENT_FILTER_TYPE_ALL_EVENT" && filter != "HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT") {
    return InvalidArgument("historyEventFilterType \"" + filter + "\" is not a known value");
  }
  int64_t from = 1;
  if (!token.empty() && (!GetInt(Json{{"t", token}}, "t", from).ok() || from < 1)) {
    return InvalidArgument("nextPageToken is not one this engine returned");
  }
  StatusOr<std::string> run_id = ResolveRun(**execution);
  if (!run_id.ok()) return run_id.status();
  const bool close_only = filter == "HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT";
  std::optional<Json> page = HistoryPage(s_.runs.at(*run_id), from, page_size, close_only, wait);
  if (page) {
    Reply(id, std::move(*page));
  } else {
    history_waits_[id] = HistoryWait{*run_id, from, page_size, close_only, now_ + options_.long_poll_timeout};
  }
  return Status::Ok();
}

Status EngineImpl::DescribeTaskQueue(CallId id, const Json& request) {
  std::string queue, type;
  DURABLE_RETURN_IF_ERROR(GetName(request, "taskQueue", queue, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskQueueType", type));
  Reply(id, {{"pollers", PollersJson(queue, type == "TASK_QUEUE_TYPE_ACTIVITY")}});
  return Status::Ok();
}

}  // namespace durable::service
