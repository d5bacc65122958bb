// Activity tasks: PollActivityTaskQueue, RespondActivityTaskCompleted,
// RespondActivityTaskFailed, RespondActivityTaskCanceled,
// RecordActivityTaskHeartbeat.
#include "service/engine_impl.h"
#include "service/request.h"

namespace durable::service {

StatusOr<std::pair<std::string, int64_t>> EngineImpl::ActivityOfToken(const std::string& token) const {
  // "at|<runId>|<scheduledEventId>|<attempt>"
  const Status not_found = NotFound("activity task not found: it was already completed, failed, timed out or canceled");
  if (token.rfind("at|", 0) != 0) return not_found;
  const size_t a = token.find('|', 3);
  const size_t b = a == std::string::npos ? a : token.find('|', a + 1);
  if (b == std::string::npos) return not_found;
  auto run = s_.runs.find(token.substr(3, a - 3));
  if (run == s_.runs.end() || !run->second.open()) return not_found;
  int64_t scheduled_id = 0;
  if (!GetInt(Json{{"id", token.substr(a + 1, b - a - 1)}}, "id", scheduled_id).ok()) return not_found;
  auto act = run->second.activities.find(scheduled_id);
  if (act == run->second.activities.end() || !act->second.started ||
      token.substr(b + 1) != std::to_string(act->second.attempt)) {
    return not_found;
  }
  return std::pair{run->first, scheduled_id};
}

Status EngineImpl::PollActivityTaskQueue(CallId id, const Json& request) {
  std::string queue, identity;
  DURABLE_RETURN_IF_ERROR(GetName(request, "taskQueue", queue, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  SeePoller(queue, true, identity);
  polls_[id] = Poll{true, queue, identity, now_ + options_.long_poll_timeout, ++arrivals_};
  return Status::Ok();  // answered by Dispatch(), now or when work arrives
}

Status EngineImpl::RespondActivityTaskCompleted(CallId id, const Json& request) {
  std::string token, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<Json> result = GetOptional(request, "result");
  if (!result.ok()) return result.status();
  auto target = ActivityOfToken(token);
  if (!target.ok()) return target.status();
  Run& run = Mut(target->first);
  Json a = {{"identity", identity}};
  if (!result->is_null()) a["result"] = *result;
  CloseActivity(run, run.activities.at(target->second), EventType::kActivityTaskCompleted, std::move(a));
  Reply(id, Json::object());
  return Status::Ok();
}

Status EngineImpl::RespondActivityTaskFailed(CallId id, const Json& request) {
  std::string token, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<Json> failure = GetOptional(request, "failure");
  if (!failure.ok()) return failure.status();
  StatusOr<Json> details = GetOptional(request, "lastHeartbeatDetails");
  if (!details.ok()) return details.status();
  auto target = ActivityOfToken(token);
  if (!target.ok()) return target.status();
  Run& run = Mut(target->first);
  Activity& act = run.activities.at(target->second);
  if (!details->is_null()) act.heartbeat_details = *details;
  FailActivityAttempt(run, act, failure->is_null() ? Json{{"message", ""}} : *failure, true,
                      EventType::kActivityTaskFailed, identity);
  Reply(id, Json::object());
  return Status::Ok();
}

Status EngineImpl::RespondActivityTaskCanceled(CallId id, const Json& request) {
  std::string token, identity;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  DURABLE_RETURN_IF_ERROR(GetString(request, "identity", identity));
  StatusOr<Json> details = GetOptional(request, "details");
  if (!details.ok()) return details.status();
  auto target = ActivityOfToken(token);
  if (!target.ok()) return target.status();
  Run& run = Mut(target->first);
  Activity& act = run.activities.at(target->second);
  Json a = {{"latestCancelRequestedEventId", IdString(act.cancel_requested_id)}, {"identity", identity}};
  if (!details->is_null()) a["details"] = *details;
  CloseActivity(run, act, EventType::kActivityTaskCanceled, std::move(a));
  Reply(id, Json::object());
  return Status::Ok();
}

Status EngineImpl::RecordActivityTaskHeartbeat(CallId id, const Json& request) {
  std::string token;
  DURABLE_RETURN_IF_ERROR(GetString(request, "taskToken", token, true));
  StatusOr<Json> details = GetOptional(request, "details");
  if (!details.ok()) return details.status();
  auto target = ActivityOfToken(token);
  if (!target.ok()) return target.status();
  Activity& act = Mut(target->first).activities.at(target->second);
  if (!details->is_null()) act.heartbeat_details = *details;
  act.last_heartbeat_time = now_;
  Reply(id, {{"cancelRequested", act.cancel_requested_id != 0}, {"activityPaused", false}});
  return Status::Ok();
}

}  // namespace durable::service
