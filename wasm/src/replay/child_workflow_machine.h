// One child workflow, from the StartChildWorkflowExecution command to its end.
//
//   StartCommandCreated --StartChildWorkflowExecutionInitiated--> StartRecorded
//   StartRecorded --ChildWorkflowExecutionStarted--> Started          (resolves the start: succeeded)
//   StartRecorded --StartChildWorkflowExecutionFailed--> StartFailed  (resolves the start: failed)
//   Started --ChildWorkflowExecutionCompleted | Failed | TimedOut | Terminated | Canceled--> that end
//   StartCommandCreated --cancel--> Canceled                          (command withdrawn, start cancelled)
//
// Cancelling a child that was initiated asks the server to cancel it with a
// RequestCancelExternalWorkflowExecution command (childWorkflowOnly), tracked
// here too: CancelRequest None -> CommandCreated -> Recorded -> Delivered | Failed.
// As in sdk-core the cancellation type decides when the workflow hears of it:
// ABANDON (no request) and TRY_CANCEL at once, WAIT_CANCELLATION_REQUESTED
// when the server confirms the request, WAIT_CANCELLATION_COMPLETED when the
// child ends. After that, the child's own end resolves nothing more.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "replay/machine_support.h"
#include "replay/workflow_commands.h"

namespace durable::replay {

class ChildWorkflowMachine {
 public:
  enum class State {
    kStartCommandCreated,
    kStartRecorded,
    kStarted,
    kStartFailed,
    kCompleted,
    kFailed,
    kTimedOut,
    kTerminated,
    kCanceled
  };
  enum class CancelRequest { kNone, kCommandCreated, kRecorded, kDelivered, kFailed };
  enum class CancelEffect { kNothing, kWithdrawStartCommand, kIssueCancelRequest };

  explicit ChildWorkflowMachine(StartChildWorkflowCommand command);

  State state() const { return state_; }
  CancelRequest cancel_request() const { return cancel_request_; }
  uint32_t seq() const { return command_.seq; }

  // "StartChildWorkflowExecution (workflowType Child, workflowId child-1, seq 1)"
  std::string DescribeStart() const;
  // "RequestCancelExternalWorkflowExecution (workflowId child-1)"
  std::string DescribeCancelRequest() const;
  Json StartCommand() const;
  Json CancelRequestCommand() const;

  Status OnStartRecorded(const HistoryEvent& initiated);
  Status OnCancelRequestRecorded(const HistoryEvent& cancel_initiated);
  Status OnStarted(const HistoryEvent& started, Jobs& jobs);
  Status OnStartFailed(const HistoryEvent& start_failed, Jobs& jobs);
  // ChildWorkflowExecutionCompleted, Failed, TimedOut, Terminated or Canceled.
  Status OnClosed(const HistoryEvent& closed, Jobs& jobs);
  // ExternalWorkflowExecutionCancelRequested or RequestCancelExternalWorkflowExecutionFailed.
  Status OnCancelRequestResolved(const HistoryEvent& outcome, Jobs& jobs);
  // Immediate resolutions go to `jobs`. Cancelling twice, or a child that ended, does nothing.
  CancelEffect Cancel(const std::string& reason, Jobs& jobs);

  static std::string_view StateName(State state);

 private:
  Status NotAllowed(const HistoryEvent& event) const;
  Json FailureInfo(std::string_view retry_state) const;
  Json CancelledFailure(std::string message) const;
  void ResolveResult(Jobs& jobs, Json result);

  StartChildWorkflowCommand command_;
  State state_ = State::kStartCommandCreated;
  CancelRequest cancel_request_ = CancelRequest::kNone;
  std::string cancel_reason_;
  std::string run_id_;
  int64_t initiated_event_id_ = 0;
  int64_t started_event_id_ = 0;
  bool result_resolved_ = false;  // the workflow has heard how the child ended
};

}  // namespace durable::replay
