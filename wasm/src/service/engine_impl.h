// EngineImpl: the service state machine behind durable::Engine.
//
// Each input (Call, Cancel, Tick) runs as one transaction: handlers mutate
// runs through Mut()/CreateRun(), which remember the originals; Finish()
// settles workflow tasks, matches polls to tasks, skips time if asked, and
// turns the touched records into the outcome's WriteBatch. An error rolls
// everything back, so a failed call leaves no trace.
//
// Member functions are grouped by file:
//   engine_impl.cc       facade, transactions, persistence, dispatch by name
//   run_ops.cc           history appends, workflow tasks, closing and starting runs
//   matching.cc          task queues, pending polls, queries, deadline index
//   deadlines.cc         timers, task timeouts, activity retries, time skipping
//   workflow_handlers.cc start, signal, terminate, cancel
//   task_handlers.cc     workflow task poll/complete/fail and commands
//   activity_handlers.cc activity poll/complete/fail/cancel/heartbeat
//   query_handlers.cc    QueryWorkflow, RespondQueryTaskCompleted
//   visibility_handlers.cc describe, list, history, task queues
//   time_handlers.cc     the test service's time RPCs
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "durable/engine.h"
#include "durable/history.h"
#include "service/persistence.h"
#include "service/state.h"

namespace durable::service {

// What starting a run needs, from StartWorkflowExecution, a child command or
// continue-as-new.
struct StartSpec {
  std::string workflow_id, workflow_type, task_queue, identity, request_id;
  Json input, header, memo;  // null if absent
  Duration execution_timeout{0}, run_timeout{0}, task_timeout{0};
  TimePoint execution_expiration{};  // carried over by continue-as-new
  Json parent;                       // {"workflowId","runId","initiatedEventId"} or null
  std::string first_run_id;          // empty: the new run is the first
  std::string continued_run_id;
  Json extra_attributes = Json::object();  // e.g. continuedFailure, initiator
  bool defer_first_task = false;           // SignalWithStart writes its signal first
};

class EngineImpl final : public Engine {
 public:
  EngineImpl(const EngineOptions& options, DurableState state);

  Outcome Call(CallId id, std::string_view method, const Json& request) override;
  Outcome Cancel(CallId id) override;
  Outcome Tick() override;
  std::optional<TimePoint> NextWakeup() const override;
  TimePoint Now() const override { return clock_.Now(); }
  Json DumpState() const override;

  using Handler = Status (EngineImpl::*)(CallId, const Json&);
  static const std::vector<std::pair<std::string, Handler>>& HandlerTable();

 private:
  // ---- engine_impl.cc: transactions -------------------------------------
  void Begin();
  Outcome Finish();
  void Rollback();
  // Schedules a workflow task for every open run that got events without one.
  void Settle();
  Run& Mut(const std::string& run_id);
  Run& CreateRun(Run run);
  Meta& MutMeta();
  void SetCurrent(const std::string& workflow_id, const std::string& run_id);
  void Reply(CallId id, Json response);
  void ReplyError(CallId id, Status status);
  std::string NewUuid();
  int64_t NextSeq();

