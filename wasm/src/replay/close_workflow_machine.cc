#include "replay/close_workflow_machine.h"

#include <utility>

namespace durable::replay {

CloseWorkflowMachine::CloseWorkflowMachine(CloseWorkflowCommand command) : command_(std::move(command)) {}

EventType CloseWorkflowMachine::RecordedEventType() const {
  switch (command_.kind) {
    case CloseKind::kComplete:
      return EventType::kWorkflowExecutionCompleted;
    case CloseKind::kFail:
      return EventType::kWorkflowExecutionFailed;
    case CloseKind::kCancel:
      return EventType::kWorkflowExecutionCanceled;
    case CloseKind::kContinueAsNew:
      return EventType::kWorkflowExecutionContinuedAsNew;
  }
  return EventType::kUnspecified;
}

Status CloseWorkflowMachine::OnRecorded(const HistoryEvent& closed) {
  if (state_ != State::kCommandCreated) return EventNotAllowed(closed, Describe(), StateName(state_));
  if (closed.event_type != RecordedEventType()) return EventMismatch(closed, Describe());
  state_ = State::kCommandRecorded;
  return Status::Ok();
}

std::string_view CloseWorkflowMachine::StateName(State state) {
  switch (state) {
    case State::kCommandCreated:
      return "CommandCreated";
    case State::kCommandRecorded:
      return "CommandRecorded";
  }
  return "Unknown";
}

}  // namespace durable::replay
