#include "replay/child_workflow_machine.h"

#include <utility>

#include "replay/json_fields.h"

namespace durable::replay {

ChildWorkflowMachine::ChildWorkflowMachine(StartChildWorkflowCommand command)
    : command_(std::move(command)) {}

std::string ChildWorkflowMachine::DescribeStart() const {
  return "StartChildWorkflowExecution (workflowType " + command_.workflow_type + ", workflowId " +
         command_.workflow_id + ", seq " + std::to_string(command_.seq) + ")";
}

std::string ChildWorkflowMachine::DescribeCancelRequest() const {
  return "RequestCancelExternalWorkflowExecution (workflowId " + command_.workflow_id + ")";
}

Json ChildWorkflowMachine::StartCommand() const {
  return Json{{"commandType", "COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION"},
              {"startChildWorkflowExecutionCommandAttributes", command_.api_attributes}};
}

Json ChildWorkflowMachine::CancelRequestCommand() const {
  Json attributes{{"workflowId", command_.workflow_id}, {"childWorkflowOnly", true}};
  if (!command_.namespace_name.empty()) attributes["namespace"] = command_.namespace_name;
  if (!run_id_.empty()) attributes["runId"] = run_id_;
  if (!cancel_reason_.empty()) attributes["reason"] = cancel_reason_;
  return Json{{"commandType", "COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION"},
              {"requestCancelExternalWorkflowExecutionCommandAttributes", attributes}};
}

Status ChildWorkflowMachine::NotAllowed(const HistoryEvent& event) const {
  return EventNotAllowed(event, "child workflow seq " + std::to_string(command_.seq), StateName(state_));
}

Json ChildWorkflowMachine::FailureInfo(std::string_view retry_state) const {
  Json info{{"workflowExecution", {{"workflowId", command_.workflow_id}, {"runId", run_id_}}},
            {"workflowType", {{"name", command_.workflow_type}}},
            {"initiatedEventId", Int64Text(initiated_event_id_)},
            {"startedEventId", Int64Text(started_event_id_)},
            {"retryState", retry_state}};
  if (!command_.namespace_name.empty()) info["namespace"] = command_.namespace_name;
  return info;
}

Json ChildWorkflowMachine::CancelledFailure(std::string message) const {
  return Json{{"message", std::move(message)},
              {"cause", {{"canceledFailureInfo", Json::object()}}},
              {"childWorkflowExecutionFailureInfo", FailureInfo("RETRY_STATE_NON_RETRYABLE_FAILURE")}};
}

void ChildWorkflowMachine::ResolveResult(Jobs& jobs, Json result) {
  result_resolved_ = true;
  jobs.push_back(
      Json{{"resolveChildWorkflowExecution", {{"seq", command_.seq}, {"result", std::move(result)}}}});
}

Status ChildWorkflowMachine::OnStartRecorded(const HistoryEvent& initiated) {
  if (state_ != State::kStartCommandCreated) return NotAllowed(initiated);
  const Json* type = FindField(initiated.attributes, "workflowType");
  if (type == nullptr || OptionalString(*type, "name") != command_.workflow_type ||
      OptionalString(initiated.attributes, "workflowId") != command_.workflow_id) {
    return EventMismatch(initiated, DescribeStart());
  }
  initiated_event_id_ = initiated.event_id;
  state_ = State::kStartRecorded;
  return Status::Ok();
}

Status ChildWorkflowMachine::OnCancelRequestRecorded(const HistoryEvent& cancel_initiated) {
  if (cancel_request_ != CancelRequest::kCommandCreated) return NotAllowed(cancel_initiated);
  const Json* execution = FindField(cancel_initiated.attributes, "workflowExecution");
  if (execution == nullptr || OptionalString(*execution, "workflowId") != command_.workflow_id) {
    return EventMismatch(cancel_initiated, DescribeCancelRequest());
  }
  cancel_request_ = CancelRequest::kRecorded;
  return Status::Ok();
}

Status ChildWorkflowMachine::OnStarted(const HistoryEvent& started, Jobs& jobs) {
  if (state_ != State::kStartRecorded) return NotAllowed(started);
  const Json* execution = FindField(started.attributes, "workflowExecution");
  run_id_ = execution == nullptr ? "" : OptionalString(*execution, "runId").value_or("");
  started_event_id_ = started.event_id;
  state_ = State::kStarted;
  jobs.push_back(Json{
      {"resolveChildWorkflowExecutionStart", {{"seq", command_.seq}, {"succeeded", {{"runId", run_id_}}}}}});
  return Status::Ok();
}

Status ChildWorkflowMachine::OnStartFailed(const HistoryEvent& start_failed, Jobs& jobs) {
  if (state_ != State::kStartRecorded) return NotAllowed(start_failed);
  state_ = State::kStartFailed;
  result_resolved_ = true;
  jobs.push_back(
      Json{{"resolveChildWorkflowExecutionStart",
            {{"seq", command_.seq},
             {"failed",
              {{"workflowId", command_.workflow_id},
               {"workflowType", command_.workflow_type},
               {"cause", OptionalString(start_failed.attributes, "cause")
                             .value_or("START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_UNSPECIFIED")}}}}}});
  return Status::Ok();
}

Status ChildWorkflowMachine::OnClosed(const HistoryEvent& closed, Jobs& jobs) {
  if (state_ != State::kStarted) return NotAllowed(closed);
  const Json& attributes = closed.attributes;
  std::string retry_state = OptionalString(attributes, "retryState").value_or("RETRY_STATE_UNSPECIFIED");
  Json result;
  switch (closed.event_type) {
    case EventType::kChildWorkflowExecutionCompleted: {
      state_ = State::kCompleted;
      Json success = Json::object();
      if (auto payload = FirstPayload(attributes, "result")) success["result"] = *payload;
      result = Json{{"completed", success}};
      break;
    }
    case EventType::kChildWorkflowExecutionFailed: {
      state_ = State::kFailed;
      Json failure{{"message", "Child Workflow execution failed"},
                   {"childWorkflowExecutionFailureInfo", FailureInfo(retry_state)}};
      if (const Json* cause = FindField(attributes, "failure")) failure["cause"] = *cause;
      result = Json{{"failed", {{"failure", failure}}}};
      break;
    }
    case EventType::kChildWorkflowExecutionTimedOut:
      state_ = State::kTimedOut;
      result = Json{{"failed",
                     {{"failure",
                       {{"message", "Child Workflow execution timed out"},
                        {"cause",
                         {{"message", "Timed out"},
                          {"timeoutFailureInfo", {{"timeoutType", "TIMEOUT_TYPE_START_TO_CLOSE"}}}}},
                        {"childWorkflowExecutionFailureInfo", FailureInfo(retry_state)}}}}}};
      break;
    case EventType::kChildWorkflowExecutionTerminated:
      state_ = State::kTerminated;
      result = Json{
          {"failed",
           {{"failure",
             {{"message", "Child Workflow execution terminated"},
              {"cause", {{"message", "Terminated"}, {"terminatedFailureInfo", Json::object()}}},
              {"childWorkflowExecutionFailureInfo", FailureInfo("RETRY_STATE_NON_RETRYABLE_FAILURE")}}}}}};
      break;
    case EventType::kChildWorkflowExecutionCanceled:
      state_ = State::kCanceled;
      result = Json{{"cancelled", {{"failure", CancelledFailure("Child Workflow execution cancelled")}}}};
      break;
    default:
      return NotAllowed(closed);
  }
  if (!result_resolved_) ResolveResult(jobs, std::move(result));
  return Status::Ok();
}

Status ChildWorkflowMachine::OnCancelRequestResolved(const HistoryEvent& outcome, Jobs& jobs) {
  if (cancel_request_ != CancelRequest::kRecorded) return NotAllowed(outcome);
  if (outcome.event_type == EventType::kRequestCancelExternalWorkflowExecutionFailed) {
    // The child had already closed; its own close event resolves the workflow's wait.
    cancel_request_ = CancelRequest::kFailed;
    return Status::Ok();
  }
  cancel_request_ = CancelRequest::kDelivered;
  if (command_.cancellation_type == ChildCancellationType::kWaitCancellationRequested && !result_resolved_) {
    ResolveResult(jobs,
                  Json{{"cancelled", {{"failure", CancelledFailure("Child Workflow execution cancelled")}}}});
  }
  return Status::Ok();
}

ChildWorkflowMachine::CancelEffect ChildWorkflowMachine::Cancel(const std::string& reason, Jobs& jobs) {
  if (state_ == State::kStartCommandCreated) {
    state_ = State::kCanceled;
    result_resolved_ = true;
    jobs.push_back(
        Json{{"resolveChildWorkflowExecutionStart",
              {{"seq", command_.seq},
               {"cancelled",
                {{"failure", CancelledFailure("Child Workflow Execution cancelled before scheduled" +
                                              (reason.empty() ? "" : ": " + reason))}}}}}});
    return CancelEffect::kWithdrawStartCommand;
  }
  bool running = state_ == State::kStartRecorded || state_ == State::kStarted;
  if (!running || cancel_request_ != CancelRequest::kNone || result_resolved_) return CancelEffect::kNothing;
  Json cancelled{{"cancelled", {{"failure", CancelledFailure("Child Workflow execution cancelled")}}}};
  if (command_.cancellation_type == ChildCancellationType::kAbandon) {
    ResolveResult(jobs, std::move(cancelled));
    return CancelEffect::kNothing;
  }
  cancel_request_ = CancelRequest::kCommandCreated;
  cancel_reason_ = reason;
  if (command_.cancellation_type == ChildCancellationType::kTryCancel)
    ResolveResult(jobs, std::move(cancelled));
  return CancelEffect::kIssueCancelRequest;
}

std::string_view ChildWorkflowMachine::StateName(State state) {
  switch (state) {
    case State::kStartCommandCreated:
      return "StartCommandCreated";
    case State::kStartRecorded:
      return "StartRecorded";
    case State::kStarted:
      return "Started";
    case State::kStartFailed:
      return "StartFailed";
    case State::kCompleted:
      return "Completed";
    case State::kFailed:
      return "Failed";
    case State::kTimedOut:
      return "TimedOut";
    case State::kTerminated:
      return "Terminated";
    case State::kCanceled:
      return "Canceled";
  }
  return "Unknown";
}

}  // namespace durable::replay
