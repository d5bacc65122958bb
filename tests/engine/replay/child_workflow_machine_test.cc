#include "replay/child_workflow_machine.h"

#include <gtest/gtest.h>

#include "machine_test_support.h"

namespace durable::replay {
namespace {

using replay_test::Event;
using State = ChildWorkflowMachine::State;
using Effect = ChildWorkflowMachine::CancelEffect;
using CancelRequest = ChildWorkflowMachine::CancelRequest;

ChildWorkflowMachine Child(ChildCancellationType cancellation = ChildCancellationType::kAbandon) {
  StartChildWorkflowCommand command;
  command.seq = 1;
  command.workflow_id = "child-1";
  command.workflow_type = "ShipOrder";
  command.cancellation_type = cancellation;
  command.api_attributes = Json{{"workflowId", "child-1"}, {"workflowType", {{"name", "ShipOrder"}}}};
  return ChildWorkflowMachine(std::move(command));
}

HistoryEvent Initiated(const std::string& workflow_id = "child-1", const std::string& type = "ShipOrder") {
  return Event(5, EventType::kStartChildWorkflowExecutionInitiated,
               {{"workflowId", workflow_id}, {"workflowType", {{"name", type}}}});
}

HistoryEvent Started() {
  return Event(6, EventType::kChildWorkflowExecutionStarted,
               {{"initiatedEventId", "5"},
                {"workflowExecution", {{"workflowId", "child-1"}, {"runId", "child-run"}}}});
}

HistoryEvent Closed(int64_t id, EventType type, Json extra = Json::object()) {
  extra["initiatedEventId"] = "5";
  extra["startedEventId"] = "6";
  return Event(id, type, std::move(extra));
}

// Drives a child to Started and returns the start job.
Json Start(ChildWorkflowMachine& child) {
  Jobs jobs;
  EXPECT_TRUE(child.OnStartRecorded(Initiated()).ok());
  EXPECT_EQ(child.state(), State::kStartRecorded);
  EXPECT_TRUE(child.OnStarted(Started(), jobs).ok());
  EXPECT_EQ(child.state(), State::kStarted);
  return jobs.empty() ? Json() : jobs[0];
}

TEST(ChildWorkflowMachine, StartsAndCompletes) {
  ChildWorkflowMachine child = Child();
  EXPECT_EQ(child.StartCommand().at("commandType"), "COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION");
  EXPECT_EQ(
      Start(child),
      Json::parse(R"({"resolveChildWorkflowExecutionStart":{"seq":1,"succeeded":{"runId":"child-run"}}})"));
  Jobs jobs;
  Json payload{{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "MQ=="}};
  ASSERT_TRUE(child
                  .OnClosed(Closed(9, EventType::kChildWorkflowExecutionCompleted,
                                   {{"result", {{"payloads", {payload}}}}}),
                            jobs)
                  .ok());
  EXPECT_EQ(child.state(), State::kCompleted);
  Json expected{
      {"resolveChildWorkflowExecution", {{"seq", 1}, {"result", {{"completed", {{"result", payload}}}}}}}};
  EXPECT_EQ(jobs, Jobs{expected});
}

TEST(ChildWorkflowMachine, StartFailureResolvesTheStart) {
  ChildWorkflowMachine child = Child();
  ASSERT_TRUE(child.OnStartRecorded(Initiated()).ok());
  Jobs jobs;
  ASSERT_TRUE(
      child
          .OnStartFailed(
              Event(6, EventType::kStartChildWorkflowExecutionFailed,
                    {{"initiatedEventId", "5"},
                     {"cause", "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS"}}),
              jobs)
          .ok());
  EXPECT_EQ(child.state(), State::kStartFailed);
  EXPECT_EQ(jobs, Jobs{Json::parse(R"({"resolveChildWorkflowExecutionStart":{"seq":1,"failed":{
      "workflowId":"child-1","workflowType":"ShipOrder",
      "cause":"START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS"}}})")});
}

TEST(ChildWorkflowMachine, FailureIsAChildWorkflowFailure) {
  ChildWorkflowMachine child = Child();
  Start(child);
  Jobs jobs;
  Json cause{{"message", "out of stock"}};
  ASSERT_TRUE(child
                  .OnClosed(Closed(9, EventType::kChildWorkflowExecutionFailed,
                                   {{"failure", cause}, {"retryState", "RETRY_STATE_RETRY_POLICY_NOT_SET"}}),
                            jobs)
                  .ok());
  EXPECT_EQ(child.state(), State::kFailed);
  Json info{{"workflowExecution", {{"workflowId", "child-1"}, {"runId", "child-run"}}},
            {"workflowType", {{"name", "ShipOrder"}}},
            {"initiatedEventId", "5"},
            {"startedEventId", "6"},
            {"retryState", "RETRY_STATE_RETRY_POLICY_NOT_SET"}};
  Json failure{{"message", "Child Workflow execution failed"},
               {"cause", cause},
               {"childWorkflowExecutionFailureInfo", info}};
  Json expected{
      {"resolveChildWorkflowExecution", {{"seq", 1}, {"result", {{"failed", {{"failure", failure}}}}}}}};
  EXPECT_EQ(jobs, Jobs{expected});
}

TEST(ChildWorkflowMachine, TimeoutAndTerminationResolveAsFailures) {
  for (auto [type, message, state] :
       {std::tuple{EventType::kChildWorkflowExecutionTimedOut, "Child Workflow execution timed out",
                   State::kTimedOut},
        std::tuple{EventType::kChildWorkflowExecutionTerminated, "Child Workflow execution terminated",
                   State::kTerminated}}) {
    ChildWorkflowMachine child = Child();
    Start(child);
    Jobs jobs;
    ASSERT_TRUE(child.OnClosed(Closed(9, type), jobs).ok());
    EXPECT_EQ(child.state(), state);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0]["resolveChildWorkflowExecution"]["result"]["failed"]["failure"]["message"], message);
  }
}

