// The worker's replay core, in the manner of Temporal's sdk-core.
//
// It sits between the workflow code (the Python runtime) and the server. The
// host passes in workflow tasks from PollWorkflowTaskQueue; the core turns
// their history into activations for the workflow code, matches the commands
// the code answers with against what history recorded (one state machine per
// command kind), and hands back the RPC request that ends the task. It does no
// I/O. Field names are sdk-core's protos and Temporal's API in proto3 JSON
// (camelCase; int64 as decimal strings; durations "2s"; times RFC 3339).
//
// ## The loop
//
//   result = HandleWorkflowTask(pollResponse)
//   while result has "activation":   run the workflow code on its jobs
//       result = CompleteActivation({runId, successful:{commands:[...]}})
//   send result.respond.request with the RPC named by result.respond.method
//
// Every result is {"evictions":[...], "activation":{...}} or
// {"evictions":[...], "respond":{"method":...,"request":{...}}}. Apply the
// evictions first: each names a run whose workflow instance must be dropped.
//
// ## Poll response (input of HandleWorkflowTask)
//
//   {"taskToken":"dG9rZW4=", "workflowExecution":{"workflowId":"invoice-1","runId":"r1"},
//    "workflowType":{"name":"InvoiceWorkflow"}, "previousStartedEventId":"3",
//    "startedEventId":"8", "attempt":1, "history":{"events":[...Temporal history JSON...]},
//    "queries":{"q1":{"queryType":"status","queryArgs":{"payloads":[]}}}}
//
// A legacy query task carries "query":{"queryType":..., "queryArgs":{...}}
// instead and is answered with RespondQueryTaskCompleted. The history is the
// full one (first event 1) or, for a sticky task, the events after
// previousStartedEventId; a partial history for a run that is not cached
// fails with FAILED_PRECONDITION ("... fetch its full history"): fetch it with
// GetWorkflowExecutionHistory, put it in the poll response and call again.
// Events after startedEventId are ignored.
//
// ## Activation (output)
//
//   {"runId":"r1", "timestamp":"2024-06-30T00:00:05Z", "isReplaying":true,
//    "historyLength":8, "jobs":[{"fireTimer":{"seq":1}}, ...]}
//
// timestamp is the eventTime of the workflow task's WorkflowTaskStarted (the
// workflow's "now"); historyLength is the last event applied. There is one
// activation per completed workflow task in history (a task that failed or
// timed out rolls into the next), plus one whenever the code's own commands
// resolve something at once (cancelling an activity or child), plus one of
// queryWorkflow jobs alone after the task's work when it has queries.
// Jobs come in sdk-core's order: initializeWorkflow, then signals, then the
// rest in history order; queries always alone, with isReplaying false (query
// handlers only read state). Job kinds:
//
//   {"initializeWorkflow":{"workflowType":"InvoiceWorkflow","workflowId":"invoice-1",
//       "arguments":[<payload>], "randomnessSeed":"1234567890123", "attempt":1,
//       "startTime":"...", "identity":"client", "headers":{...}, "firstExecutionRunId":"r1",
//       "continuedFromExecutionRunId":"r0", "parentWorkflowInfo":{"namespace","workflowId","runId"},
//       "workflowExecutionTimeout":"60s", "workflowRunTimeout":"60s", "workflowTaskTimeout":"10s",
//       "cronSchedule":"", "retryPolicy":{...}, "memo":{...}, "searchAttributes":{...}, ...}}
//       (optional fields appear when the start event has them)
//   {"fireTimer":{"seq":1}}
//   {"resolveActivity":{"seq":2,"result":{"completed":{"result":<payload>}}}}
//       or "result":{"failed":{"failure":<ActivityFailure: message "Activity task failed" or
//       "Activity task timed out", cause = the recorded failure, activityFailureInfo>}}
//       or "result":{"cancelled":{"failure":<ActivityFailure with a canceledFailureInfo cause>}}
//   {"signalWorkflow":{"signalName":"ApproveInvoice","input":[<payload>],"identity":"ui","headers":{...}}}
//   {"cancelWorkflow":{"reason":"..."}}
//   {"resolveChildWorkflowExecutionStart":{"seq":3,"succeeded":{"runId":"c1"}}}
//       or "failed":{"workflowId","workflowType","cause":"START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_..."}
//       or "cancelled":{"failure":{...}}
//   {"resolveChildWorkflowExecution":{"seq":3,"result":{"completed":{"result":<payload>}}}}
//       or "result":{"failed":{"failure":<ChildWorkflowFailure>}} | {"cancelled":{"failure":{...}}}
//   {"queryWorkflow":{"queryId":"q1","queryType":"status","arguments":[<payload>],"headers":{...}}}
//       (a legacy query task's queryId is "legacy_query")
//
// ## Completion (input of CompleteActivation)
//
//   {"runId":"r1","successful":{"commands":[<command>, ...]}}
//   {"runId":"r1","failed":{"failure":{"message":"boom","stackTrace":"...", ...}}}
//
// A failed completion fails the workflow task (WORKFLOW_WORKER_UNHANDLED_FAILURE)
// and evicts the run. Commands, one kind per object; seq is the code's own
// counter per kind, unique within the run:
//
//   {"startTimer":{"seq":1,"startToFireTimeout":"2s"}}
//   {"cancelTimer":{"seq":1}}
//   {"scheduleActivity":{"seq":1,"activityType":"payment_gateway","arguments":[<payload>],
//       "activityId":"pay-1", "taskQueue":"invoice-task-queue", "headers":{...},
//       "scheduleToCloseTimeout":"60s","scheduleToStartTimeout":"10s","startToCloseTimeout":"5s",
//       "heartbeatTimeout":"2s","retryPolicy":{"initialInterval":"1s","maximumAttempts":3},
//       "cancellationType":"TRY_CANCEL" | "WAIT_CANCELLATION_COMPLETED" | "ABANDON"}}
//       (activityId defaults to the seq in decimal, taskQueue to the workflow's,
//        cancellationType to TRY_CANCEL)
//   {"requestCancelActivity":{"seq":1}}
//   {"startChildWorkflowExecution":{"seq":1,"workflowId":"child-1","workflowType":"Child",
//       "input":[<payload>], "taskQueue":"...", "namespace":"...", "parentClosePolicy":
//       "PARENT_CLOSE_POLICY_TERMINATE", "workflowIdReusePolicy":"...", "workflowExecutionTimeout":"60s",
//       "workflowRunTimeout":"60s", "workflowTaskTimeout":"10s", "retryPolicy":{...},
//       "cronSchedule":"", "headers":{...}, "memo":{...}, "searchAttributes":{...},
//       "cancellationType":"ABANDON" | "TRY_CANCEL" | "WAIT_CANCELLATION_COMPLETED" |
//       "WAIT_CANCELLATION_REQUESTED"}}      (cancellationType defaults to ABANDON, as in sdk-core)
//   {"cancelChildWorkflowExecution":{"childWorkflowSeq":1,"reason":"..."}}
//   {"completeWorkflowExecution":{"result":<payload>}}
//   {"failWorkflowExecution":{"failure":{"message":"...", ...}}}
//   {"cancelWorkflowExecution":{}}
//   {"continueAsNewWorkflowExecution":{"workflowType":"...","taskQueue":"...","arguments":[<payload>],
//       "workflowRunTimeout":"...","workflowTaskTimeout":"...","memo":{...},"headers":{...},
//       "searchAttributes":{...},"retryPolicy":{...}}}   (type and queue default to the workflow's)
//   {"respondToQuery":{"queryId":"q1","succeeded":{"response":<payload>}}}
//   {"respondToQuery":{"queryId":"q1","failed":{"message":"no such query"}}}
//
// A command that closes the workflow must be the last one. An activation of
// queryWorkflow jobs takes only respondToQuery commands, one per query; other
// activations take none. A payload is Temporal's {"metadata":{...},"data":"..."}.
//
// ## Respond (output after the task's last activation)
//
//   {"method":"RespondWorkflowTaskCompleted","request":{"taskToken":..., "identity":...,
//       "commands":[{"commandType":"COMMAND_TYPE_START_TIMER",
//                    "startTimerCommandAttributes":{"timerId":"1","startToFireTimeout":"2s"}}, ...],
//       "queryResults":{"q1":{"resultType":"QUERY_RESULT_TYPE_ANSWERED","answer":{"payloads":[...]}}},
//       "stickyAttributes":{"workerTaskQueue":{"name":...,"kind":"TASK_QUEUE_KIND_STICKY"},
//                           "scheduleToStartTimeout":"5s"}}}
//   {"method":"RespondWorkflowTaskFailed","request":{"taskToken":...,
//       "cause":"WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR",
//       "failure":{"message":"nondeterminism: event 5 is TimerStarted (timerId 1) but the workflow
//                  produced ScheduleActivity (activityType payment_gateway, seq 1)", ...},
//       "identity":...}}
//   {"method":"RespondQueryTaskCompleted","request":{"taskToken":...,
//       "completedType":"QUERY_RESULT_TYPE_ANSWERED","queryResult":{"payloads":[...]}}}
//       (or "completedType":"QUERY_RESULT_TYPE_FAILED" with "errorMessage" and "failure")
//
// Only commands history has not recorded are sent. Timer IDs are the seq in
// decimal; activity IDs the given activityId or the seq in decimal.
// Nondeterminism is reported when a command event in history (e.g.
// TimerStarted) meets a command of another kind, a command of the same kind
// whose key attributes differ (timerId, activityType/activityId, child
// workflowType/workflowId), no command at all, or when the code produced a
// command history does not record.
//
// ## Evictions
//
//   "evictions":[{"runId":"r0","jobs":[{"removeFromCache":{"reason":"CACHE_FULL","message":"..."}}]}]
//
// Each is an activation holding only removeFromCache (reasons as sdk-core:
// CACHE_FULL, CACHE_MISS, NONDETERMINISM, LANG_FAIL, WORKFLOW_EXECUTION_ENDING).
// Unlike sdk-core's, it needs no completion: the core has already forgotten
// the run. A run is evicted when the cache is full (least recently used first),
// when its cached state no longer fits its history (it is rebuilt by full
// replay), on nondeterminism, on a failed activation, once it has closed, and
// by Evict().
//
// ## Errors
//
// Bad input returns INVALID_ARGUMENT, NOT_FOUND (unknown run),
// FAILED_PRECONDITION (no outstanding activation, task already handled, history
// needed) or RESOURCE_EXHAUSTED (every cached run is busy) and changes nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "durable/status.h"
#include "durable/types.h"

