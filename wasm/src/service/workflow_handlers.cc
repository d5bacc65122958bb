// StartWorkflowExecution, SignalWithStartWorkflowExecution,
// SignalWorkflowExecution, TerminateWorkflowExecution,
// RequestCancelWorkflowExecution.
#include <algorithm>
#include <array>

#include "service/engine_impl.h"
#include "service/request.h"

namespace durable::service {
namespace {

constexpr std::array<std::string_view, 6> kReusePolicies = {
    "", "WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED", "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
    "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY", "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
    "WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING"};
constexpr std::array<std::string_view, 5> kConflictPolicies = {
    "", "WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED", "WORKFLOW_ID_CONFLICT_POLICY_FAIL",
    "WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING", "WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING"};

template <size_t N>
Status GetEnum(const Json& request, const char* key, const std::array<std::string_view, N>& allowed, std::string& out) {
  DURABLE_RETURN_IF_ERROR(GetString(request, key, out));
  if (std::find(allowed.begin(), allowed.end(), out) == allowed.end()) {
    return InvalidArgument(std::string(key) + " \"" + out + "\" is not a known value");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<StartSpec> EngineImpl::ParseStartRequest(const Json& request) {
  StartSpec spec;
  DURABLE_RETURN_IF_ERROR(GetString(request, "workflowId", spec.workflow_id, true));
  DURABLE_RETURN_IF_ERROR(GetName(request, "workflowType", spec.workflow_type, true));
  DURABLE_RETURN_IF_ERROR(GetName(request, "taskQueue", spec.task_queue, true));
  DURABLE_RETURN_IF_ERROR(GetDuration(request, "workflowExecutionTimeout", spec.execution_timeout));
  DURABLE_RETURN_IF_ERROR(GetDuration(request, "workflowRunTimeout", spec.run_timeout));
  DURABLE_RETURN_IF_ERROR(GetDuration(request, "workflowTaskTimeout", spec.task_timeout));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", spec.identity));
  DURABLE_RETURN_IF_ERROR(GetString(request, "requestId", spec.request_id));
  for (auto [key, field] : {std::pair{"input", &spec.input}, {"header", &spec.header}, {"memo", &spec.memo}}) {
    StatusOr<Json> value = GetOptional(request, key);
    if (!value.ok()) return value.status();
    *field = std::move(*value);
  }
  return spec;
}

Status EngineImpl::StartOrReuse(const Json& request, const StartSpec& spec, std::string& run_id, bool& started) {
  std::string reuse, conflict;
  DURABLE_RETURN_IF_ERROR(GetEnum(request, "workflowIdReusePolicy", kReusePolicies, reuse));
  DURABLE_RETURN_IF_ERROR(GetEnum(request, "workflowIdConflictPolicy", kConflictPolicies, conflict));
  if (auto cur = s_.current.find(spec.workflow_id); cur != s_.current.end()) {
    const Run& run = s_.runs.at(cur->second);
    // A retried start (same requestId) gets the run the first one started.
    if (!spec.request_id.empty() && run.request_id == spec.request_id) {
      run_id = run.run_id;
      started = true;
      return Status::Ok();
    }
    if (run.open() && conflict == "WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING") {
      run_id = run.run_id;
      started = false;
      return Status::Ok();
    }
  }
  StatusOr<std::string> replace = CheckStartAllowed(spec.workflow_id, reuse, conflict);
  if (!replace.ok()) return replace.status();
  if (!replace->empty()) TerminateRun(Mut(*replace), "terminated by a new start of the same workflow ID", spec.identity, Json());
  run_id = StartRun(spec);
  started = true;
  return Status::Ok();
}

Status EngineImpl::StartWorkflowExecution(CallId id, const Json& request) {
  StatusOr<StartSpec> spec = ParseStartRequest(request);
  if (!spec.ok()) return spec.status();
  std::string run_id;
  bool started = false;
  DURABLE_RETURN_IF_ERROR(StartOrReuse(request, *spec, run_id, started));
  Reply(id, {{"runId", run_id}, {"started", started}});
  return Status::Ok();
}

Status EngineImpl::SignalWithStartWorkflowExecution(CallId id, const Json& request) {
  StatusOr<StartSpec> spec = ParseStartRequest(request);
  if (!spec.ok()) return spec.status();
  std::string signal_name;
  DURABLE_RETURN_IF_ERROR(GetString(request, "signalName", signal_name, true));
  StatusOr<Json> signal_input = GetOptional(request, "signalInput");
  if (!signal_input.ok()) return signal_input.status();
  StatusOr<Json> header = GetOptional(request, "header");
  if (!header.ok()) return header.status();

  std::string run_id;
  bool started = false;
  auto cur = s_.current.find(spec->workflow_id);
  if (cur != s_.current.end() && s_.runs.at(cur->second).open()) {
    run_id = cur->second;  // signal-with-start signals a running workflow
  } else {
    spec->defer_first_task = true;
    DURABLE_RETURN_IF_ERROR(StartOrReuse(request, *spec, run_id, started));
  }
  Json a = {{"signalName", signal_name}, {"identity", spec->identity}};
  if (!signal_input->is_null()) a["input"] = *signal_input;
  if (!header->is_null()) a["header"] = *header;
  AddExternalEvent(Mut(run_id), EventType::kWorkflowExecutionSignaled, std::move(a));
  Reply(id, {{"runId", run_id}, {"started", started}});
  return Status::Ok();
}

Status EngineImpl::SignalWorkflowExecution(CallId id, const Json& request) {
  StatusOr<const Json*> execution = GetObject(request, "workflowExecution", true);
  if (!execution.ok()) return execution.status();
  std::string signal_name, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "signalName", signal_name, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<Json> input = GetOptional(request, "input");
  if (!input.ok()) return input.status();
  StatusOr<Json> header = GetOptional(request, "header");
  if (!header.ok()) return header.status();
  StatusOr<std::string> run_id = ResolveOpenRun(**execution);
  if (!run_id.ok()) return run_id.status();
  Json a = {{"signalName", signal_name}, {"identity", identity}};
  if (!input->is_null()) a["input"] = *input;
  if (!header->is_null()) a["header"] = *header;
  AddExternalEvent(Mut(*run_id), EventType::kWorkflowExecutionSignaled, std::move(a));
  Reply(id, Json::object());
  return Status::Ok();
}

Status EngineImpl::TerminateWorkflowExecution(CallId id, const Json& request) {
  StatusOr<const Json*> execution = GetObject(request, "workflowExecution", true);
  if (!execution.ok()) return execution.status();
  std::string reason, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "reason", reason));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<Json> details = GetOptional(request, "details");
  if (!details.ok()) return details.status();
  StatusOr<std::string> run_id = ResolveOpenRun(**execution);
  if (!run_id.ok()) return run_id.status();
  TerminateRun(Mut(*run_id), reason, identity, *details);
  Reply(id, Json::object());
  return Status::Ok();
}

Status EngineImpl::RequestCancelWorkflowExecution(CallId id, const Json& request) {
  StatusOr<const Json*> execution = GetObject(request, "workflowExecution", true);
  if (!execution.ok()) return execution.status();
  std::string reason, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "reason", reason));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<std::string> run_id = ResolveOpenRun(**execution);
  if (!run_id.ok()) return run_id.status();
  RequestCancelRun(Mut(*run_id), reason, identity);
  Reply(id, Json::object());
  return Status::Ok();
}

}  // namespace durable::service