TEST(ChildWorkflowMachine, CancelBeforeInitiatedWithdrawsTheStart) {
  ChildWorkflowMachine child = Child();
  Jobs jobs;
  EXPECT_EQ(child.Cancel("no longer needed", jobs), Effect::kWithdrawStartCommand);
  EXPECT_EQ(child.state(), State::kCanceled);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["resolveChildWorkflowExecutionStart"]["cancelled"]["failure"]["message"],
            "Child Workflow Execution cancelled before scheduled: no longer needed");
  EXPECT_EQ(child.Cancel("again", jobs), Effect::kNothing);
}

TEST(ChildWorkflowMachine, WaitCancellationCompletedRequestsAndWaits) {
  ChildWorkflowMachine child = Child(ChildCancellationType::kWaitCancellationCompleted);
  Start(child);
  Jobs jobs;
  EXPECT_EQ(child.Cancel("stop", jobs), Effect::kIssueCancelRequest);
  EXPECT_TRUE(jobs.empty());
  EXPECT_EQ(child.CancelRequestCommand(),
            Json::parse(R"({"commandType":"COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION",
      "requestCancelExternalWorkflowExecutionCommandAttributes":{"workflowId":"child-1","runId":"child-run",
      "childWorkflowOnly":true,"reason":"stop"}})"));
  EXPECT_EQ(child.Cancel("twice", jobs), Effect::kNothing);
  ASSERT_TRUE(
      child
          .OnCancelRequestRecorded(Event(8, EventType::kRequestCancelExternalWorkflowExecutionInitiated,
                                         {{"workflowExecution", {{"workflowId", "child-1"}}}}))
          .ok());
  EXPECT_EQ(child.cancel_request(), CancelRequest::kRecorded);
  ASSERT_TRUE(
      child.OnCancelRequestResolved(Event(9, EventType::kExternalWorkflowExecutionCancelRequested), jobs)
          .ok());
  EXPECT_EQ(child.cancel_request(), CancelRequest::kDelivered);
  EXPECT_TRUE(jobs.empty());
  ASSERT_TRUE(child.OnClosed(Closed(10, EventType::kChildWorkflowExecutionCanceled), jobs).ok());
  EXPECT_EQ(child.state(), State::kCanceled);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["resolveChildWorkflowExecution"]["result"]["cancelled"]["failure"]["message"],
            "Child Workflow execution cancelled");
}

