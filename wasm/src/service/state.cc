#include "service/state.h"

#include <array>
#include <stdexcept>
#include <utility>

namespace durable::service {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kStatusNames = {{
    {"WORKFLOW_EXECUTION_STATUS_RUNNING", "Running"},
    {"WORKFLOW_EXECUTION_STATUS_COMPLETED", "Completed"},
    {"WORKFLOW_EXECUTION_STATUS_FAILED", "Failed"},
    {"WORKFLOW_EXECUTION_STATUS_CANCELED", "Canceled"},
    {"WORKFLOW_EXECUTION_STATUS_TERMINATED", "Terminated"},
    {"WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW", "ContinuedAsNew"},
    {"WORKFLOW_EXECUTION_STATUS_TIMED_OUT", "TimedOut"},
}};

// Stored times and durations are integer nanoseconds: exact and compact.
int64_t Ns(TimePoint t) { return t.time_since_epoch().count(); }
int64_t Ns(Duration d) { return d.count(); }
TimePoint Tp(const Json& j) { return TimePoint(Duration(j.get<int64_t>())); }
Duration Du(const Json& j) { return Duration(j.get<int64_t>()); }

Json WftToJson(const WorkflowTask& t) {
  return {{"state", static_cast<int>(t.state)}, {"attempt", t.attempt},
          {"scheduledId", t.scheduled_id},      {"startedId", t.started_id},
          {"sticky", t.sticky},                 {"scheduledTime", Ns(t.scheduled_time)},
          {"readyTime", Ns(t.ready_time)},      {"startedTime", Ns(t.started_time)},
          {"identity", t.identity},             {"seq", t.seq}};
}

WorkflowTask WftFromJson(const Json& j) {
  WorkflowTask t;
  const int state = j.at("state").get<int>();
  if (state < 0 || state > 2) throw std::out_of_range("bad workflow task state");
  t.state = static_cast<WorkflowTask::State>(state);
  t.attempt = j.at("attempt").get<int32_t>();
  t.scheduled_id = j.at("scheduledId").get<int64_t>();
  t.started_id = j.at("startedId").get<int64_t>();
  t.sticky = j.at("sticky").get<bool>();
  t.scheduled_time = Tp(j.at("scheduledTime"));
  t.ready_time = Tp(j.at("readyTime"));
  t.started_time = Tp(j.at("startedTime"));
  t.identity = j.at("identity").get<std::string>();
  t.seq = j.at("seq").get<int64_t>();
  return t;
}

Json ActivityToJson(const Activity& a) {
  return {{"scheduledId", a.scheduled_id},
          {"activityId", a.activity_id},
          {"activityType", a.activity_type},
          {"taskQueue", a.task_queue},
          {"input", a.input},
          {"header", a.header},
          {"scheduleToClose", Ns(a.schedule_to_close)},
          {"scheduleToStart", Ns(a.schedule_to_start)},
          {"startToClose", Ns(a.start_to_close)},
          {"heartbeat", Ns(a.heartbeat)},
          {"retryPolicy", a.retry_policy},
          {"scheduledTime", Ns(a.scheduled_time)},
          {"attemptScheduledTime", Ns(a.attempt_scheduled_time)},
          {"startedTime", Ns(a.started_time)},
          {"attempt", a.attempt},
          {"started", a.started},
          {"identity", a.identity},
          {"lastFailure", a.last_failure},
          {"heartbeatDetails", a.heartbeat_details},
          {"lastHeartbeatTime", Ns(a.last_heartbeat_time)},
          {"cancelRequestedId", a.cancel_requested_id},
          {"seq", a.seq}};
}

Activity ActivityFromJson(const Json& j) {
  Activity a;
  a.scheduled_id = j.at("scheduledId").get<int64_t>();
  a.activity_id = j.at("activityId").get<std::string>();
  a.activity_type = j.at("activityType").get<std::string>();
  a.task_queue = j.at("taskQueue").get<std::string>();
  a.input = j.at("input");
  a.header = j.at("header");
  a.schedule_to_close = Du(j.at("scheduleToClose"));
  a.schedule_to_start = Du(j.at("scheduleToStart"));
  a.start_to_close = Du(j.at("startToClose"));
  a.heartbeat = Du(j.at("heartbeat"));
  a.retry_policy = j.at("retryPolicy");
  a.scheduled_time = Tp(j.at("scheduledTime"));
  a.attempt_scheduled_time = Tp(j.at("attemptScheduledTime"));
  a.started_time = Tp(j.at("startedTime"));
  a.attempt = j.at("attempt").get<int32_t>();
  a.started = j.at("started").get<bool>();
  a.identity = j.at("identity").get<std::string>();
  a.last_failure = j.at("lastFailure");
  a.heartbeat_details = j.at("heartbeatDetails");
  a.last_heartbeat_time = Tp(j.at("lastHeartbeatTime"));
  a.cancel_requested_id = j.at("cancelRequestedId").get<int64_t>();
  a.seq = j.at("seq").get<int64_t>();
  return a;
}

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  return kStatusNames[static_cast<size_t>(status)].first;
}
std::string_view RunStatusShortName(RunStatus status) {
  return kStatusNames[static_cast<size_t>(status)].second;
}

