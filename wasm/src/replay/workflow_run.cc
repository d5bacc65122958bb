#include "replay/workflow_run.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "replay/event_text.h"
#include "replay/json_fields.h"

namespace durable::replay {
namespace {

// Events that record a command of the workflow (sdk-core's is_command_event).
// Those this core never produces a command for still count, so that history
// holding one is reported as a command the code no longer produces.
bool IsCommandEvent(EventType type) {
  switch (type) {
    case EventType::kTimerStarted:
    case EventType::kTimerCanceled:
    case EventType::kActivityTaskScheduled:
    case EventType::kActivityTaskCancelRequested:
    case EventType::kStartChildWorkflowExecutionInitiated:
    case EventType::kRequestCancelExternalWorkflowExecutionInitiated:
    case EventType::kSignalExternalWorkflowExecutionInitiated:
    case EventType::kMarkerRecorded:
    case EventType::kUpsertWorkflowSearchAttributes:
    case EventType::kWorkflowExecutionCompleted:
    case EventType::kWorkflowExecutionFailed:
    case EventType::kWorkflowExecutionCanceled:
    case EventType::kWorkflowExecutionContinuedAsNew:
      return true;
    default:
      return false;
  }
}

// sdk-core's job order within an activation: initializeWorkflow, then
// signals, then everything else in history order.
int JobRank(const Json& job) {
  if (job.contains("initializeWorkflow")) return 0;
  if (job.contains("signalWorkflow")) return 1;
  return 2;
}

// FNV-1a: a stable seed that every replay of the run derives alike.
uint64_t SeedFrom(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

void CopyIfPresent(const Json& from, std::string_view from_key, Json& to, std::string_view to_key) {
  if (const Json* value = FindField(from, from_key)) to[std::string(to_key)] = *value;
}

std::optional<uint32_t> SeqFromId(const std::string& id) {
  uint32_t seq = 0;
  auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (error != std::errc() || end != id.data() + id.size() || id.empty()) return std::nullopt;
  return seq;
}

Json QueryAnswered(const Json& payload) {
  return Json{{"resultType", "QUERY_RESULT_TYPE_ANSWERED"}, {"answer", ToPayloads(Json::array({payload}))}};
}

Json QueryFailed(const std::string& message, const Json& failure) {
  return Json{{"resultType", "QUERY_RESULT_TYPE_FAILED"}, {"errorMessage", message}, {"failure", failure}};
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::string_view EvictionReasonName(EvictionReason reason) {
  switch (reason) {
    case EvictionReason::kCacheFull:
      return "CACHE_FULL";
    case EvictionReason::kCacheMiss:
      return "CACHE_MISS";
    case EvictionReason::kNondeterminism:
      return "NONDETERMINISM";
    case EvictionReason::kLangFail:
      return "LANG_FAIL";
    case EvictionReason::kWorkflowExecutionEnding:
      return "WORKFLOW_EXECUTION_ENDING";
  }
  return "UNSPECIFIED";
}

WorkflowRun::WorkflowRun(std::string run_id, RunSettings settings)
    : run_id_(std::move(run_id)), settings_(std::move(settings)) {}

bool WorkflowRun::CanContinueWith(const std::vector<HistoryEvent>& events) const {
  if (events.empty()) return true;
  if (events.front().event_id > last_applied_event_id_ + 1) return false;
  if (events.back().event_id < last_applied_event_id_) return false;
  if (answered_task_started_event_id_.has_value()) {
    for (const HistoryEvent& event : events) {
      if (event.event_id == *answered_task_started_event_id_ + 1) {
        return event.event_type == EventType::kWorkflowTaskCompleted;
      }
    }
  }
  return true;
}

RunStep WorkflowRun::StartTask(WorkflowTask task) {
  pending_events_.clear();
  for (HistoryEvent& event : task.events) {
    if (event.event_id > last_applied_event_id_) pending_events_.push_back(std::move(event));
  }
  task.events.clear();
  task_ = std::move(task);
  queries_issued_ = false;
  query_results_ = Json::object();
  return Advance();
}

RunStep WorkflowRun::Advance() {
  for (;;) {
    if (!immediate_jobs_.empty()) {
      Jobs jobs;
      jobs.swap(immediate_jobs_);
      return IssueActivation(std::move(jobs), replaying_);
    }
    std::optional<size_t> boundary = FindBoundary();
    if (!boundary.has_value()) break;
    Jobs jobs;
    for (size_t i = 0; i <= *boundary; ++i) {
      Status applied = ApplyEvent(pending_events_[i], jobs);
      if (!applied.ok()) return FailNondeterministic(applied);
    }
    const HistoryEvent& started = pending_events_[*boundary];
    task_time_ = started.event_time;
    last_applied_event_id_ = started.event_id;
    bool at_end = *boundary + 1 == pending_events_.size();
    replaying_ = !(at_end && !task_->is_legacy_query);
    pending_events_.erase(pending_events_.begin(),
                          pending_events_.begin() + static_cast<long>(*boundary) + 1);
    // A workflow task that brought nothing new gets no activation, as in sdk-core.
    if (jobs.empty()) continue;
    std::stable_sort(jobs.begin(), jobs.end(),
                     [](const Json& a, const Json& b) { return JobRank(a) < JobRank(b); });
    return IssueActivation(std::move(jobs), replaying_);
  }
  Status trailing = ApplyTrailingCommandRecords();
  if (!trailing.ok()) return FailNondeterministic(trailing);
  return FinishTask();
}

std::optional<size_t> WorkflowRun::FindBoundary() const {
  for (size_t i = 0; i < pending_events_.size(); ++i) {
    if (pending_events_[i].event_type != EventType::kWorkflowTaskStarted) continue;
    if (i + 1 < pending_events_.size()) {
      if (pending_events_[i + 1].event_type == EventType::kWorkflowTaskCompleted) return i;
    } else if (!task_->is_legacy_query) {
      // The task's own workflow task; a query task only reads what completed.
      return i;
    }
  }
  return std::nullopt;
}

Status WorkflowRun::ApplyEvent(const HistoryEvent& event, Jobs& jobs) {
  if (event.event_type == EventType::kWorkflowTaskCompleted) {
    answered_task_started_event_id_.reset();
    return Status::Ok();
  }
  if (IsCommandEvent(event.event_type)) return MatchCommandEvent(event);
  DURABLE_RETURN_IF_ERROR(RequireCommandsRecorded(event));
  const Json& attributes = event.attributes;
  switch (event.event_type) {
    case EventType::kWorkflowExecutionStarted:
      if (initialized_) return EventNotAllowed(event, "the workflow", "already started");
      jobs.push_back(Json{{"initializeWorkflow", InitializeJob(event)}});
      initialized_ = true;
      return Status::Ok();
    case EventType::kWorkflowExecutionSignaled: {
      Json signal{{"signalName", OptionalString(attributes, "signalName").value_or("")},
                  {"input", PayloadListOf(attributes, "input")},
                  {"identity", OptionalString(attributes, "identity").value_or("")}};
      if (const Json* header = FindField(attributes, "header"))
        CopyIfPresent(*header, "fields", signal, "headers");
      jobs.push_back(Json{{"signalWorkflow", signal}});
      return Status::Ok();
    }
    case EventType::kWorkflowExecutionCancelRequested:
      jobs.push_back(
          Json{{"cancelWorkflow", {{"reason", OptionalString(attributes, "cause").value_or("")}}}});
      return Status::Ok();
    default:
      return ApplyResolution(event, jobs);
  }
}

Status WorkflowRun::ApplyResolution(const HistoryEvent& event, Jobs& jobs) {
  const Json& attributes = event.attributes;
  switch (event.event_type) {
    case EventType::kTimerFired: {
      std::string timer_id = OptionalString(attributes, "timerId").value_or("");
      std::optional<uint32_t> seq = SeqFromId(timer_id);
      auto timer = seq.has_value() ? timers_.find(*seq) : timers_.end();
      if (timer == timers_.end())
        return EventNotAllowed(event, "timer " + timer_id, "unknown to the workflow");
      return timer->second.OnFired(event, jobs);
    }
    case EventType::kActivityTaskStarted:
    case EventType::kActivityTaskCompleted:
    case EventType::kActivityTaskFailed:
    case EventType::kActivityTaskTimedOut:
    case EventType::kActivityTaskCanceled: {
      int64_t scheduled = OptionalInt64(attributes, "scheduledEventId").value_or(0);
      auto seq = activity_by_scheduled_event_.find(scheduled);
      if (seq == activity_by_scheduled_event_.end()) {
        return EventNotAllowed(event, "the activity scheduled by event " + std::to_string(scheduled),
                               "unknown to the workflow");
      }
      ActivityMachine& activity = activities_.at(seq->second);
      switch (event.event_type) {
        case EventType::kActivityTaskStarted:
          return activity.OnStarted(event);
        case EventType::kActivityTaskCompleted:
          return activity.OnCompleted(event, jobs);
        case EventType::kActivityTaskFailed:
          return activity.OnFailed(event, jobs);
        case EventType::kActivityTaskTimedOut:
          return activity.OnTimedOut(event, jobs);
        default:
          return activity.OnCanceled(event, jobs);
      }
    }
    case EventType::kStartChildWorkflowExecutionFailed:
    case EventType::kChildWorkflowExecutionStarted:
    case EventType::kChildWorkflowExecutionCompleted:
    case EventType::kChildWorkflowExecutionFailed:
    case EventType::kChildWorkflowExecutionTimedOut:
    case EventType::kChildWorkflowExecutionTerminated:
    case EventType::kChildWorkflowExecutionCanceled: {
      int64_t initiated = OptionalInt64(attributes, "initiatedEventId").value_or(0);
      auto seq = child_by_initiated_event_.find(initiated);
      if (seq == child_by_initiated_event_.end()) {
        return EventNotAllowed(event, "the child workflow initiated by event " + std::to_string(initiated),
                               "unknown to the workflow");
      }
      ChildWorkflowMachine& child = children_.at(seq->second);
      if (event.event_type == EventType::kStartChildWorkflowExecutionFailed)
        return child.OnStartFailed(event, jobs);
      if (event.event_type == EventType::kChildWorkflowExecutionStarted) return child.OnStarted(event, jobs);
      return child.OnClosed(event, jobs);
    }
    case EventType::kExternalWorkflowExecutionCancelRequested:
    case EventType::kRequestCancelExternalWorkflowExecutionFailed: {
      int64_t initiated = OptionalInt64(attributes, "initiatedEventId").value_or(0);
      auto seq = child_by_cancel_initiated_event_.find(initiated);
      if (seq == child_by_cancel_initiated_event_.end()) {
        return EventNotAllowed(event, "the cancel request initiated by event " + std::to_string(initiated),
                               "unknown to the workflow");
      }
      return children_.at(seq->second).OnCancelRequestResolved(event, jobs);
    }
    default:
      // Workflow task bookkeeping, termination and time-outs of the run:
      // nothing for the workflow code to do.
      return Status::Ok();
  }
}

Status WorkflowRun::ApplyTrailingCommandRecords() {
  if (pending_events_.empty() || pending_events_.front().event_type != EventType::kWorkflowTaskCompleted) {
    return Status::Ok();
  }
  Jobs no_jobs;  // command events resolve nothing
  size_t applied = 0;
  do {
    DURABLE_RETURN_IF_ERROR(ApplyEvent(pending_events_[applied], no_jobs));
    ++applied;
  } while (applied < pending_events_.size() && IsCommandEvent(pending_events_[applied].event_type));
  last_applied_event_id_ = pending_events_[applied - 1].event_id;
  if (applied < pending_events_.size()) {
    DURABLE_RETURN_IF_ERROR(RequireCommandsRecorded(pending_events_[applied]));
  } else if (!unrecorded_commands_.empty()) {
    const HistoryEvent& last = pending_events_[applied - 1];
    return FailedPrecondition("history ends at event " + std::to_string(last.event_id) + " (" +
                              DescribeEvent(last) + ") but the workflow produced " +
                              Describe(unrecorded_commands_.front()) + ", which history does not record");
  }
  pending_events_.erase(pending_events_.begin(), pending_events_.begin() + static_cast<long>(applied));
  return Status::Ok();
}

Status WorkflowRun::MatchCommandEvent(const HistoryEvent& event) {
  if (unrecorded_commands_.empty()) {
    return FailedPrecondition("event " + std::to_string(event.event_id) + " is " + DescribeEvent(event) +
                              " but the workflow produced no command for it");
  }
  QueuedCommand command = unrecorded_commands_.front();
  if (event.event_type != RecordedEventType(command)) return EventMismatch(event, Describe(command));
  DURABLE_RETURN_IF_ERROR(Record(command, event));
  unrecorded_commands_.pop_front();
  if (sent_commands_ > 0) --sent_commands_;
  return Status::Ok();
}

Status WorkflowRun::RequireCommandsRecorded(const HistoryEvent& event) const {
  if (unrecorded_commands_.empty()) return Status::Ok();
  return FailedPrecondition("event " + std::to_string(event.event_id) + " is " + DescribeEvent(event) +
                            " where history records no further command, but the workflow produced " +
                            Describe(unrecorded_commands_.front()));
}

Json WorkflowRun::InitializeJob(const HistoryEvent& started) {
  const Json& a = started.attributes;
  if (const Json* type = FindField(a, "workflowType"))
    workflow_type_ = OptionalString(*type, "name").value_or("");
  if (const Json* queue = FindField(a, "taskQueue"))
    task_queue_ = OptionalString(*queue, "name").value_or("");
  std::string seed_source = OptionalString(a, "originalExecutionRunId").value_or(run_id_);
  Json job{{"workflowType", workflow_type_},
           {"workflowId", task_->workflow_id},
           {"arguments", PayloadListOf(a, "input")},
           {"randomnessSeed", std::to_string(SeedFrom(seed_source))},
           {"attempt", OptionalInt64(a, "attempt").value_or(1)},
           {"startTime", FormatTime(started.event_time)}};
  if (const Json* header = FindField(a, "header")) CopyIfPresent(*header, "fields", job, "headers");
  if (const Json* parent = FindField(a, "parentWorkflowExecution")) {
    Json info{{"workflowId", OptionalString(*parent, "workflowId").value_or("")},
              {"runId", OptionalString(*parent, "runId").value_or("")}};
    CopyIfPresent(a, "parentWorkflowNamespace", info, "namespace");
    job["parentWorkflowInfo"] = info;
  }
  CopyIfPresent(a, "identity", job, "identity");
  CopyIfPresent(a, "workflowExecutionTimeout", job, "workflowExecutionTimeout");
  CopyIfPresent(a, "workflowRunTimeout", job, "workflowRunTimeout");
  CopyIfPresent(a, "workflowTaskTimeout", job, "workflowTaskTimeout");
  CopyIfPresent(a, "continuedExecutionRunId", job, "continuedFromExecutionRunId");
  CopyIfPresent(a, "initiator", job, "continuedInitiator");
  CopyIfPresent(a, "continuedFailure", job, "continuedFailure");
  CopyIfPresent(a, "lastCompletionResult", job, "lastCompletionResult");
  CopyIfPresent(a, "firstExecutionRunId", job, "firstExecutionRunId");
  CopyIfPresent(a, "retryPolicy", job, "retryPolicy");
  CopyIfPresent(a, "cronSchedule", job, "cronSchedule");
  CopyIfPresent(a, "workflowExecutionExpirationTime", job, "workflowExecutionExpirationTime");
  CopyIfPresent(a, "memo", job, "memo");
  CopyIfPresent(a, "searchAttributes", job, "searchAttributes");
  CopyIfPresent(a, "rootWorkflowExecution", job, "rootWorkflow");
  CopyIfPresent(a, "priority", job, "priority");
  return job;
}

RunStep WorkflowRun::FinishTask() {
  if (!task_->queries.empty() && !queries_issued_) {
    if (initialized_) {
      queries_issued_ = true;
      return IssueQueryActivation();
    }
    // Only a query task gets here: the workflow code never ran, so there is nothing to ask.
    std::string message = "workflow run " + run_id_ + " has not completed its first workflow task yet";
    for (const QueryRequest& query : task_->queries) {
      query_results_[query.id] = QueryFailed(message, Json{{"message", message}});
    }
  }
  RunStep step;
  if (task_->is_legacy_query) {
    const Json& result = query_results_[std::string(kLegacyQueryId)];
    Json request{{"taskToken", task_->task_token}, {"completedType", result["resultType"]}};
    if (result.contains("answer")) request["queryResult"] = result["answer"];
    if (result.contains("errorMessage")) {
      request["errorMessage"] = result["errorMessage"];
      request["failure"] = result["failure"];
    }
    step = Respond("RespondQueryTaskCompleted", std::move(request));
  } else {
    Json commands = Json::array();
    for (size_t i = sent_commands_; i < unrecorded_commands_.size(); ++i) {
      commands.push_back(ApiCommand(unrecorded_commands_[i]));
    }
    sent_commands_ = unrecorded_commands_.size();
    answered_task_started_event_id_ = last_applied_event_id_;
    Json request{{"taskToken", task_->task_token}, {"commands", commands}, {"identity", settings_.identity}};
    if (!query_results_.empty()) request["queryResults"] = query_results_;
    if (settings_.sticky_attributes.has_value()) request["stickyAttributes"] = *settings_.sticky_attributes;
    step = Respond("RespondWorkflowTaskCompleted", std::move(request));
  }
  if (WorkflowClosed()) {
    step.evict = EvictionReason::kWorkflowExecutionEnding;
    step.evict_message = "workflow run " + run_id_ + " closed";
  }
  task_.reset();
  return step;
}

bool WorkflowRun::WorkflowClosed() const {
  if (close_.has_value()) return true;
  return std::any_of(pending_events_.begin(), pending_events_.end(), [](const HistoryEvent& event) {
    return event.event_type == EventType::kWorkflowExecutionTerminated ||
           event.event_type == EventType::kWorkflowExecutionTimedOut;
  });
}

StatusOr<RunStep> WorkflowRun::CompleteActivation(const Json& completion) {
  if (outstanding_ == Outstanding::kNone) {
    return FailedPrecondition("run " + run_id_ + " has no outstanding activation to complete");
  }
  const Json* successful = FindField(completion, "successful");
  const Json* failed = FindField(completion, "failed");
  if ((successful == nullptr) == (failed == nullptr)) {
    return InvalidArgument("completion must hold exactly one of successful and failed");
  }
  if (outstanding_ == Outstanding::kQuery) return CompleteQueryActivation(completion);
  if (failed != nullptr) {
    StatusOr<std::optional<Json>> failure = OptionalObject(*failed, "failure", "completion.failed");
    if (!failure.ok()) return failure.status();
    if (!failure->has_value())
      return InvalidArgument("completion.failed must be {\"failure\":{\"message\":...}}");
    std::string message = OptionalString(**failure, "message").value_or("");
    return FailTask(EvictionReason::kLangFail, message.empty() ? "workflow activation failed" : message,
                    **failure);
  }
  if (!successful->is_object()) return InvalidArgument("completion.successful must be an object");
  const Json* list = FindField(*successful, "commands");
  if (list != nullptr && !list->is_array())
    return InvalidArgument("completion.successful.commands must be an array");
  std::vector<WorkflowCommand> commands;
  CommandDefaults defaults{task_queue_, workflow_type_};
  if (list != nullptr) {
    for (size_t i = 0; i < list->size(); ++i) {
      StatusOr<WorkflowCommand> command = ParseWorkflowCommand((*list)[i], i, defaults);
      if (!command.ok()) return command.status();
      commands.push_back(std::move(command).value());
    }
  }
  DURABLE_RETURN_IF_ERROR(ValidateCommands(commands));
  for (WorkflowCommand& command : commands) ApplyCommand(std::move(command));
  outstanding_ = Outstanding::kNone;
  return Advance();
}

Status WorkflowRun::ValidateCommands(const std::vector<WorkflowCommand>& commands) const {
  std::set<uint32_t> new_timers;
  std::set<uint32_t> new_activities;
  std::set<uint32_t> new_children;
  bool closed = close_.has_value();
  for (size_t i = 0; i < commands.size(); ++i) {
    std::string position = "commands[" + std::to_string(i) + "]";
    if (closed) return InvalidArgument(position + " follows a command that already closed the workflow");
    // A start takes a seq not in use; a cancel names one started before or earlier in this list.
    auto start = [&](const auto& known, std::set<uint32_t>& added, const char* noun, uint32_t seq) {
      if (known.contains(seq) || !added.insert(seq).second) {
        return InvalidArgument(position + ": " + noun + " seq " + std::to_string(seq) + " is already in use");
      }
      return Status::Ok();
    };
    auto cancel = [&](const auto& known, const std::set<uint32_t>& added, const char* noun, uint32_t seq) {
      if (!known.contains(seq) && !added.contains(seq)) {
        return InvalidArgument(position + ": no " + noun + " with seq " + std::to_string(seq));
      }
      return Status::Ok();
    };
    Status status = std::visit(
        Overloaded{
            [&](const StartTimerCommand& c) { return start(timers_, new_timers, "timer", c.seq); },
            [&](const CancelTimerCommand& c) { return cancel(timers_, new_timers, "timer", c.seq); },
            [&](const ScheduleActivityCommand& c) {
              return start(activities_, new_activities, "activity", c.seq);
            },
            [&](const RequestCancelActivityCommand& c) {
              return cancel(activities_, new_activities, "activity", c.seq);
            },
            [&](const StartChildWorkflowCommand& c) {
              return start(children_, new_children, "child workflow", c.seq);
            },
            [&](const CancelChildWorkflowCommand& c) {
              return cancel(children_, new_children, "child workflow", c.child_workflow_seq);
            },
            [&](const CloseWorkflowCommand&) {
              closed = true;
              return Status::Ok();
            },
            [&](const RespondToQueryCommand&) {
              return InvalidArgument(position +
                                     ": respondToQuery answers only an activation of queryWorkflow jobs");
            },
        },
        commands[i]);
    DURABLE_RETURN_IF_ERROR(status);
  }
  return Status::Ok();
}

void WorkflowRun::ApplyCommand(WorkflowCommand command) {
  std::visit(
      Overloaded{
          [&](StartTimerCommand& c) {
            timers_.emplace(c.seq, TimerMachine(c));
            unrecorded_commands_.push_back({CommandKind::kStartTimer, c.seq});
          },
          [&](CancelTimerCommand& c) {
            switch (timers_.at(c.seq).Cancel()) {
              case TimerMachine::CancelEffect::kWithdrawStartCommand:
                WithdrawCommand(CommandKind::kStartTimer, c.seq);
                break;
              case TimerMachine::CancelEffect::kIssueCancelCommand:
                unrecorded_commands_.push_back({CommandKind::kCancelTimer, c.seq});
                break;
              case TimerMachine::CancelEffect::kNothing:
                break;
            }
          },
          [&](ScheduleActivityCommand& c) {
            uint32_t seq = c.seq;
            activities_.emplace(seq, ActivityMachine(std::move(c)));
            unrecorded_commands_.push_back({CommandKind::kScheduleActivity, seq});
          },
          [&](RequestCancelActivityCommand& c) {
            switch (activities_.at(c.seq).Cancel(immediate_jobs_)) {
              case ActivityMachine::CancelEffect::kWithdrawScheduleCommand:
                WithdrawCommand(CommandKind::kScheduleActivity, c.seq);
                break;
              case ActivityMachine::CancelEffect::kIssueCancelCommand:
                unrecorded_commands_.push_back({CommandKind::kRequestCancelActivity, c.seq});
                break;
              case ActivityMachine::CancelEffect::kNothing:
                break;
            }
          },
          [&](StartChildWorkflowCommand& c) {
            uint32_t seq = c.seq;
            children_.emplace(seq, ChildWorkflowMachine(std::move(c)));
            unrecorded_commands_.push_back({CommandKind::kStartChild, seq});
          },
          [&](CancelChildWorkflowCommand& c) {
            switch (children_.at(c.child_workflow_seq).Cancel(c.reason, immediate_jobs_)) {
              case ChildWorkflowMachine::CancelEffect::kWithdrawStartCommand:
                WithdrawCommand(CommandKind::kStartChild, c.child_workflow_seq);
                break;
              case ChildWorkflowMachine::CancelEffect::kIssueCancelRequest:
                unrecorded_commands_.push_back({CommandKind::kRequestCancelChild, c.child_workflow_seq});
                break;
              case ChildWorkflowMachine::CancelEffect::kNothing:
                break;
            }
          },
          [&](CloseWorkflowCommand& c) {
            close_.emplace(std::move(c));
            unrecorded_commands_.push_back({CommandKind::kClose, 0});
          },
          // ValidateCommands admits none outside a query activation.
          [&](RespondToQueryCommand&) {},
      },
      command);
}

void WorkflowRun::WithdrawCommand(CommandKind kind, uint32_t seq) {
  auto unsent = unrecorded_commands_.begin() + static_cast<long>(sent_commands_);
  auto found = std::find_if(unsent, unrecorded_commands_.end(),
                            [&](const QueuedCommand& c) { return c.kind == kind && c.seq == seq; });
  if (found != unrecorded_commands_.end()) unrecorded_commands_.erase(found);
}

StatusOr<RunStep> WorkflowRun::CompleteQueryActivation(const Json& completion) {
  Json results = Json::object();
  if (const Json* failed = FindField(completion, "failed")) {
    const Json* failure = FindField(*failed, "failure");
    if (failure == nullptr || !failure->is_object()) {
      return InvalidArgument("completion.failed must be {\"failure\":{\"message\":...}}");
    }
    std::string message = OptionalString(*failure, "message").value_or("query failed");
    for (const QueryRequest& query : task_->queries) results[query.id] = QueryFailed(message, *failure);
  } else {
    const Json& successful = completion["successful"];
    const Json* list = FindField(successful, "commands");
    if (!successful.is_object() || list == nullptr || !list->is_array()) {
      return InvalidArgument("completion.successful.commands must be an array of respondToQuery commands");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      std::string position = "commands[" + std::to_string(i) + "]";
      StatusOr<WorkflowCommand> command = ParseWorkflowCommand((*list)[i], i, CommandDefaults{});
      if (!command.ok()) return command.status();
      const auto* answer = std::get_if<RespondToQueryCommand>(&*command);
      if (answer == nullptr) {
        return InvalidArgument(position +
                               ": an activation of queryWorkflow jobs takes only respondToQuery commands");
      }
      bool asked = std::any_of(task_->queries.begin(), task_->queries.end(),
                               [&](const QueryRequest& q) { return q.id == answer->query_id; });
      if (!asked) return InvalidArgument(position + ": no query with queryId \"" + answer->query_id + "\"");
      if (results.contains(answer->query_id)) {
        return InvalidArgument(position + ": query \"" + answer->query_id + "\" is answered twice");
      }
      results[answer->query_id] =
          answer->answer.has_value()
              ? QueryAnswered(*answer->answer)
              : QueryFailed(answer->error_message,
                            answer->failure.value_or(Json{{"message", answer->error_message}}));
    }
    for (const QueryRequest& query : task_->queries) {
      if (!results.contains(query.id))
        return InvalidArgument("query \"" + query.id + "\" has no respondToQuery");
    }
  }
  query_results_ = std::move(results);
  outstanding_ = Outstanding::kNone;
  return FinishTask();
}

std::string WorkflowRun::Describe(const QueuedCommand& command) const {
  switch (command.kind) {
    case CommandKind::kStartTimer:
      return timers_.at(command.seq).DescribeStart();
    case CommandKind::kCancelTimer:
      return timers_.at(command.seq).DescribeCancel();
    case CommandKind::kScheduleActivity:
      return activities_.at(command.seq).DescribeSchedule();
    case CommandKind::kRequestCancelActivity:
      return activities_.at(command.seq).DescribeCancel();
    case CommandKind::kStartChild:
      return children_.at(command.seq).DescribeStart();
    case CommandKind::kRequestCancelChild:
      return children_.at(command.seq).DescribeCancelRequest();
    case CommandKind::kClose:
      return close_->Describe();
  }
  return "an unknown command";
}

Json WorkflowRun::ApiCommand(const QueuedCommand& command) const {
  switch (command.kind) {
    case CommandKind::kStartTimer:
      return timers_.at(command.seq).StartCommand();
    case CommandKind::kCancelTimer:
      return timers_.at(command.seq).CancelCommand();
    case CommandKind::kScheduleActivity:
      return activities_.at(command.seq).ScheduleCommand();
    case CommandKind::kRequestCancelActivity:
      return activities_.at(command.seq).CancelCommand();
    case CommandKind::kStartChild:
      return children_.at(command.seq).StartCommand();
    case CommandKind::kRequestCancelChild:
      return children_.at(command.seq).CancelRequestCommand();
    case CommandKind::kClose:
      return close_->ApiCommand();
  }
  return Json::object();
}

EventType WorkflowRun::RecordedEventType(const QueuedCommand& command) const {
  switch (command.kind) {
    case CommandKind::kStartTimer:
      return EventType::kTimerStarted;
    case CommandKind::kCancelTimer:
      return EventType::kTimerCanceled;
    case CommandKind::kScheduleActivity:
      return EventType::kActivityTaskScheduled;
    case CommandKind::kRequestCancelActivity:
      return EventType::kActivityTaskCancelRequested;
    case CommandKind::kStartChild:
      return EventType::kStartChildWorkflowExecutionInitiated;
    case CommandKind::kRequestCancelChild:
      return EventType::kRequestCancelExternalWorkflowExecutionInitiated;
    case CommandKind::kClose:
      return close_->RecordedEventType();
  }
  return EventType::kUnspecified;
}

Status WorkflowRun::Record(const QueuedCommand& command, const HistoryEvent& event) {
  switch (command.kind) {
    case CommandKind::kStartTimer:
      return timers_.at(command.seq).OnStartRecorded(event);
    case CommandKind::kCancelTimer:
      return timers_.at(command.seq).OnCancelRecorded(event);
    case CommandKind::kScheduleActivity:
      DURABLE_RETURN_IF_ERROR(activities_.at(command.seq).OnScheduleRecorded(event));
      activity_by_scheduled_event_[event.event_id] = command.seq;
      return Status::Ok();
    case CommandKind::kRequestCancelActivity:
      return activities_.at(command.seq).OnCancelRecorded(event);
    case CommandKind::kStartChild:
      DURABLE_RETURN_IF_ERROR(children_.at(command.seq).OnStartRecorded(event));
      child_by_initiated_event_[event.event_id] = command.seq;
      return Status::Ok();
    case CommandKind::kRequestCancelChild:
      DURABLE_RETURN_IF_ERROR(children_.at(command.seq).OnCancelRequestRecorded(event));
      child_by_cancel_initiated_event_[event.event_id] = command.seq;
      return Status::Ok();
    case CommandKind::kClose:
      return close_->OnRecorded(event);
  }
  return Status::Ok();
}

RunStep WorkflowRun::IssueActivation(Jobs jobs, bool replaying) {
  outstanding_ = Outstanding::kWorkflow;
  RunStep step;
  step.activation = Json{{"runId", run_id_},
                         {"timestamp", FormatTime(task_time_)},
                         {"isReplaying", replaying},
                         {"historyLength", last_applied_event_id_},
                         {"jobs", std::move(jobs)}};
  return step;
}

RunStep WorkflowRun::IssueQueryActivation() {
  Jobs jobs;
  for (const QueryRequest& query : task_->queries) {
    Json job{{"queryId", query.id}, {"queryType", query.type}, {"arguments", query.arguments}};
    if (query.headers.has_value()) job["headers"] = *query.headers;
    jobs.push_back(Json{{"queryWorkflow", job}});
  }
  // Query handlers only read state, so they never run "in replay".
  RunStep step = IssueActivation(std::move(jobs), false);
  outstanding_ = Outstanding::kQuery;
  return step;
}

RunStep WorkflowRun::Respond(std::string method, Json request) const {
  RunStep step;
  step.respond = Json{{"method", std::move(method)}, {"request", std::move(request)}};
  return step;
}

RunStep WorkflowRun::FailNondeterministic(const Status& mismatch) {
  std::string message = "nondeterminism: " + mismatch.message();
  return FailTask(EvictionReason::kNondeterminism, message,
                  Json{{"message", message}, {"applicationFailureInfo", {{"type", "NondeterminismError"}}}});
}

RunStep WorkflowRun::FailTask(EvictionReason reason, const std::string& message, Json failure) {
  RunStep step;
  if (task_->is_legacy_query) {
    step = Respond("RespondQueryTaskCompleted", Json{{"taskToken", task_->task_token},
                                                     {"completedType", "QUERY_RESULT_TYPE_FAILED"},
                                                     {"errorMessage", message},
                                                     {"failure", std::move(failure)}});
  } else {
    std::string cause = reason == EvictionReason::kNondeterminism
                            ? "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR"
                            : "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE";
    step = Respond("RespondWorkflowTaskFailed", Json{{"taskToken", task_->task_token},
                                                     {"cause", cause},
                                                     {"failure", std::move(failure)},
                                                     {"identity", settings_.identity}});
  }
  step.evict = reason;
  step.evict_message = message;
  outstanding_ = Outstanding::kNone;
  task_.reset();
  return step;
}

}  // namespace durable::replay