TEST(ChildWorkflowMachine, WaitCancellationRequestedResolvesOnDelivery) {
  ChildWorkflowMachine child = Child(ChildCancellationType::kWaitCancellationRequested);
  Start(child);
  Jobs jobs;
  EXPECT_EQ(child.Cancel("", jobs), Effect::kIssueCancelRequest);
  ASSERT_TRUE(
      child
          .OnCancelRequestRecorded(Event(8, EventType::kRequestCancelExternalWorkflowExecutionInitiated,
                                         {{"workflowExecution", {{"workflowId", "child-1"}}}}))
          .ok());
  ASSERT_TRUE(
      child.OnCancelRequestResolved(Event(9, EventType::kExternalWorkflowExecutionCancelRequested), jobs)
          .ok());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0]["resolveChildWorkflowExecution"]["result"].contains("cancelled"));
  ASSERT_TRUE(child.OnClosed(Closed(10, EventType::kChildWorkflowExecutionCanceled), jobs).ok());
  EXPECT_EQ(jobs.size(), 1u);
}

TEST(ChildWorkflowMachine, FailedCancelRequestLeavesTheChildToItsOwnEnd) {
  ChildWorkflowMachine child = Child(ChildCancellationType::kWaitCancellationRequested);
  Start(child);
  Jobs jobs;
  child.Cancel("", jobs);
  ASSERT_TRUE(
      child
          .OnCancelRequestRecorded(Event(8, EventType::kRequestCancelExternalWorkflowExecutionInitiated,
                                         {{"workflowExecution", {{"workflowId", "child-1"}}}}))
          .ok());
  ASSERT_TRUE(
      child.OnCancelRequestResolved(Event(9, EventType::kRequestCancelExternalWorkflowExecutionFailed), jobs)
          .ok());
  EXPECT_EQ(child.cancel_request(), CancelRequest::kFailed);
  EXPECT_TRUE(jobs.empty());
  ASSERT_TRUE(child.OnClosed(Closed(10, EventType::kChildWorkflowExecutionCompleted), jobs).ok());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0]["resolveChildWorkflowExecution"]["result"].contains("completed"));
}

TEST(ChildWorkflowMachine, TryCancelAndAbandonResolveAtOnce) {
  for (auto [type, effect] : {std::pair{ChildCancellationType::kTryCancel, Effect::kIssueCancelRequest},
                              std::pair{ChildCancellationType::kAbandon, Effect::kNothing}}) {
    ChildWorkflowMachine child = Child(type);
    Start(child);
    Jobs jobs;
    EXPECT_EQ(child.Cancel("", jobs), effect);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_TRUE(jobs[0]["resolveChildWorkflowExecution"]["result"].contains("cancelled"));
    // The child's own end is not reported a second time.
    ASSERT_TRUE(child.OnClosed(Closed(10, EventType::kChildWorkflowExecutionCompleted), jobs).ok());
    EXPECT_EQ(child.state(), State::kCompleted);
    EXPECT_EQ(jobs.size(), 1u);
  }
}

TEST(ChildWorkflowMachine, RecordedTypeAndIdMustMatch) {
  ChildWorkflowMachine child = Child();
  EXPECT_EQ(
      child.OnStartRecorded(Initiated("child-1", "Refund")).message(),
      "event 5 is StartChildWorkflowExecutionInitiated (workflowType Refund, workflowId child-1) but the "
      "workflow produced StartChildWorkflowExecution (workflowType ShipOrder, workflowId child-1, seq 1)");
  EXPECT_EQ(
      child.OnStartRecorded(Initiated("child-2")).message(),
      "event 5 is StartChildWorkflowExecutionInitiated (workflowType ShipOrder, workflowId child-2) but the "
      "workflow produced StartChildWorkflowExecution (workflowType ShipOrder, workflowId child-1, seq 1)");
  EXPECT_EQ(child.state(), State::kStartCommandCreated);
}

TEST(ChildWorkflowMachine, OutOfOrderEventsAreNotAllowed) {
  ChildWorkflowMachine child = Child();
  Jobs jobs;
  EXPECT_EQ(child.OnStarted(Started(), jobs).message(),
            "event 6 is ChildWorkflowExecutionStarted but child workflow seq 1 is StartCommandCreated");
  ASSERT_TRUE(child.OnStartRecorded(Initiated()).ok());
  EXPECT_EQ(child.OnClosed(Closed(9, EventType::kChildWorkflowExecutionCompleted), jobs).message(),
            "event 9 is ChildWorkflowExecutionCompleted but child workflow seq 1 is StartRecorded");
  EXPECT_FALSE(
      child.OnCancelRequestResolved(Event(9, EventType::kExternalWorkflowExecutionCancelRequested), jobs)
          .ok());
  EXPECT_TRUE(jobs.empty());
}

}  // namespace
}  // namespace durable::replay