Json RunToJson(const Run& r) {
  Json buffered = Json::array();
  // Buffered events have no ID yet, so they are kept in a form of our own.
  for (const HistoryEvent& e : r.buffered) {
    buffered.push_back({{"type", static_cast<int>(e.event_type)}, {"time", Ns(e.event_time)},
                        {"taskId", e.task_id}, {"attributes", e.attributes}});
  }
  Json timers = Json::array();
  for (const auto& [id, t] : r.timers) {
    timers.push_back({{"timerId", t.timer_id}, {"startedId", t.started_id}, {"fireTime", Ns(t.fire_time)}});
  }
  Json activities = Json::array();
  for (const auto& [id, a] : r.activities) activities.push_back(ActivityToJson(a));
  Json children = Json::array();
  for (const auto& [id, c] : r.children) {
    children.push_back({{"initiatedId", c.initiated_id}, {"startedId", c.started_id},
                        {"workflowId", c.workflow_id},   {"runId", c.run_id},
                        {"workflowType", c.workflow_type}, {"parentClosePolicy", c.parent_close_policy}});
  }
  return {{"workflowId", r.workflow_id},
          {"runId", r.run_id},
          {"firstRunId", r.first_run_id},
          {"workflowType", r.workflow_type},
          {"taskQueue", r.task_queue},
          {"parent", r.parent},
          {"status", static_cast<int>(r.status)},
          {"startTime", Ns(r.start_time)},
          {"closeTime", Ns(r.close_time)},
          {"workflowTaskTimeout", Ns(r.workflow_task_timeout)},
          {"runTimeout", Ns(r.run_timeout)},
          {"executionTimeout", Ns(r.execution_timeout)},
          {"runExpiration", Ns(r.run_expiration)},
          {"executionExpiration", Ns(r.execution_expiration)},
          {"requestId", r.request_id},
          {"startSeq", r.start_seq},
          {"nextEventId", r.next_event_id},
          {"previousStartedId", r.previous_started_id},
          {"wft", WftToJson(r.wft)},
          {"stickyQueue", r.sticky_queue},
          {"stickyTimeout", Ns(r.sticky_timeout)},
          {"buffered", std::move(buffered)},
          {"cancelRequested", r.cancel_requested},
          {"timers", std::move(timers)},
          {"activities", std::move(activities)},
          {"children", std::move(children)}};
}

StatusOr<Run> RunFromJson(const Json& j) {
  try {
    Run r;
    r.workflow_id = j.at("workflowId").get<std::string>();
    r.run_id = j.at("runId").get<std::string>();
    r.first_run_id = j.at("firstRunId").get<std::string>();
    r.workflow_type = j.at("workflowType").get<std::string>();
    r.task_queue = j.at("taskQueue").get<std::string>();
    r.parent = j.at("parent");
    const int status = j.at("status").get<int>();
    if (status < 0 || status >= static_cast<int>(kStatusNames.size())) {
      return Internal("stored run " + r.run_id + " has an unknown status");
    }
    r.status = static_cast<RunStatus>(status);
    r.start_time = Tp(j.at("startTime"));
    r.close_time = Tp(j.at("closeTime"));
    r.workflow_task_timeout = Du(j.at("workflowTaskTimeout"));
    r.run_timeout = Du(j.at("runTimeout"));
    r.execution_timeout = Du(j.at("executionTimeout"));
    r.run_expiration = Tp(j.at("runExpiration"));
    r.execution_expiration = Tp(j.at("executionExpiration"));
    r.request_id = j.at("requestId").get<std::string>();
    r.start_seq = j.at("startSeq").get<int64_t>();
    r.next_event_id = j.at("nextEventId").get<int64_t>();
    r.previous_started_id = j.at("previousStartedId").get<int64_t>();
    r.wft = WftFromJson(j.at("wft"));
    r.sticky_queue = j.at("stickyQueue").get<std::string>();
    r.sticky_timeout = Du(j.at("stickyTimeout"));
    for (const Json& e : j.at("buffered")) {
      HistoryEvent event;
      event.event_type = static_cast<EventType>(e.at("type").get<int>());
      event.event_time = Tp(e.at("time"));
      event.task_id = e.at("taskId").get<int64_t>();
      event.attributes = e.at("attributes");
      r.buffered.push_back(std::move(event));
    }
    r.cancel_requested = j.at("cancelRequested").get<bool>();
    for (const Json& t : j.at("timers")) {
      Timer timer{t.at("timerId").get<std::string>(), t.at("startedId").get<int64_t>(), Tp(t.at("fireTime"))};
      r.timers[timer.timer_id] = timer;
    }
    for (const Json& a : j.at("activities")) {
      Activity activity = ActivityFromJson(a);
      r.activities[activity.scheduled_id] = std::move(activity);
    }
    for (const Json& c : j.at("children")) {
      Child child{c.at("initiatedId").get<int64_t>(), c.at("startedId").get<int64_t>(),
                  c.at("workflowId").get<std::string>(), c.at("runId").get<std::string>(),
                  c.at("workflowType").get<std::string>(), c.at("parentClosePolicy").get<std::string>()};
      r.children[child.initiated_id] = std::move(child);
    }
    return r;
  } catch (const std::exception& e) {
    return Internal(std::string("stored execution is malformed: ") + e.what());
  }
}

Json MetaToJson(const Meta& m) {
  return {{"seed", m.seed},          {"idCounter", m.id_counter},
          {"seq", m.seq},            {"taskId", m.task_id},
          {"clockOffset", Ns(m.clock_offset)}, {"autoSkip", m.auto_skip}};
}

StatusOr<Meta> MetaFromJson(const Json& j) {
  try {
    Meta m;
    m.seed = j.at("seed").get<uint64_t>();
    m.id_counter = j.at("idCounter").get<uint64_t>();
    m.seq = j.at("seq").get<int64_t>();
    m.task_id = j.at("taskId").get<int64_t>();
    m.clock_offset = Du(j.at("clockOffset"));
    m.auto_skip = j.at("autoSkip").get<bool>();
    return m;
  } catch (const Json::exception& e) {
    return Internal(std::string("stored engine metadata is malformed: ") + e.what());
  }
}

}  // namespace durable::service
