// One durable timer, from the StartTimer command to its end.
//
//   StartCommandCreated --TimerStarted--> StartCommandRecorded --TimerFired--> Fired
//   StartCommandCreated --cancel--> Canceled                 (the start command is withdrawn)
//   StartCommandRecorded --cancel--> CancelCommandCreated --TimerCanceled--> Canceled
//
// The timer's ID in history is its seq in decimal, as sdk-core names timers.
// Cancelling resolves nothing: the workflow code stops waiting on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "replay/machine_support.h"
#include "replay/workflow_commands.h"

namespace durable::replay {

class TimerMachine {
 public:
  enum class State { kStartCommandCreated, kStartCommandRecorded, kFired, kCancelCommandCreated, kCanceled };
  // What a cancel asks of the run's queue of unrecorded commands.
  enum class CancelEffect { kNothing, kWithdrawStartCommand, kIssueCancelCommand };

  explicit TimerMachine(const StartTimerCommand& command);

  State state() const { return state_; }
  uint32_t seq() const { return seq_; }
  const std::string& timer_id() const { return timer_id_; }

  std::string DescribeStart() const;   // "StartTimer (timerId 1)"
  std::string DescribeCancel() const;  // "CancelTimer (timerId 1)"
  Json StartCommand() const;
  Json CancelCommand() const;

  Status OnStartRecorded(const HistoryEvent& timer_started);
  Status OnFired(const HistoryEvent& timer_fired, Jobs& jobs);
  Status OnCancelRecorded(const HistoryEvent& timer_canceled);
  // Cancelling a timer that already fired or was canceled does nothing.
  CancelEffect Cancel();

  static std::string_view StateName(State state);

 private:
  Status NotAllowed(const HistoryEvent& event) const;

  uint32_t seq_;
  std::string timer_id_;
  std::string start_to_fire_timeout_;
  State state_ = State::kStartCommandCreated;
};

}  // namespace durable::replay
