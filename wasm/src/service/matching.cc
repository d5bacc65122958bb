// Matching: task queues of ready workflow tasks and activity attempts, the
// polls waiting on them, legacy query tasks, and the per-run deadline index.
#include <algorithm>

#include "service/engine_impl.h"
#include "service/request.h"

namespace durable::service {
namespace {

constexpr char kNamespace[] = "default";
// Pollers seen this recently count as present, as in Temporal's DescribeTaskQueue.
constexpr Duration kPollerTtl = std::chrono::minutes(5);

Json EventsJson(const std::vector<HistoryEvent>& events, int64_t from) {
  Json out = Json::array();
  for (size_t i = static_cast<size_t>(std::max<int64_t>(from, 1) - 1); i < events.size(); ++i) {
    out.push_back(EventToJson(events[i]));
  }
  return out;
}

}  // namespace

void EngineImpl::Reindex(const std::string& run_id) {
  if (auto it = run_tasks_.find(run_id); it != run_tasks_.end()) {
    for (const auto& [activity, queue, ref] : it->second) {
      auto& queues = activity ? activity_queues_ : workflow_queues_;
      auto q = queues.find(queue);
      q->second.erase(ref);
      if (q->second.empty()) queues.erase(q);
    }
    run_tasks_.erase(it);
  }
  if (auto it = run_deadline_.find(run_id); it != run_deadline_.end()) {
    deadlines_.erase({it->second, run_id});
    run_deadline_.erase(it);
  }
  busy_runs_.erase(run_id);
  auto it = s_.runs.find(run_id);
  if (it == s_.runs.end() || !it->second.open()) return;
  const Run& run = it->second;
  std::vector<std::tuple<bool, std::string, TaskRef>> tasks;
  if (run.wft.state == WorkflowTask::State::kScheduled) {
    tasks.emplace_back(false, run.wft.sticky ? run.sticky_queue : run.task_queue, TaskRef{run.wft.seq, run_id, 0});
  }
  for (const auto& [scheduled_id, a] : run.activities) {
    if (!a.started) tasks.emplace_back(true, a.task_queue, TaskRef{a.seq, run_id, scheduled_id});
  }
  for (const auto& [activity, queue, ref] : tasks) (activity ? activity_queues_ : workflow_queues_)[queue].insert(ref);
  if (!tasks.empty()) run_tasks_[run_id] = std::move(tasks);
  if (run.wft.state != WorkflowTask::State::kNone || !run.activities.empty()) busy_runs_.insert(run_id);
  if (std::optional<TimePoint> next = NextRunDeadline(run)) {
    deadlines_.insert({*next, run_id});
    run_deadline_[run_id] = *next;
  }
}

void EngineImpl::ReindexTouched() {
  for (const auto& [run_id, original] : txn_runs_) Reindex(run_id);
}

void EngineImpl::Dispatch() {
  for (;;) {
    ReindexTouched();
    std::vector<std::pair<int64_t, CallId>> order;
    for (const auto& [id, poll] : polls_) order.emplace_back(poll.arrival, id);
    std::sort(order.begin(), order.end());
    bool served = false;
    for (const auto& [arrival, id] : order) {
      const Poll poll = polls_.at(id);
      if (ServePoll(id, poll)) {
        polls_.erase(id);
        served = true;
        break;
      }
    }
    if (!served) return;
  }
}

bool EngineImpl::ServePoll(CallId id, const Poll& poll) {
  if (poll.activity) {
    auto q = activity_queues_.find(poll.queue);
    if (q == activity_queues_.end()) return false;
    for (const TaskRef& ref : q->second) {
      if (s_.runs.at(ref.run_id).activities.at(ref.activity).attempt_scheduled_time > now_) continue;
      Run& run = Mut(ref.run_id);
      Reply(id, StartActivityFor(run, run.activities.at(ref.activity), poll.identity));
      return true;
    }
    return false;
  }
  // Query tasks go first: a caller is waiting on each.
  for (auto& [query_id, q] : queries_) {
    if (q.state != PendingQuery::State::kWaiting) continue;
    const Run& run = s_.runs.at(q.run_id);
    const bool sticky = run.open() && !run.sticky_queue.empty() && run.sticky_queue == poll.queue;
    if (run.open() && run.wft.state != WorkflowTask::State::kNone) continue;  // goes with the next task
    if (!sticky && run.task_queue != poll.queue) continue;
    q.state = PendingQuery::State::kLegacy;
    Json response = {{"taskToken", "qt|" + query_id},
                     {"workflowExecution", ExecutionJson(run)},
                     {"workflowType", {{"name", run.workflow_type}}},
                     {"previousStartedEventId", IdString(run.previous_started_id)},
                     {"attempt", 1},
                     {"history", {{"events", EventsJson(s_.history.at(run.run_id),
                                                        sticky ? run.previous_started_id + 1 : 1)}}},
                     {"query", q.query},
                     {"workflowExecutionTaskQueue", TaskQueueJson(run, false)}};
    Reply(id, std::move(response));
    return true;
  }
  auto q = workflow_queues_.find(poll.queue);
  if (q == workflow_queues_.end()) return false;
  for (const TaskRef& ref : q->second) {
    if (s_.runs.at(ref.run_id).wft.ready_time > now_) continue;
    Reply(id, StartWorkflowTaskFor(Mut(ref.run_id), poll.identity));
    return true;
  }
  return false;
}

Json EngineImpl::StartWorkflowTaskFor(Run& run, const std::string& identity) {
  WorkflowTask& t = run.wft;
  t.state = WorkflowTask::State::kStarted;
  t.started_time = now_;
  t.identity = identity;
  if (t.transient()) {
    t.scheduled_id = run.next_event_id;
    t.started_id = run.next_event_id + 1;
  } else {
    t.started_id = Append(run, EventType::kWorkflowTaskStarted,
                          {{"scheduledEventId", IdString(t.scheduled_id)}, {"identity", identity}});
  }
  // A sticky worker has the run cached and gets only what it has not seen.
  Json events = EventsJson(s_.history.at(run.run_id), t.sticky ? run.previous_started_id + 1 : 1);
  if (t.transient()) {
    for (const HistoryEvent& e : TransientTaskEvents(run)) events.push_back(EventToJson(e));
  }
  Json response = {{"taskToken", "wt|" + run.run_id + "|" + IdString(t.scheduled_id) + "|" +
                                     IdString(t.started_id) + "|" + std::to_string(t.attempt)},
                   {"workflowExecution", ExecutionJson(run)},
                   {"workflowType", {{"name", run.workflow_type}}},
                   {"previousStartedEventId", IdString(run.previous_started_id)},
                   {"startedEventId", IdString(t.started_id)},
                   {"attempt", t.attempt},
                   {"history", {{"events", std::move(events)}}},
                   {"scheduledTime", FormatTime(t.scheduled_time)},
                   {"startedTime", FormatTime(t.started_time)},
                   {"workflowExecutionTaskQueue", TaskQueueJson(run, false)}};
  Json queries = Json::object();
  for (auto& [query_id, q] : queries_) {
    if (q.run_id == run.run_id && q.state == PendingQuery::State::kWaiting) {
      q.state = PendingQuery::State::kAttached;
      queries[query_id] = q.query;
    }
  }
  if (!queries.empty()) response["queries"] = std::move(queries);
  return response;
}

Json EngineImpl::StartActivityFor(Run& run, Activity& a, const std::string& identity) {
  a.started = true;
  a.started_time = now_;
  a.identity = identity;
  Json response = {{"taskToken", "at|" + run.run_id + "|" + IdString(a.scheduled_id) + "|" + std::to_string(a.attempt)},
                   {"workflowNamespace", kNamespace},
                   {"workflowType", {{"name", run.workflow_type}}},
                   {"workflowExecution", ExecutionJson(run)},
                   {"activityType", {{"name", a.activity_type}}},
                   {"activityId", a.activity_id},
                   {"scheduledTime", FormatTime(a.scheduled_time)},
                   {"currentAttemptScheduledTime", FormatTime(a.attempt_scheduled_time)},
                   {"startedTime", FormatTime(a.started_time)},
                   {"attempt", a.attempt},
                   {"scheduleToCloseTimeout", FormatDuration(a.schedule_to_close)},
                   {"startToCloseTimeout", FormatDuration(a.start_to_close)},
                   {"heartbeatTimeout", FormatDuration(a.heartbeat)},
                   {"retryPolicy", a.retry_policy}};
  if (!a.input.is_null()) response["input"] = a.input;
  if (!a.header.is_null()) response["header"] = a.header;
  if (!a.heartbeat_details.is_null()) response["heartbeatDetails"] = a.heartbeat_details;
  return response;
}

void EngineImpl::ExpireWaiters() {
  for (auto it = polls_.begin(); it != polls_.end();) {
    if (it->second.deadline > now_) {
      ++it;
      continue;
    }
    Reply(it->first, Json::object());  // Temporal answers an expired long poll with an empty response
    it = polls_.erase(it);
  }
  for (auto it = queries_.begin(); it != queries_.end();) {
    if (it->second.deadline > now_) {
      ++it;
      continue;
    }
    const Run& run = s_.runs.at(it->second.run_id);
    const std::string queue = "task queue \"" + run.task_queue + "\"";
    ReplyError(it->second.call,
               PollerSeenRecently(run.task_queue, false)
                   ? DeadlineExceeded("query timed out: no worker polling " + queue + " answered it in time")
                   : DeadlineExceeded("query timed out: no worker is polling " + queue +
                                      "; start a worker for it and ask again"));
    it = queries_.erase(it);
  }
  for (auto it = history_waits_.begin(); it != history_waits_.end();) {
    if (it->second.deadline > now_) {
      ++it;
      continue;
    }
    Reply(it->first, {{"history", {{"events", Json::array()}}}, {"nextPageToken", IdString(it->second.from)}});
    it = history_waits_.erase(it);
  }
}

void EngineImpl::AnswerHistoryWaiters() {
  for (auto it = history_waits_.begin(); it != history_waits_.end();) {
    const HistoryWait& w = it->second;
    std::optional<Json> page = HistoryPage(s_.runs.at(w.run_id), w.from, w.page_size, w.close_only, true);
    if (!page) {
      ++it;
      continue;
    }
    Reply(it->first, std::move(*page));
    it = history_waits_.erase(it);
  }
}

void EngineImpl::DetachQueries(const std::string& run_id) {
  for (auto& [query_id, q] : queries_) {
    if (q.run_id == run_id && q.state == PendingQuery::State::kAttached) q.state = PendingQuery::State::kWaiting;
  }
}

void EngineImpl::SeePoller(const std::string& queue, bool activity, const std::string& identity) {
  pollers_[{queue, activity}][identity] = now_;
}

bool EngineImpl::PollerSeenRecently(const std::string& queue, bool activity) const {
  return !PollersJson(queue, activity).empty();
}

Json EngineImpl::PollersJson(const std::string& queue, bool activity) const {
  std::map<std::string, TimePoint> seen;
  if (auto it = pollers_.find({queue, activity}); it != pollers_.end()) {
    for (const auto& [identity, at] : it->second) {
      if (now_ - at <= kPollerTtl) seen[identity] = at;
    }
  }
  for (const auto& [id, poll] : polls_) {
    if (poll.queue == queue && poll.activity == activity) seen[poll.identity] = now_;
  }
  Json out = Json::array();
  for (const auto& [identity, at] : seen) {
    out.push_back({{"lastAccessTime", FormatTime(at)}, {"identity", identity}, {"ratePerSecond", 100000}});
  }
  return out;
}

}  // namespace durable::service
