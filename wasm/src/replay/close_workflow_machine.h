// The command that ends a run: complete, fail, cancel or continue-as-new.
//
//   CommandCreated --WorkflowExecutionCompleted | Failed | Canceled | ContinuedAsNew--> CommandRecorded
//
// The recorded event must be the one for this command's kind; any other
// close event means the code now ends the run differently.
#pragma once

#include <string>
#include <string_view>

#include "replay/machine_support.h"
#include "replay/workflow_commands.h"

namespace durable::replay {

class CloseWorkflowMachine {
 public:
  enum class State { kCommandCreated, kCommandRecorded };

  explicit CloseWorkflowMachine(CloseWorkflowCommand command);

  State state() const { return state_; }
  CloseKind kind() const { return command_.kind; }
  // The event history records for this command.
  EventType RecordedEventType() const;

  std::string Describe() const { return DescribeCloseCommand(command_); }
  const Json& ApiCommand() const { return command_.api_command; }

  Status OnRecorded(const HistoryEvent& closed);

  static std::string_view StateName(State state);

 private:
  CloseWorkflowCommand command_;
  State state_ = State::kCommandCreated;
};

}  // namespace durable::replay
