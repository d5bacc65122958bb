// The commands a workflow activation completion carries, parsed and checked.
//
// Parsing validates each command's shape and turns it into the Temporal API
// command it stands for (field names as temporal/api/command/v1), so the state
// machines only keep what they match history against: seq numbers, IDs, types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "durable/status.h"
#include "durable/types.h"

namespace durable::replay {

// What a command inherits from its workflow when it leaves a field out.
struct CommandDefaults {
  std::string task_queue;
  std::string workflow_type;
};

enum class ActivityCancellationType { kTryCancel, kWaitCancellationCompleted, kAbandon };
enum class ChildCancellationType {
  kAbandon,
  kTryCancel,
  kWaitCancellationCompleted,
  kWaitCancellationRequested
};

struct StartTimerCommand {
  uint32_t seq = 0;
  std::string start_to_fire_timeout;  // canonical, e.g. "2s"
};
struct CancelTimerCommand {
  uint32_t seq = 0;
};
struct ScheduleActivityCommand {
  uint32_t seq = 0;
  std::string activity_id;  // the given one, or the seq in decimal
  std::string activity_type;
  ActivityCancellationType cancellation_type = ActivityCancellationType::kTryCancel;
  Json api_attributes;  // scheduleActivityTaskCommandAttributes
};
struct RequestCancelActivityCommand {
  uint32_t seq = 0;
};
struct StartChildWorkflowCommand {
  uint32_t seq = 0;
  std::string namespace_name;
  std::string workflow_id;
  std::string workflow_type;
  ChildCancellationType cancellation_type = ChildCancellationType::kAbandon;
  Json api_attributes;  // startChildWorkflowExecutionCommandAttributes
};
struct CancelChildWorkflowCommand {
  uint32_t child_workflow_seq = 0;
  std::string reason;
};
// Complete, fail, cancel and continue-as-new: each ends the run.
enum class CloseKind { kComplete, kFail, kCancel, kContinueAsNew };
struct CloseWorkflowCommand {
  CloseKind kind = CloseKind::kComplete;
  std::string new_workflow_type;  // continue-as-new only
  Json api_command;               // the whole Temporal command
};
struct RespondToQueryCommand {
  std::string query_id;
  std::optional<Json> answer;  // the response payload when the query succeeded
  std::string error_message;   // when it failed
  std::optional<Json> failure;
};

using WorkflowCommand = std::variant<StartTimerCommand, CancelTimerCommand, ScheduleActivityCommand,
                                     RequestCancelActivityCommand, StartChildWorkflowCommand,
                                     CancelChildWorkflowCommand, CloseWorkflowCommand, RespondToQueryCommand>;

// One element of completion.successful.commands, e.g. {"startTimer":{"seq":1,...}}.
// `index` is its position, for error texts.
StatusOr<WorkflowCommand> ParseWorkflowCommand(const Json& command, size_t index,
                                               const CommandDefaults& defaults);

// "CompleteWorkflowExecution", "ContinueAsNewWorkflowExecution (workflowType x)".
std::string DescribeCloseCommand(const CloseWorkflowCommand& command);

}  // namespace durable::replay
