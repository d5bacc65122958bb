#include "replay/workflow_commands.h"

#include <array>
#include <utility>

#include "replay/json_fields.h"

namespace durable::replay {
namespace {

// Reads an enum given by name or by proto number; `names` lists the values in
// proto number order, so a name's index is its number.
template <class E, size_t N>
StatusOr<E> EnumField(const Json& object, std::string_view key, std::string_view context,
                      const std::array<std::pair<std::string_view, E>, N>& names, E absent) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return absent;
  if (field->is_string()) {
    for (const auto& [name, value] : names) {
      if (field->get_ref<const std::string&>() == name) return value;
    }
  } else if (field->is_number_integer() && field->get<int64_t>() >= 0 &&
             field->get<int64_t>() < static_cast<int64_t>(N)) {
    return names[static_cast<size_t>(field->get<int64_t>())].second;
  }
  std::string allowed;
  for (const auto& [name, value] : names) {
    if (!allowed.empty()) allowed += ", ";
    allowed += name;
  }
  return InvalidArgument(std::string(context) + "." + std::string(key) + " must be one of " + allowed);
}

constexpr std::array<std::pair<std::string_view, ActivityCancellationType>, 3> kActivityCancellationTypes = {{
    {"TRY_CANCEL", ActivityCancellationType::kTryCancel},
    {"WAIT_CANCELLATION_COMPLETED", ActivityCancellationType::kWaitCancellationCompleted},
    {"ABANDON", ActivityCancellationType::kAbandon},
}};

constexpr std::array<std::pair<std::string_view, ChildCancellationType>, 4> kChildCancellationTypes = {{
    {"ABANDON", ChildCancellationType::kAbandon},
    {"TRY_CANCEL", ChildCancellationType::kTryCancel},
    {"WAIT_CANCELLATION_COMPLETED", ChildCancellationType::kWaitCancellationCompleted},
    {"WAIT_CANCELLATION_REQUESTED", ChildCancellationType::kWaitCancellationRequested},
}};

// Copies optional fields that pass through unchanged, checking their JSON type.
Status CopyOptionalObject(const Json& from, std::string_view key, std::string_view context, Json& to,
                          std::string_view to_key) {
  StatusOr<std::optional<Json>> value = OptionalObject(from, key, context);
  if (!value.ok()) return value.status();
  if (value->has_value()) to[std::string(to_key)] = **value;
  return Status::Ok();
}

Status CopyOptionalDuration(const Json& from, std::string_view key, std::string_view context, Json& to) {
  StatusOr<std::optional<std::string>> value = OptionalDuration(from, key, context);
  if (!value.ok()) return value.status();
  if (value->has_value()) to[std::string(key)] = **value;
  return Status::Ok();
}

Status CopyOptionalString(const Json& from, std::string_view key, std::string_view context, Json& to) {
  StatusOr<std::string> value = StringOrEmpty(from, key, context);
  if (!value.ok()) return value.status();
  if (!value->empty()) to[std::string(key)] = *value;
  return Status::Ok();
}

// Lang sends map<string, Payload> for headers and memos; Temporal wraps them
// as {"fields":{...}}.
Status CopyPayloadMap(const Json& from, std::string_view key, std::string_view context, Json& to,
                      std::string_view to_key) {
  StatusOr<std::optional<Json>> value = OptionalObject(from, key, context);
  if (!value.ok()) return value.status();
  if (value->has_value()) to[std::string(to_key)] = Json{{"fields", **value}};
  return Status::Ok();
}

Status CopyPayloadList(const Json& from, std::string_view key, std::string_view context, Json& to,
                       std::string_view to_key) {
  StatusOr<Json> list = PayloadList(from, key, context);
  if (!list.ok()) return list.status();
  if (!list->empty()) to[std::string(to_key)] = ToPayloads(*list);
  return Status::Ok();
}

StatusOr<std::string> NonEmptyString(const Json& object, std::string_view key, std::string_view context) {
  StatusOr<std::string> value = RequiredString(object, key, context);
  if (value.ok() && value->empty()) {
    return InvalidArgument(std::string(context) + "." + std::string(key) + " must not be empty");
  }
  return value;
}

StatusOr<WorkflowCommand> ParseStartTimer(const Json& body, std::string_view context) {
  StartTimerCommand command;
  StatusOr<uint32_t> seq = RequiredSeq(body, "seq", context);
  if (!seq.ok()) return seq.status();
  command.seq = *seq;
  StatusOr<std::optional<std::string>> timeout = OptionalDuration(body, "startToFireTimeout", context);
  if (!timeout.ok()) return timeout.status();
  if (!timeout->has_value()) return InvalidArgument(std::string(context) + ".startToFireTimeout is required");
  command.start_to_fire_timeout = **timeout;
  return WorkflowCommand(command);
}

StatusOr<WorkflowCommand> ParseScheduleActivity(const Json& body, std::string_view context,
                                                const CommandDefaults& defaults) {
  ScheduleActivityCommand command;
  StatusOr<uint32_t> seq = RequiredSeq(body, "seq", context);
  if (!seq.ok()) return seq.status();
  command.seq = *seq;
  StatusOr<std::string> activity_type = NonEmptyString(body, "activityType", context);
  if (!activity_type.ok()) return activity_type.status();
  command.activity_type = *activity_type;
  StatusOr<std::string> activity_id = StringOrEmpty(body, "activityId", context);
  if (!activity_id.ok()) return activity_id.status();
  // sdk-core's rule: an activity without an explicit ID is known by its seq.
  command.activity_id = activity_id->empty() ? std::to_string(command.seq) : *activity_id;
  StatusOr<std::string> task_queue = StringOrEmpty(body, "taskQueue", context);
  if (!task_queue.ok()) return task_queue.status();
  StatusOr<ActivityCancellationType> cancellation = EnumField(
      body, "cancellationType", context, kActivityCancellationTypes, ActivityCancellationType::kTryCancel);
  if (!cancellation.ok()) return cancellation.status();
  command.cancellation_type = *cancellation;

  Json& api = command.api_attributes;
  api = Json{{"activityId", command.activity_id},
             {"activityType", {{"name", command.activity_type}}},
             {"taskQueue", {{"name", task_queue->empty() ? defaults.task_queue : *task_queue}}}};
  DURABLE_RETURN_IF_ERROR(CopyPayloadMap(body, "headers", context, api, "header"));
  DURABLE_RETURN_IF_ERROR(CopyPayloadList(body, "arguments", context, api, "input"));
  for (std::string_view timeout :
       {"scheduleToCloseTimeout", "scheduleToStartTimeout", "startToCloseTimeout", "heartbeatTimeout"}) {
    DURABLE_RETURN_IF_ERROR(CopyOptionalDuration(body, timeout, context, api));
  }
  DURABLE_RETURN_IF_ERROR(CopyOptionalObject(body, "retryPolicy", context, api, "retryPolicy"));
  DURABLE_RETURN_IF_ERROR(CopyOptionalObject(body, "priority", context, api, "priority"));
  return WorkflowCommand(std::move(command));
}

StatusOr<WorkflowCommand> ParseStartChild(const Json& body, std::string_view context,
                                          const CommandDefaults& defaults) {
  StartChildWorkflowCommand command;
  StatusOr<uint32_t> seq = RequiredSeq(body, "seq", context);
  if (!seq.ok()) return seq.status();
  command.seq = *seq;
  StatusOr<std::string> workflow_id = NonEmptyString(body, "workflowId", context);
  if (!workflow_id.ok()) return workflow_id.status();
  command.workflow_id = *workflow_id;
  StatusOr<std::string> workflow_type = NonEmptyString(body, "workflowType", context);
  if (!workflow_type.ok()) return workflow_type.status();
  command.workflow_type = *workflow_type;
  StatusOr<std::string> namespace_name = StringOrEmpty(body, "namespace", context);
  if (!namespace_name.ok()) return namespace_name.status();
  command.namespace_name = *namespace_name;
  StatusOr<std::string> task_queue = StringOrEmpty(body, "taskQueue", context);
  if (!task_queue.ok()) return task_queue.status();
  StatusOr<ChildCancellationType> cancellation =
      EnumField(body, "cancellationType", context, kChildCancellationTypes, ChildCancellationType::kAbandon);
  if (!cancellation.ok()) return cancellation.status();
  command.cancellation_type = *cancellation;

  Json& api = command.api_attributes;
  api = Json{{"workflowId", command.workflow_id},
             {"workflowType", {{"name", command.workflow_type}}},
             {"taskQueue", {{"name", task_queue->empty() ? defaults.task_queue : *task_queue}}}};
  if (!command.namespace_name.empty()) api["namespace"] = command.namespace_name;
  DURABLE_RETURN_IF_ERROR(CopyPayloadList(body, "input", context, api, "input"));
  for (std::string_view timeout : {"workflowExecutionTimeout", "workflowRunTimeout", "workflowTaskTimeout"}) {
    DURABLE_RETURN_IF_ERROR(CopyOptionalDuration(body, timeout, context, api));
  }
  for (std::string_view text : {"parentClosePolicy", "workflowIdReusePolicy", "cronSchedule"}) {
    DURABLE_RETURN_IF_ERROR(CopyOptionalString(body, text, context, api));
  }
  DURABLE_RETURN_IF_ERROR(CopyOptionalObject(body, "retryPolicy", context, api, "retryPolicy"));
  DURABLE_RETURN_IF_ERROR(CopyPayloadMap(body, "headers", context, api, "header"));
  DURABLE_RETURN_IF_ERROR(CopyPayloadMap(body, "memo", context, api, "memo"));
  DURABLE_RETURN_IF_ERROR(CopyOptionalObject(body, "searchAttributes", context, api, "searchAttributes"));
  DURABLE_RETURN_IF_ERROR(CopyOptionalObject(body, "priority", context, api, "priority"));
  return WorkflowCommand(std::move(command));
}

StatusOr<WorkflowCommand> ParseComplete(const Json& body, std::string_view context) {
  StatusOr<std::optional<Json>> result = OptionalObject(body, "result", context);
  if (!result.ok()) return result.status();
  Json attributes = Json::object();
  if (result->has_value()) attributes["result"] = ToPayloads(Json::array({**result}));
  return WorkflowCommand(
      CloseWorkflowCommand{CloseKind::kComplete, "",
                           Json{{"commandType", "COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"},
                                {"completeWorkflowExecutionCommandAttributes", attributes}}});
}

StatusOr<WorkflowCommand> ParseFail(const Json& body, std::string_view context) {
  StatusOr<std::optional<Json>> failure = OptionalObject(body, "failure", context);
  if (!failure.ok()) return failure.status();
  if (!failure->has_value()) return InvalidArgument(std::string(context) + ".failure is required");
  return WorkflowCommand(
      CloseWorkflowCommand{CloseKind::kFail, "",
                           Json{{"commandType", "COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION"},
                                {"failWorkflowExecutionCommandAttributes", {{"failure", **failure}}}}});
}

StatusOr<WorkflowCommand> ParseContinueAsNew(const Json& body, std::string_view context,
                                             const CommandDefaults& defaults) {
  StatusOr<std::string> workflow_type = StringOrEmpty(body, "workflowType", context);
  if (!workflow_type.ok()) return workflow_type.status();
  StatusOr<std::string> task_queue = StringOrEmpty(body, "taskQueue", context);
  if (!task_queue.ok()) return task_queue.status();
  std::string new_type = workflow_type->empty() ? defaults.workflow_type : *workflow_type;
  Json attributes{{"workflowType", {{"name", new_type}}},
                  {"taskQueue", {{"name", task_queue->empty() ? defaults.task_queue : *task_queue}}}};
  DURABLE_RETURN_IF_ERROR(CopyPayloadList(body, "arguments", context, attributes, "input"));
  for (std::string_view timeout : {"workflowRunTimeout", "workflowTaskTimeout"}) {
    DURABLE_RETURN_IF_ERROR(CopyOptionalDuration(body, timeout, context, attributes));
  }
  DURABLE_RETURN_IF_ERROR(CopyPayloadMap(body, "memo", context, attributes, "memo"));
  DURABLE_RETURN_IF_ERROR(CopyPayloadMap(body, "headers", context, attributes, "header"));
  DURABLE_RETURN_IF_ERROR(
      CopyOptionalObject(body, "searchAttributes", context, attributes, "searchAttributes"));
  DURABLE_RETURN_IF_ERROR(CopyOptionalObject(body, "retryPolicy", context, attributes, "retryPolicy"));
  return WorkflowCommand(
      CloseWorkflowCommand{CloseKind::kContinueAsNew, new_type,
                           Json{{"commandType", "COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION"},
                                {"continueAsNewWorkflowExecutionCommandAttributes", attributes}}});
}

StatusOr<WorkflowCommand> ParseRespondToQuery(const Json& body, std::string_view context) {
  RespondToQueryCommand command;
  StatusOr<std::string> query_id = RequiredString(body, "queryId", context);
  if (!query_id.ok()) return query_id.status();
  command.query_id = *query_id;
  StatusOr<std::optional<Json>> succeeded = OptionalObject(body, "succeeded", context);
  if (!succeeded.ok()) return succeeded.status();
  StatusOr<std::optional<Json>> failed = OptionalObject(body, "failed", context);
  if (!failed.ok()) return failed.status();
  if (succeeded->has_value() == failed->has_value()) {
    return InvalidArgument(std::string(context) + " must hold exactly one of succeeded and failed");
  }
  if (succeeded->has_value()) {
    StatusOr<std::optional<Json>> response =
        OptionalObject(**succeeded, "response", std::string(context) + ".succeeded");
    if (!response.ok()) return response.status();
    command.answer = response->has_value() ? **response : Json::object();
  } else {
    StatusOr<std::string> message = StringOrEmpty(**failed, "message", std::string(context) + ".failed");
    if (!message.ok()) return message.status();
    command.error_message = *message;
    command.failure = **failed;
  }
  return WorkflowCommand(std::move(command));
}

}  // namespace

