#include "replay/close_workflow_machine.h"

#include <gtest/gtest.h>

#include "machine_test_support.h"

namespace durable::replay {
namespace {

using replay_test::Event;
using State = CloseWorkflowMachine::State;

CloseWorkflowMachine Machine(CloseKind kind) {
  return CloseWorkflowMachine(CloseWorkflowCommand{kind,
                                                   kind == CloseKind::kContinueAsNew ? "InvoiceWorkflow" : "",
                                                   Json{{"commandType", "COMMAND_TYPE_X"}}});
}

TEST(CloseWorkflowMachine, EachKindIsRecordedByItsOwnEvent) {
  for (auto [kind, event_type, name] :
       {std::tuple{CloseKind::kComplete, EventType::kWorkflowExecutionCompleted, "CompleteWorkflowExecution"},
        std::tuple{CloseKind::kFail, EventType::kWorkflowExecutionFailed, "FailWorkflowExecution"},
        std::tuple{CloseKind::kCancel, EventType::kWorkflowExecutionCanceled, "CancelWorkflowExecution"},
        std::tuple{CloseKind::kContinueAsNew, EventType::kWorkflowExecutionContinuedAsNew,
                   "ContinueAsNewWorkflowExecution (workflowType InvoiceWorkflow)"}}) {
    CloseWorkflowMachine machine = Machine(kind);
    EXPECT_EQ(machine.RecordedEventType(), event_type);
    EXPECT_EQ(machine.Describe(), name);
    EXPECT_EQ(machine.ApiCommand(), Json::parse(R"({"commandType":"COMMAND_TYPE_X"})"));
    EXPECT_EQ(machine.state(), State::kCommandCreated);
    ASSERT_TRUE(machine.OnRecorded(Event(9, event_type)).ok());
    EXPECT_EQ(machine.state(), State::kCommandRecorded);
  }
}

TEST(CloseWorkflowMachine, ADifferentCloseEventIsAMismatch) {
  CloseWorkflowMachine machine = Machine(CloseKind::kComplete);
  EXPECT_EQ(machine.OnRecorded(Event(9, EventType::kWorkflowExecutionFailed)).message(),
            "event 9 is WorkflowExecutionFailed but the workflow produced CompleteWorkflowExecution");
  EXPECT_EQ(machine.state(), State::kCommandCreated);
}

TEST(CloseWorkflowMachine, RecordingTwiceIsNotAllowed) {
  CloseWorkflowMachine machine = Machine(CloseKind::kFail);
  ASSERT_TRUE(machine.OnRecorded(Event(9, EventType::kWorkflowExecutionFailed)).ok());
  EXPECT_EQ(machine.OnRecorded(Event(10, EventType::kWorkflowExecutionFailed)).message(),
            "event 10 is WorkflowExecutionFailed but FailWorkflowExecution is CommandRecorded");
}

}  // namespace
}  // namespace durable::replay
