// The test service's time RPCs: GetCurrentTime, SkipTime, SkipToNextTimer,
// SetAutoTimeSkipping. Skipping grows the durable clock offset.
#include "service/engine_impl.h"
#include "service/request.h"

namespace durable::service {

Status EngineImpl::GetCurrentTime(CallId id, const Json&) {
  Reply(id, {{"time", FormatTime(now_)}});
  return Status::Ok();
}

Status EngineImpl::SkipTime(CallId id, const Json& request) {
  Duration d{0};
  DURABLE_RETURN_IF_ERROR(GetDuration(request, "duration", d));
  if (d.count() <= 0) return InvalidArgument("duration must be a positive duration such as \"5d\"");
  SkipTo(now_ + d);
  ProcessDueRuns();
  Reply(id, {{"time", FormatTime(now_)}});
  return Status::Ok();
}

Status EngineImpl::SkipToNextTimer(CallId id, const Json&) {
  // The next user timer; with none, the next deadline of any kind (a task
  // timeout, an activity retry, a workflow timeout).
  std::optional<TimePoint> next;
  for (const auto& [run_id, run] : s_.runs) {
    for (const auto& [timer_id, t] : run.timers) {
      if (!next || t.fire_time < *next) next = t.fire_time;
    }
  }
  if (!next && !deadlines_.empty()) next = deadlines_.begin()->first;
  if (next) {
    SkipTo(*next);
    ProcessDueRuns();
  }
  Reply(id, {{"time", FormatTime(now_)}, {"skipped", next.has_value()}});
  return Status::Ok();
}

Status EngineImpl::SetAutoTimeSkipping(CallId id, const Json& request) {
  if (!request.contains("enabled") || !request["enabled"].is_boolean()) {
    return InvalidArgument("enabled must be true or false");
  }
  MutMeta().auto_skip = request["enabled"].get<bool>();
  Reply(id, Json::object());
  return Status::Ok();
}

}  // namespace durable::service