  // ---- run_ops.cc --------------------------------------------------------
  // The run named by {"workflowId","runId"} (runId optional: the latest run).
  StatusOr<std::string> ResolveRun(const Json& execution) const;
  // Like ResolveRun, but the run must be open ("already completed" otherwise).
  StatusOr<std::string> ResolveOpenRun(const Json& execution) const;
  HistoryEvent MakeEvent(EventType type, Json attributes, std::optional<TimePoint> time = std::nullopt);
  int64_t Append(Run& run, EventType type, Json attributes, std::optional<TimePoint> time = std::nullopt);
  // An event from outside the current workflow task: buffered while a task is
  // started, else appended and a workflow task is made sure of. Returns the
  // event ID, or 0 when buffered.
  int64_t AddExternalEvent(Run& run, EventType type, Json attributes, std::optional<TimePoint> time = std::nullopt);
  void FlushBuffered(Run& run);
  void ScheduleWorkflowTask(Run& run, int32_t attempt, Duration backoff = Duration(0));
  // The workflow task failed or timed out: record it (unless transient),
  // flush buffered events, drop stickiness and schedule the next attempt.
  void FailWorkflowTask(Run& run, EventType type, Json attributes, bool count_attempt, bool with_backoff);
  std::vector<HistoryEvent> TransientTaskEvents(const Run& run) const;
  Json TaskQueueJson(const Run& run, bool sticky) const;
  // Closes an open run with its close event and every consequence: a started
  // task is force-failed, buffered events flushed, children handled by their
  // parent close policy, the parent told.
  void CloseRun(Run& run, RunStatus status, EventType type, Json attributes);
  void TerminateRun(Run& run, const std::string& reason, const std::string& identity, const Json& details);
  void RequestCancelRun(Run& run, const std::string& reason, const std::string& identity);
  std::string StartRun(const StartSpec& spec);
  // Checks ID conflict and reuse rules for a new run of workflow_id.
  // Returns the open run to replace (TERMINATE_EXISTING), "" if none.
  StatusOr<std::string> CheckStartAllowed(const std::string& workflow_id, const std::string& reuse_policy,
                                          const std::string& conflict_policy) const;
  Json ExecutionJson(const Run& run) const;

  // ---- matching.cc -------------------------------------------------------
  struct TaskRef {
    int64_t seq;
    std::string run_id;
    int64_t activity;  // scheduled event ID; 0 for a workflow task
    // Spelled out: libc++ 14 (Emscripten) has no operator<=> for std::string.
    bool operator<(const TaskRef& o) const {
      return std::tie(seq, run_id, activity) < std::tie(o.seq, o.run_id, o.activity);
    }
  };
  struct Poll {
    bool activity = false;
    std::string queue, identity;
    TimePoint deadline{};
    int64_t arrival = 0;
  };
  struct PendingQuery {
    enum class State { kWaiting, kLegacy, kAttached };
    CallId call = 0;
    std::string run_id;
    Json query;
    TimePoint deadline{};
    State state = State::kWaiting;
  };
  struct HistoryWait {
    std::string run_id;
    int64_t from = 1;
    int64_t page_size = 0;
    bool close_only = false;
    TimePoint deadline{};
  };
  void Reindex(const std::string& run_id);
  void ReindexTouched();
  void Dispatch();
  bool ServePoll(CallId id, const Poll& poll);
  Json StartWorkflowTaskFor(Run& run, const std::string& identity);
  Json StartActivityFor(Run& run, Activity& activity, const std::string& identity);
  void ExpireWaiters();
  void AnswerHistoryWaiters();
  void DetachQueries(const std::string& run_id);
  void SeePoller(const std::string& queue, bool activity, const std::string& identity);
  bool PollerSeenRecently(const std::string& queue, bool activity) const;
  Json PollersJson(const std::string& queue, bool activity) const;

  // ---- deadlines.cc ------------------------------------------------------
  enum class DeadlineKind {
    kExecutionTimeout, kRunTimeout, kTaskReady, kTaskScheduleToStart, kTaskStartToClose,
    kTimer, kActivityReady, kActivityScheduleToClose, kActivityScheduleToStart,
    kActivityStartToClose, kActivityHeartbeat,
  };
  struct Deadline {
    TimePoint at;
    DeadlineKind kind;
    std::string timer_id;
    int64_t activity = 0;
  };
  static std::vector<Deadline> RunDeadlines(const Run& run);
  // A task becoming ready needs a Tick but changes nothing by itself.
  static bool IsReady(DeadlineKind kind) {
    return kind == DeadlineKind::kTaskReady || kind == DeadlineKind::kActivityReady;
  }
  std::optional<TimePoint> NextRunDeadline(const Run& run) const;
  void ProcessDueRuns();
  void HandleDeadline(Run& run, const Deadline& d);
  void FailActivityAttempt(Run& run, Activity& activity, Json failure, bool retryable,
                           EventType close_type, const std::string& identity);
  void CloseActivity(Run& run, Activity& activity, EventType close_type, Json attributes);
  void AutoSkip();
  bool AnyTaskPending() const;
  void SkipTo(TimePoint t);

