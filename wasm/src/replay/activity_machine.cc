#include "replay/activity_machine.h"

#include <utility>

#include "replay/json_fields.h"

namespace durable::replay {

ActivityMachine::ActivityMachine(ScheduleActivityCommand command) : command_(std::move(command)) {}

std::string ActivityMachine::DescribeSchedule() const {
  std::string text = "ScheduleActivity (activityType " + command_.activity_type;
  if (command_.activity_id != std::to_string(command_.seq)) text += ", activityId " + command_.activity_id;
  return text + ", seq " + std::to_string(command_.seq) + ")";
}

std::string ActivityMachine::DescribeCancel() const {
  return "RequestCancelActivity (seq " + std::to_string(command_.seq) + ")";
}

Json ActivityMachine::ScheduleCommand() const {
  return Json{{"commandType", "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK"},
              {"scheduleActivityTaskCommandAttributes", command_.api_attributes}};
}

Json ActivityMachine::CancelCommand() const {
  return Json{
      {"commandType", "COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK"},
      {"requestCancelActivityTaskCommandAttributes", {{"scheduledEventId", Int64Text(scheduled_event_id_)}}}};
}

Status ActivityMachine::NotAllowed(const HistoryEvent& event) const {
  return EventNotAllowed(event, "activity seq " + std::to_string(command_.seq), StateName(state_));
}

bool ActivityMachine::Abandoned() const {
  return state_ == State::kCanceled && command_.cancellation_type == ActivityCancellationType::kAbandon;
}

Json ActivityMachine::FailureInfo(const Json& attributes, std::string_view retry_state) const {
  Json info{{"activityType", {{"name", command_.activity_type}}},
            {"activityId", command_.activity_id},
            {"scheduledEventId", Int64Text(scheduled_event_id_)},
            {"startedEventId", Int64Text(started_event_id_)},
            {"retryState", retry_state}};
  if (auto identity = OptionalString(attributes, "identity")) info["identity"] = *identity;
  return info;
}

void ActivityMachine::Resolve(Jobs& jobs, Json result) {
  resolved_ = true;
  jobs.push_back(Json{{"resolveActivity", {{"seq", command_.seq}, {"result", std::move(result)}}}});
}

Status ActivityMachine::OnScheduleRecorded(const HistoryEvent& scheduled) {
  if (state_ != State::kScheduleCommandCreated) return NotAllowed(scheduled);
  const Json* type = FindField(scheduled.attributes, "activityType");
  if (type == nullptr || OptionalString(*type, "name") != command_.activity_type ||
      OptionalString(scheduled.attributes, "activityId") != command_.activity_id) {
    return EventMismatch(scheduled, DescribeSchedule());
  }
  scheduled_event_id_ = scheduled.event_id;
  state_ = State::kScheduleRecorded;
  return Status::Ok();
}

Status ActivityMachine::OnCancelRecorded(const HistoryEvent& cancel_requested) {
  if (state_ != State::kCancelCommandCreated) return NotAllowed(cancel_requested);
  if (OptionalInt64(cancel_requested.attributes, "scheduledEventId") != scheduled_event_id_) {
    return EventMismatch(cancel_requested, DescribeCancel());
  }
  state_ = State::kCancelRecorded;
  return Status::Ok();
}

Status ActivityMachine::OnStarted(const HistoryEvent& started) {
  if (Abandoned()) return Status::Ok();
  if (state_ != State::kScheduleRecorded && state_ != State::kCancelRecorded) return NotAllowed(started);
  started_event_id_ = started.event_id;
  if (state_ == State::kScheduleRecorded) state_ = State::kStarted;
  return Status::Ok();
}

Status ActivityMachine::OnCompleted(const HistoryEvent& completed, Jobs& jobs) {
  if (Abandoned()) return Status::Ok();
  if (state_ != State::kStarted && state_ != State::kCancelRecorded) return NotAllowed(completed);
  state_ = State::kCompleted;
  if (!resolved_) {
    Json success = Json::object();
    if (auto payload = FirstPayload(completed.attributes, "result")) success["result"] = *payload;
    Resolve(jobs, Json{{"completed", success}});
  }
  return Status::Ok();
}

Status ActivityMachine::OnFailed(const HistoryEvent& failed, Jobs& jobs) {
  if (Abandoned()) return Status::Ok();
  if (state_ != State::kStarted && state_ != State::kCancelRecorded) return NotAllowed(failed);
  state_ = State::kFailed;
  if (!resolved_) {
    // sdk-core's shape: an ActivityFailure whose cause is the recorded failure.
    Json failure{
        {"message", "Activity task failed"},
        {"activityFailureInfo",
         FailureInfo(failed.attributes,
                     OptionalString(failed.attributes, "retryState").value_or("RETRY_STATE_UNSPECIFIED"))}};
    if (const Json* cause = FindField(failed.attributes, "failure")) failure["cause"] = *cause;
    Resolve(jobs, Json{{"failed", {{"failure", failure}}}});
  }
  return Status::Ok();
}

Status ActivityMachine::OnTimedOut(const HistoryEvent& timed_out, Jobs& jobs) {
  if (Abandoned()) return Status::Ok();
  if (state_ != State::kScheduleRecorded && state_ != State::kStarted && state_ != State::kCancelRecorded) {
    return NotAllowed(timed_out);
  }
  state_ = State::kTimedOut;
  if (!resolved_) {
    Json failure{
        {"message", "Activity task timed out"},
        {"activityFailureInfo", FailureInfo(Json::object(), OptionalString(timed_out.attributes, "retryState")
                                                                .value_or("RETRY_STATE_UNSPECIFIED"))}};
    if (const Json* cause = FindField(timed_out.attributes, "failure")) failure["cause"] = *cause;
    Resolve(jobs, Json{{"failed", {{"failure", failure}}}});
  }
  return Status::Ok();
}

Status ActivityMachine::OnCanceled(const HistoryEvent& canceled, Jobs& jobs) {
  if (Abandoned()) return Status::Ok();
  if (state_ != State::kCancelRecorded) return NotAllowed(canceled);
  state_ = State::kCanceled;
  if (!resolved_) {
    Json cause{{"canceledFailureInfo", Json::object()}};
    if (const Json* details = FindField(canceled.attributes, "details")) {
      cause["canceledFailureInfo"]["details"] = *details;
    }
    Resolve(jobs, Json{{"cancelled",
                        {{"failure",
                          {{"message", "Activity cancelled"},
                           {"cause", cause},
                           {"activityFailureInfo",
                            FailureInfo(canceled.attributes, "RETRY_STATE_CANCEL_REQUESTED")}}}}}});
  }
  return Status::Ok();
}

ActivityMachine::CancelEffect ActivityMachine::Cancel(Jobs& jobs) {
  auto resolve_cancelled = [&] {
    Resolve(
        jobs,
        Json{{"cancelled",
              {{"failure",
                {{"message", "Activity cancelled"},
                 {"cause", {{"canceledFailureInfo", Json::object()}}},
                 {"activityFailureInfo", FailureInfo(Json::object(), "RETRY_STATE_CANCEL_REQUESTED")}}}}}});
  };
  switch (state_) {
    case State::kScheduleCommandCreated:
      state_ = State::kCanceled;
      resolve_cancelled();
      return CancelEffect::kWithdrawScheduleCommand;
    case State::kScheduleRecorded:
    case State::kStarted:
      if (command_.cancellation_type == ActivityCancellationType::kAbandon) {
        state_ = State::kCanceled;
        resolve_cancelled();
        return CancelEffect::kNothing;
      }
      state_ = State::kCancelCommandCreated;
      if (command_.cancellation_type == ActivityCancellationType::kTryCancel) resolve_cancelled();
      return CancelEffect::kIssueCancelCommand;
    default:
      return CancelEffect::kNothing;
  }
}

std::string_view ActivityMachine::StateName(State state) {
  switch (state) {
    case State::kScheduleCommandCreated:
      return "ScheduleCommandCreated";
    case State::kScheduleRecorded:
      return "ScheduleRecorded";
    case State::kStarted:
      return "Started";
    case State::kCancelCommandCreated:
      return "CancelCommandCreated";
    case State::kCancelRecorded:
      return "CancelRecorded";
    case State::kCompleted:
      return "Completed";
    case State::kFailed:
      return "Failed";
    case State::kTimedOut:
      return "TimedOut";
    case State::kCanceled:
      return "Canceled";
  }
  return "Unknown";
}

}  // namespace durable::replay
