#include "replay/timer_machine.h"

#include "replay/json_fields.h"

namespace durable::replay {

TimerMachine::TimerMachine(const StartTimerCommand& command)
    : seq_(command.seq),
      timer_id_(std::to_string(command.seq)),
      start_to_fire_timeout_(command.start_to_fire_timeout) {}

std::string TimerMachine::DescribeStart() const { return "StartTimer (timerId " + timer_id_ + ")"; }

std::string TimerMachine::DescribeCancel() const { return "CancelTimer (timerId " + timer_id_ + ")"; }

Json TimerMachine::StartCommand() const {
  return Json{{"commandType", "COMMAND_TYPE_START_TIMER"},
              {"startTimerCommandAttributes",
               {{"timerId", timer_id_}, {"startToFireTimeout", start_to_fire_timeout_}}}};
}

Json TimerMachine::CancelCommand() const {
  return Json{{"commandType", "COMMAND_TYPE_CANCEL_TIMER"},
              {"cancelTimerCommandAttributes", {{"timerId", timer_id_}}}};
}

Status TimerMachine::NotAllowed(const HistoryEvent& event) const {
  return EventNotAllowed(event, "timer seq " + timer_id_, StateName(state_));
}

Status TimerMachine::OnStartRecorded(const HistoryEvent& timer_started) {
  if (state_ != State::kStartCommandCreated) return NotAllowed(timer_started);
  if (OptionalString(timer_started.attributes, "timerId") != timer_id_) {
    return EventMismatch(timer_started, DescribeStart());
  }
  state_ = State::kStartCommandRecorded;
  return Status::Ok();
}

Status TimerMachine::OnFired(const HistoryEvent& timer_fired, Jobs& jobs) {
  if (state_ != State::kStartCommandRecorded) return NotAllowed(timer_fired);
  state_ = State::kFired;
  jobs.push_back(Json{{"fireTimer", {{"seq", seq_}}}});
  return Status::Ok();
}

Status TimerMachine::OnCancelRecorded(const HistoryEvent& timer_canceled) {
  if (state_ != State::kCancelCommandCreated) return NotAllowed(timer_canceled);
  if (OptionalString(timer_canceled.attributes, "timerId") != timer_id_) {
    return EventMismatch(timer_canceled, DescribeCancel());
  }
  state_ = State::kCanceled;
  return Status::Ok();
}

TimerMachine::CancelEffect TimerMachine::Cancel() {
  switch (state_) {
    case State::kStartCommandCreated:
      state_ = State::kCanceled;
      return CancelEffect::kWithdrawStartCommand;
    case State::kStartCommandRecorded:
      state_ = State::kCancelCommandCreated;
      return CancelEffect::kIssueCancelCommand;
    case State::kFired:
    case State::kCancelCommandCreated:
    case State::kCanceled:
      return CancelEffect::kNothing;
  }
  return CancelEffect::kNothing;
}

std::string_view TimerMachine::StateName(State state) {
  switch (state) {
    case State::kStartCommandCreated:
      return "StartCommandCreated";
    case State::kStartCommandRecorded:
      return "StartCommandRecorded";
    case State::kFired:
      return "Fired";
    case State::kCancelCommandCreated:
      return "CancelCommandCreated";
    case State::kCanceled:
      return "Canceled";
  }
  return "Unknown";
}

}  // namespace durable::replay