  // ---- handlers, one per RPC -------------------------------------------
  Status StartWorkflowExecution(CallId, const Json&);
  Status SignalWithStartWorkflowExecution(CallId, const Json&);
  Status SignalWorkflowExecution(CallId, const Json&);
  Status TerminateWorkflowExecution(CallId, const Json&);
  Status RequestCancelWorkflowExecution(CallId, const Json&);
  Status PollWorkflowTaskQueue(CallId, const Json&);
  Status RespondWorkflowTaskCompleted(CallId, const Json&);
  Status RespondWorkflowTaskFailed(CallId, const Json&);
  Status PollActivityTaskQueue(CallId, const Json&);
  Status RespondActivityTaskCompleted(CallId, const Json&);
  Status RespondActivityTaskFailed(CallId, const Json&);
  Status RespondActivityTaskCanceled(CallId, const Json&);
  Status RecordActivityTaskHeartbeat(CallId, const Json&);
  Status QueryWorkflow(CallId, const Json&);
  Status RespondQueryTaskCompleted(CallId, const Json&);
  Status DescribeWorkflowExecution(CallId, const Json&);
  Status ListWorkflowExecutions(CallId, const Json&);
  Status GetWorkflowExecutionHistory(CallId, const Json&);
  Status DescribeTaskQueue(CallId, const Json&);
  Status GetCurrentTime(CallId, const Json&);
  Status SkipTime(CallId, const Json&);
  Status SkipToNextTimer(CallId, const Json&);
  Status SetAutoTimeSkipping(CallId, const Json&);

  // Helpers shared by handlers.
  StatusOr<StartSpec> ParseStartRequest(const Json& request);
  Status StartOrReuse(const Json& request, const StartSpec& spec, std::string& run_id, bool& started);
  StatusOr<std::string> RunOfWorkflowToken(const std::string& token) const;
  StatusOr<std::pair<std::string, int64_t>> ActivityOfToken(const std::string& token) const;
  Status ApplyCommand(Run& run, const Json& command, int64_t completed_id,
                      std::vector<int64_t>& child_starts, std::string& cause);
  void StartChild(Run& parent, int64_t initiated_id);
  std::optional<Json> HistoryPage(const Run& run, int64_t from, int64_t page_size, bool close_only,
                                  bool wait) const;
  Json DescribeRun(const Run& run) const;
  Json ExecutionInfo(const Run& run) const;

  // ---- state ---------------------------------------------------------------
  EngineOptions options_;
  VirtualClock clock_;
  DurableState s_;
  Json persisted_meta_;  // last meta written, to write it only when it changed
  TimePoint now_{};      // frozen for the duration of one input

  // Transaction: originals of what this input touched.
  std::map<std::string, std::optional<Run>> txn_runs_;
  std::map<std::string, size_t> txn_history_;
  std::map<std::string, std::optional<std::string>> txn_current_;
  std::optional<Meta> txn_meta_;
  std::set<std::string> needs_task_;  // runs that got events and may need a workflow task
  Status event_error_;  // why an event this input made cannot go into history (MakeEvent); fails the call
  std::vector<durable::Reply> replies_;

  // Not durable: callers reconnect after a restore.
  std::map<CallId, Poll> polls_;
  std::map<std::string, PendingQuery> queries_;  // by query ID
  std::map<CallId, HistoryWait> history_waits_;
  std::map<std::pair<std::string, bool>, std::map<std::string, TimePoint>> pollers_;
  int64_t arrivals_ = 0;
  int64_t query_ids_ = 0;
  // Copies of the above taken by Begin() for Rollback().
  std::map<CallId, Poll> saved_polls_;
  std::map<std::string, PendingQuery> saved_queries_;
  std::map<CallId, HistoryWait> saved_waits_;

  // Derived indexes, rebuilt per touched run by Reindex().
  std::map<std::string, std::set<TaskRef>> workflow_queues_, activity_queues_;
  std::map<std::string, std::vector<std::tuple<bool, std::string, TaskRef>>> run_tasks_;
  std::set<std::pair<TimePoint, std::string>> deadlines_;
  std::map<std::string, TimePoint> run_deadline_;
  std::set<std::string> busy_runs_;  // open runs with a workflow task or activity pending
};

}  // namespace durable::service