StatusOr<WorkflowCommand> ParseWorkflowCommand(const Json& command, size_t index,
                                               const CommandDefaults& defaults) {
  std::string position = "commands[" + std::to_string(index) + "]";
  if (!command.is_object() || command.size() != 1) {
    return InvalidArgument(position +
                           " must be an object holding exactly one command, e.g. {\"startTimer\":{...}}");
  }
  const std::string& kind = command.begin().key();
  const Json& body = command.begin().value();
  std::string context = position + "." + kind;
  if (!body.is_object()) return InvalidArgument(context + " must be an object");

  if (kind == "startTimer") return ParseStartTimer(body, context);
  if (kind == "cancelTimer") {
    StatusOr<uint32_t> seq = RequiredSeq(body, "seq", context);
    if (!seq.ok()) return seq.status();
    return WorkflowCommand(CancelTimerCommand{*seq});
  }
  if (kind == "scheduleActivity") return ParseScheduleActivity(body, context, defaults);
  if (kind == "requestCancelActivity") {
    StatusOr<uint32_t> seq = RequiredSeq(body, "seq", context);
    if (!seq.ok()) return seq.status();
    return WorkflowCommand(RequestCancelActivityCommand{*seq});
  }
  if (kind == "startChildWorkflowExecution") return ParseStartChild(body, context, defaults);
  if (kind == "cancelChildWorkflowExecution") {
    StatusOr<uint32_t> seq = RequiredSeq(body, "childWorkflowSeq", context);
    if (!seq.ok()) return seq.status();
    StatusOr<std::string> reason = StringOrEmpty(body, "reason", context);
    if (!reason.ok()) return reason.status();
    return WorkflowCommand(CancelChildWorkflowCommand{*seq, *reason});
  }
  if (kind == "completeWorkflowExecution") return ParseComplete(body, context);
  if (kind == "failWorkflowExecution") return ParseFail(body, context);
  if (kind == "cancelWorkflowExecution") {
    return WorkflowCommand(
        CloseWorkflowCommand{CloseKind::kCancel, "",
                             Json{{"commandType", "COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION"},
                                  {"cancelWorkflowExecutionCommandAttributes", Json::object()}}});
  }
  if (kind == "continueAsNewWorkflowExecution") return ParseContinueAsNew(body, context, defaults);
  if (kind == "respondToQuery") return ParseRespondToQuery(body, context);
  return InvalidArgument(position + " has unknown command kind \"" + kind +
                         "\"; expected startTimer, cancelTimer, scheduleActivity, requestCancelActivity, "
                         "startChildWorkflowExecution, cancelChildWorkflowExecution, "
                         "completeWorkflowExecution, failWorkflowExecution, cancelWorkflowExecution, "
                         "continueAsNewWorkflowExecution or respondToQuery");
}

std::string DescribeCloseCommand(const CloseWorkflowCommand& command) {
  switch (command.kind) {
    case CloseKind::kComplete:
      return "CompleteWorkflowExecution";
    case CloseKind::kFail:
      return "FailWorkflowExecution";
    case CloseKind::kCancel:
      return "CancelWorkflowExecution";
    case CloseKind::kContinueAsNew:
      return "ContinueAsNewWorkflowExecution (workflowType " + command.new_workflow_type + ")";
  }
  return "CloseWorkflowExecution";
}

}  // namespace durable::replay
