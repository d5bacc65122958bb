// One cached workflow run: turns its history into activations and matches the
// commands its code produces against the events history recorded.
//
// History is cut into activations at workflow task boundaries, as sdk-core
// does: a boundary is a WorkflowTaskStarted event followed by
// WorkflowTaskCompleted (or, for a workflow task, the task's own started event
// at the end of history). A workflow task that failed or timed out is no
// boundary, so its events roll into the next activation. Between boundaries:
//   - WorkflowTaskCompleted opens the block of command events that record the
//     commands of the previous activation(s); each must match the oldest
//     unrecorded command, by kind and key attributes;
//   - any other event first requires that every command was recorded, then
//     becomes activation jobs (fired timers, resolved activities, signals...).
// Commands that still have no event after the last boundary of a workflow
// task are new: they are sent with RespondWorkflowTaskCompleted.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/history.h"
#include "durable/status.h"
#include "replay/activity_machine.h"
#include "replay/child_workflow_machine.h"
#include "replay/close_workflow_machine.h"
#include "replay/machine_support.h"
#include "replay/timer_machine.h"
#include "replay/workflow_commands.h"

namespace durable::replay {

// Why a run leaves the cache: sdk-core's RemoveFromCache.EvictionReason names.
enum class EvictionReason { kCacheFull, kCacheMiss, kNondeterminism, kLangFail, kWorkflowExecutionEnding };
std::string_view EvictionReasonName(EvictionReason reason);

// sdk-core's ID for the query of a legacy query task.
inline constexpr std::string_view kLegacyQueryId = "legacy_query";

struct QueryRequest {
  std::string id;
  std::string type;
  Json arguments = Json::array();
  std::optional<Json> headers;
};

// A workflow task or a legacy query task, already checked by the core.
struct WorkflowTask {
  std::string task_token;
  std::string workflow_id;
  std::vector<HistoryEvent> events;  // consecutive IDs; a workflow task's end at its started event
  bool is_legacy_query = false;
  std::vector<QueryRequest> queries;  // a legacy query task holds exactly one
};

// What the run asks of its host next: an activation for the workflow code, or
// the request that ends the task (then maybe leaving the cache).
struct RunStep {
  std::optional<Json> activation;
  std::optional<Json> respond;  // {"method":"Respond...","request":{...}}
  std::optional<EvictionReason> evict;
  std::string evict_message;
};

struct RunSettings {
  std::string identity;
  std::optional<Json> sticky_attributes;  // sent with every RespondWorkflowTaskCompleted
};

class WorkflowRun {
 public:
  WorkflowRun(std::string run_id, RunSettings settings);

  const std::string& run_id() const { return run_id_; }
  bool HasOutstandingActivation() const { return outstanding_ != Outstanding::kNone; }
  int64_t last_applied_event_id() const { return last_applied_event_id_; }

  // Whether this cached state can continue with a task's events: they leave
  // no gap after the last applied event, and the workflow task this run
  // answered last was recorded as completed (not failed or timed out).
  bool CanContinueWith(const std::vector<HistoryEvent>& events) const;

  // Takes the task's events beyond those already applied and runs to the first activation or answer.
  RunStep StartTask(WorkflowTask task);
  // The workflow code's completion of the outstanding activation (see
  // worker_core.h). Bad input leaves the run untouched.
  StatusOr<RunStep> CompleteActivation(const Json& completion);

 private:
  enum class Outstanding { kNone, kWorkflow, kQuery };
  enum class CommandKind {
    kStartTimer,
    kCancelTimer,
    kScheduleActivity,
    kRequestCancelActivity,
    kStartChild,
    kRequestCancelChild,
    kClose
  };
  struct QueuedCommand {
    CommandKind kind;
    uint32_t seq;  // the machine's seq; unused for kClose
  };

  // Driving history.
  RunStep Advance();
  std::optional<size_t> FindBoundary() const;
  Status ApplyEvent(const HistoryEvent& event, Jobs& jobs);
  Status ApplyTrailingCommandRecords();
  Status MatchCommandEvent(const HistoryEvent& event);
  Status RequireCommandsRecorded(const HistoryEvent& event) const;
  Status ApplyResolution(const HistoryEvent& event, Jobs& jobs);
  // Also learns the workflow's type and task queue, which its commands default to.
  Json InitializeJob(const HistoryEvent& started);
  RunStep FinishTask();

  // Applying the workflow code's commands.
  Status ValidateCommands(const std::vector<WorkflowCommand>& commands) const;
  void ApplyCommand(WorkflowCommand command);
  void WithdrawCommand(CommandKind kind, uint32_t seq);
  StatusOr<RunStep> CompleteQueryActivation(const Json& completion);

  // The queue of commands history has not recorded yet.
  std::string Describe(const QueuedCommand& command) const;
  Json ApiCommand(const QueuedCommand& command) const;
  EventType RecordedEventType(const QueuedCommand& command) const;
  Status Record(const QueuedCommand& command, const HistoryEvent& event);

  // Output.
  RunStep IssueActivation(Jobs jobs, bool replaying);
  RunStep IssueQueryActivation();
  RunStep Respond(std::string method, Json request) const;
  RunStep FailTask(EvictionReason reason, const std::string& message, Json failure);
  // A history/code mismatch found by a machine or the driver.
  RunStep FailNondeterministic(const Status& mismatch);
  bool WorkflowClosed() const;

  std::string run_id_;
  RunSettings settings_;
  std::string workflow_type_;
  std::string task_queue_;
  bool initialized_ = false;

  std::map<uint32_t, TimerMachine> timers_;
  std::map<uint32_t, ActivityMachine> activities_;
  std::map<uint32_t, ChildWorkflowMachine> children_;
  std::optional<CloseWorkflowMachine> close_;
  std::map<int64_t, uint32_t> activity_by_scheduled_event_;
  std::map<int64_t, uint32_t> child_by_initiated_event_;
  std::map<int64_t, uint32_t> child_by_cancel_initiated_event_;
  std::deque<QueuedCommand> unrecorded_commands_;
  size_t sent_commands_ = 0;  // how many of unrecorded_commands_ went out already

  std::deque<HistoryEvent> pending_events_;  // received, not applied yet
  int64_t last_applied_event_id_ = 0;
  // The workflow task this run answered with RespondWorkflowTaskCompleted,
  // until history records its completion.
  std::optional<int64_t> answered_task_started_event_id_;

  std::optional<WorkflowTask> task_;
  Outstanding outstanding_ = Outstanding::kNone;
  bool queries_issued_ = false;
  Json query_results_ = Json::object();
  Jobs immediate_jobs_;    // resolutions caused by the code's own commands
  TimePoint task_time_{};  // eventTime of the current boundary's WorkflowTaskStarted
  bool replaying_ = false;
};

}  // namespace durable::replay
