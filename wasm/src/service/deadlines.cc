// Everything that happens because time passed: timers, workflow and task
// timeouts, activity timeouts and retries, and automatic time skipping.
#include <algorithm>

#include "service/engine_impl.h"
#include "service/request.h"
#include "service/retry_policy.h"

namespace durable::service {
namespace {

std::string TimeoutName(const char* type) { return std::string("TIMEOUT_TYPE_") + type; }

}  // namespace

std::vector<EngineImpl::Deadline> EngineImpl::RunDeadlines(const Run& run) {
  std::vector<Deadline> out;
  if (!run.open()) return out;
  auto add = [&](TimePoint at, DeadlineKind kind, std::string timer = {}, int64_t activity = 0) {
    out.push_back({at, kind, std::move(timer), activity});
  };
  if (run.execution_expiration.time_since_epoch().count() != 0) add(run.execution_expiration, DeadlineKind::kExecutionTimeout);
  if (run.run_expiration.time_since_epoch().count() != 0) add(run.run_expiration, DeadlineKind::kRunTimeout);
  const WorkflowTask& t = run.wft;
  if (t.state == WorkflowTask::State::kScheduled) {
    add(t.ready_time, DeadlineKind::kTaskReady);
    if (t.sticky && run.sticky_timeout.count() > 0) {
      add(t.scheduled_time + run.sticky_timeout, DeadlineKind::kTaskScheduleToStart);
    }
  } else if (t.state == WorkflowTask::State::kStarted) {
    add(t.started_time + run.workflow_task_timeout, DeadlineKind::kTaskStartToClose);
  }
  for (const auto& [id, timer] : run.timers) add(timer.fire_time, DeadlineKind::kTimer, id);
  for (const auto& [id, a] : run.activities) {
    if (a.schedule_to_close.count() > 0) add(a.scheduled_time + a.schedule_to_close, DeadlineKind::kActivityScheduleToClose, {}, id);
    if (!a.started) {
      add(a.attempt_scheduled_time, DeadlineKind::kActivityReady, {}, id);
      if (a.schedule_to_start.count() > 0) {
        add(a.attempt_scheduled_time + a.schedule_to_start, DeadlineKind::kActivityScheduleToStart, {}, id);
      }
    } else {
      if (a.start_to_close.count() > 0) add(a.started_time + a.start_to_close, DeadlineKind::kActivityStartToClose, {}, id);
      if (a.heartbeat.count() > 0) {
        add(std::max(a.started_time, a.last_heartbeat_time) + a.heartbeat, DeadlineKind::kActivityHeartbeat, {}, id);
      }
    }
  }
  return out;
}

std::optional<TimePoint> EngineImpl::NextRunDeadline(const Run& run) const {
  std::optional<TimePoint> next;
  for (const Deadline& d : RunDeadlines(run)) {
    // A task that became ready needs no wakeup; it waits for a poller.
    if (IsReady(d.kind) && d.at <= now_) continue;
    if (!next || d.at < *next) next = d.at;
  }
  return next;
}

void EngineImpl::ProcessDueRuns() {
  // Each handled deadline removes itself from the run, so this terminates;
  // the bound only guards against a bug turning into a hang.
  for (int guard = 0; guard < 1000000; ++guard) {
    ReindexTouched();
    if (deadlines_.empty() || deadlines_.begin()->first > now_) return;
    Run& run = Mut(deadlines_.begin()->second);
    for (int inner = 0; inner < 100000; ++inner) {
      std::optional<Deadline> due;
      for (Deadline& d : RunDeadlines(run)) {
        if (d.at > now_ || IsReady(d.kind)) continue;
        if (!due || d.at < due->at) due = std::move(d);
      }
      if (!due) break;
      HandleDeadline(run, *due);
    }
    Reindex(run.run_id);
  }
}

void EngineImpl::HandleDeadline(Run& run, const Deadline& d) {
  const WorkflowTask& t = run.wft;
  switch (d.kind) {
    case DeadlineKind::kExecutionTimeout:
    case DeadlineKind::kRunTimeout:
      CloseRun(run, RunStatus::kTimedOut, EventType::kWorkflowExecutionTimedOut, {{"retryState", "RETRY_STATE_TIMEOUT"}});
      return;
    case DeadlineKind::kTaskScheduleToStart:
      // The sticky worker is gone: the task moves to the normal queue, where
      // any worker gets the full history. Not the code's fault: same attempt.
      FailWorkflowTask(run, EventType::kWorkflowTaskTimedOut,
                       {{"scheduledEventId", IdString(t.scheduled_id)},
                        {"startedEventId", "0"},
                        {"timeoutType", TimeoutName("SCHEDULE_TO_START")}},
                       false, false);
      return;
    case DeadlineKind::kTaskStartToClose:
      FailWorkflowTask(run, EventType::kWorkflowTaskTimedOut,
                       {{"scheduledEventId", IdString(t.scheduled_id)},
                        {"startedEventId", IdString(t.started_id)},
                        {"timeoutType", TimeoutName("START_TO_CLOSE")}},
                       true, false);
      return;
    case DeadlineKind::kTimer: {
      const Timer timer = run.timers.at(d.timer_id);
      run.timers.erase(d.timer_id);
      AddExternalEvent(run, EventType::kTimerFired,
                       {{"timerId", timer.timer_id}, {"startedEventId", IdString(timer.started_id)}});
      return;
    }
    case DeadlineKind::kActivityScheduleToClose:
    case DeadlineKind::kActivityScheduleToStart:
    case DeadlineKind::kActivityStartToClose:
    case DeadlineKind::kActivityHeartbeat: {
      Activity& a = run.activities.at(d.activity);
      const char* type = d.kind == DeadlineKind::kActivityScheduleToClose   ? "SCHEDULE_TO_CLOSE"
                         : d.kind == DeadlineKind::kActivityScheduleToStart ? "SCHEDULE_TO_START"
                         : d.kind == DeadlineKind::kActivityStartToClose    ? "START_TO_CLOSE"
                                                                            : "HEARTBEAT";
      Json info = {{"timeoutType", TimeoutName(type)}};
      if (!a.heartbeat_details.is_null()) info["lastHeartbeatDetails"] = a.heartbeat_details;
      Json failure = {{"message", std::string("activity ") + type + " timeout"},
                      {"source", "Server"},
                      {"timeoutFailureInfo", std::move(info)}};
      if (!a.last_failure.is_null()) failure["cause"] = a.last_failure;
      // Only start-to-close and heartbeat timeouts are retried, as in Temporal.
      const bool retryable = d.kind == DeadlineKind::kActivityStartToClose || d.kind == DeadlineKind::kActivityHeartbeat;
      FailActivityAttempt(run, a, std::move(failure), retryable, EventType::kActivityTaskTimedOut, "");
      return;
    }
    case DeadlineKind::kTaskReady:
    case DeadlineKind::kActivityReady:
      return;
  }
}

void EngineImpl::FailActivityAttempt(Run& run, Activity& a, Json failure, bool retryable, EventType close_type,
                                     const std::string& identity) {
  StatusOr<RetryPolicy> policy = RetryPolicyFromJson(a.retry_policy);
  std::optional<TimePoint> deadline;
  if (a.schedule_to_close.count() > 0) deadline = a.scheduled_time + a.schedule_to_close;
  const RetryDecision d =
      DecideRetry(policy.ok() ? *policy : RetryPolicy{}, a.attempt, failure, retryable, now_, deadline);
  if (d.retry) {
    // Retries are not in history: only the attempt that closes the activity is.
    a.last_failure = std::move(failure);
    a.attempt++;
    a.started = false;
    a.attempt_scheduled_time = now_ + d.backoff;
    a.seq = NextSeq();
    return;
  }
  Json attributes = {{"failure", std::move(failure)}, {"retryState", d.retry_state}};
  if (close_type == EventType::kActivityTaskFailed) attributes["identity"] = identity;
  CloseActivity(run, a, close_type, std::move(attributes));
}

void EngineImpl::CloseActivity(Run& run, Activity& a, EventType close_type, Json attributes) {
  const int64_t scheduled_id = a.scheduled_id;
  int64_t started_id = 0;
  if (a.started) {
    // Written only now, with the attempt that closes the activity.
    Json started = {{"scheduledEventId", IdString(scheduled_id)}, {"identity", a.identity}, {"attempt", a.attempt}};
    if (!a.last_failure.is_null()) started["lastFailure"] = a.last_failure;
    started_id = AddExternalEvent(run, EventType::kActivityTaskStarted, std::move(started), a.started_time);
  }
  attributes["scheduledEventId"] = IdString(scheduled_id);
  attributes["startedEventId"] = IdString(started_id);  // "0" while buffered: fixed when flushed
  run.activities.erase(scheduled_id);
  AddExternalEvent(run, close_type, std::move(attributes));
}

bool EngineImpl::AnyTaskPending() const { return !busy_runs_.empty(); }

void EngineImpl::SkipTo(TimePoint t) {
  if (t <= now_) return;
  Meta& meta = MutMeta();
  meta.clock_offset += t - now_;
  clock_.set_offset(meta.clock_offset);
  now_ = t;
}

void EngineImpl::AutoSkip() {
  // As Temporal's test server: while no workflow task or activity is pending
  // anywhere, nothing can happen before the next deadline, so jump to it.
  for (int i = 0; i < 10000; ++i) {
    Settle();
    Dispatch();
    ReindexTouched();
    if (AnyTaskPending() || deadlines_.empty()) return;
    SkipTo(deadlines_.begin()->first);
    ProcessDueRuns();
  }
}

}  // namespace durable::service
