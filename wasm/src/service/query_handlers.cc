// Queries: QueryWorkflow, RespondQueryTaskCompleted. Queries are not state:
// they live only in memory and are never written to history.
#include <cstdio>

#include "service/engine_impl.h"
#include "service/request.h"

namespace durable::service {

Status EngineImpl::QueryWorkflow(CallId id, const Json& request) {
  StatusOr<const Json*> execution = GetObject(request, "execution", true);
  if (!execution.ok()) return execution.status();
  StatusOr<const Json*> query = GetObject(request, "query", true);
  if (!query.ok()) return query.status();
  std::string query_type;
  DURABLE_RETURN_IF_ERROR(GetString(**query, "queryType", query_type, true));
  StatusOr<std::string> run_id = ResolveRun(**execution);
  if (!run_id.ok()) return run_id.status();
  // Zero-padded so the map's order is arrival order.
  char query_id[32];
  std::snprintf(query_id, sizeof query_id, "query-%012lld", static_cast<long long>(++query_ids_));
  queries_[query_id] = PendingQuery{id, *run_id, **query, now_ + options_.query_timeout, PendingQuery::State::kWaiting};
  return Status::Ok();  // answered when a worker answers, or at its deadline
}

Status EngineImpl::RespondQueryTaskCompleted(CallId id, const Json& request) {
  std::string token, completed_type, error_message;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "completedType", completed_type));
  DURABLE_RETURN_IF_ERROR(GetString(request, "errorMessage", error_message));
  StatusOr<Json> result = GetOptional(request, "queryResult");
  if (!result.ok()) return result.status();
  auto q = token.rfind("qt|", 0) == 0 ? queries_.find(token.substr(3)) : queries_.end();
  if (q == queries_.end() || q->second.state != PendingQuery::State::kLegacy) {
    return NotFound("query task not found: the query timed out or its caller went away");
  }
  if (completed_type == "QUERY_RESULT_TYPE_ANSWERED") {
    Reply(q->second.call, {{"queryResult", result->is_null() ? Json::object() : *result}});
  } else {
    ReplyError(q->second.call, InvalidArgument(error_message.empty() ? "query failed" : error_message));
  }
  queries_.erase(q);
  Reply(id, Json::object());
  return Status::Ok();
}

}  // namespace durable::service
