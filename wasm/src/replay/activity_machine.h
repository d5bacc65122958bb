// One activity, from the ScheduleActivity command to its resolution.
//
//   ScheduleCommandCreated --ActivityTaskScheduled--> ScheduleRecorded --ActivityTaskStarted--> Started
//   Started --ActivityTaskCompleted | Failed | TimedOut--> Completed | Failed | TimedOut
//   ScheduleRecorded --ActivityTaskTimedOut--> TimedOut            (schedule-to-start or -close)
//   ScheduleCommandCreated --cancel--> Canceled                    (command withdrawn, resolved cancelled)
//   ScheduleRecorded | Started --cancel--> CancelCommandCreated --ActivityTaskCancelRequested-->
//       CancelRecorded --ActivityTaskCanceled | Completed | Failed | TimedOut--> that end state
//   ScheduleRecorded | Started --cancel (ABANDON)--> Canceled      (no command; later events ignored)
//
// The cancellation type decides when the workflow hears of a cancel, as in
// sdk-core: TRY_CANCEL and ABANDON resolve it at once (an immediate job),
// WAIT_CANCELLATION_COMPLETED when history records how the activity ended.
// The activity's ID in history is the given activityId or its seq in decimal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "replay/machine_support.h"
#include "replay/workflow_commands.h"

namespace durable::replay {

class ActivityMachine {
 public:
  enum class State {
    kScheduleCommandCreated,
    kScheduleRecorded,
    kStarted,
    kCancelCommandCreated,
    kCancelRecorded,
    kCompleted,
    kFailed,
    kTimedOut,
    kCanceled
  };
  enum class CancelEffect { kNothing, kWithdrawScheduleCommand, kIssueCancelCommand };

  explicit ActivityMachine(ScheduleActivityCommand command);

  State state() const { return state_; }
  uint32_t seq() const { return command_.seq; }
  int64_t scheduled_event_id() const { return scheduled_event_id_; }

  // "ScheduleActivity (activityType payment_gateway, seq 1)"; a custom activityId is named too.
  std::string DescribeSchedule() const;
  std::string DescribeCancel() const;  // "RequestCancelActivity (seq 1)"
  Json ScheduleCommand() const;
  Json CancelCommand() const;

  Status OnScheduleRecorded(const HistoryEvent& scheduled);
  Status OnCancelRecorded(const HistoryEvent& cancel_requested);
  Status OnStarted(const HistoryEvent& started);
  Status OnCompleted(const HistoryEvent& completed, Jobs& jobs);
  Status OnFailed(const HistoryEvent& failed, Jobs& jobs);
  Status OnTimedOut(const HistoryEvent& timed_out, Jobs& jobs);
  Status OnCanceled(const HistoryEvent& canceled, Jobs& jobs);
  // Immediate resolutions go to `jobs`. Cancelling a resolved activity does nothing.
  CancelEffect Cancel(Jobs& jobs);

  static std::string_view StateName(State state);

 private:
  Status NotAllowed(const HistoryEvent& event) const;
  // An abandoned activity may still run and end; nobody waits for it, so its
  // later events are accepted and ignored.
  bool Abandoned() const;
  Json FailureInfo(const Json& attributes, std::string_view retry_state) const;
  void Resolve(Jobs& jobs, Json result);

  ScheduleActivityCommand command_;
  State state_ = State::kScheduleCommandCreated;
  int64_t scheduled_event_id_ = 0;
  int64_t started_event_id_ = 0;
  bool resolved_ = false;  // the workflow has heard how the activity ended
};

}  // namespace durable::replay