namespace durable {

struct WorkerCoreOptions {
  std::string identity = "durable-lab-worker";
  // The workflow task queue the worker polls; named as the sticky queue's normal queue.
  std::string task_queue;
  // Empty: no sticky execution. Otherwise every RespondWorkflowTaskCompleted
  // asks the server to send the run's next tasks to this queue.
  std::string sticky_task_queue;
  Duration sticky_schedule_to_start_timeout = std::chrono::seconds(5);
  // At least 1.
  size_t max_cached_runs = 100;
};

class WorkerCore {
 public:
  static StatusOr<std::unique_ptr<WorkerCore>> Create(const WorkerCoreOptions& options);
  ~WorkerCore();
  WorkerCore(const WorkerCore&) = delete;
  WorkerCore& operator=(const WorkerCore&) = delete;

  // A PollWorkflowTaskQueue response (workflow task or legacy query task).
  StatusOr<Json> HandleWorkflowTask(const Json& poll_response);
  // The workflow code's answer to the run's outstanding activation.
  StatusOr<Json> CompleteActivation(const Json& completion);
  // Drops a cached run (the language side asked for it); NOT_FOUND if it is
  // not cached. A task it was working on is abandoned and times out on the server.
  Status Evict(std::string_view run_id);
  size_t CachedRunCount() const;

 private:
  class Impl;
  explicit WorkerCore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable
