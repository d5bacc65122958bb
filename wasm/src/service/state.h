// Durable state of the service: one Run per workflow execution, plus the
// engine-wide Meta record. Everything here is persisted (see persistence.h);
// every index the engine keeps besides is derived from it on restore.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "durable/history.h"
#include "durable/status.h"
#include "durable/types.h"

namespace durable::service {

enum class RunStatus { kRunning, kCompleted, kFailed, kCanceled, kTerminated, kContinuedAsNew, kTimedOut };

// "WORKFLOW_EXECUTION_STATUS_RUNNING" and the visibility spelling "Running".
std::string_view RunStatusName(RunStatus status);
std::string_view RunStatusShortName(RunStatus status);

struct WorkflowTask {
  enum class State { kNone, kScheduled, kStarted };
  State state = State::kNone;
  // Attempts after the first are transient: their scheduled and started events
  // are written only when the attempt completes, with these IDs.
  int32_t attempt = 1;
  int64_t scheduled_id = 0;
  int64_t started_id = 0;
  bool sticky = false;  // dispatched on the run's sticky queue
  TimePoint scheduled_time{};
  TimePoint ready_time{};  // not dispatched before (retry backoff)
  TimePoint started_time{};
  std::string identity;
  int64_t seq = 0;  // FIFO position in its task queue
  bool transient() const { return attempt > 1; }
};

struct Timer {
  std::string timer_id;
  int64_t started_id = 0;
  TimePoint fire_time{};
};

struct Activity {
  int64_t scheduled_id = 0;
  std::string activity_id;
  std::string activity_type;
  std::string task_queue;
  Json input;   // payloads or null
  Json header;  // or null
  Duration schedule_to_close{0}, schedule_to_start{0}, start_to_close{0}, heartbeat{0};  // 0: none
  Json retry_policy;  // normalized, as written in ActivityTaskScheduled
  TimePoint scheduled_time{};          // the ActivityTaskScheduled event
  TimePoint attempt_scheduled_time{};  // the current attempt; in the future while backing off
  TimePoint started_time{};            // of the current attempt when started
  int32_t attempt = 1;
  bool started = false;
  std::string identity;  // worker of the current (or last) attempt
  Json last_failure;     // null if none
  Json heartbeat_details;
  TimePoint last_heartbeat_time{};  // epoch: none
  int64_t cancel_requested_id = 0;  // 0: not requested
  int64_t seq = 0;
};

struct Child {
  int64_t initiated_id = 0;
  int64_t started_id = 0;
  std::string workflow_id;
  std::string run_id;
  std::string workflow_type;
  std::string parent_close_policy;  // PARENT_CLOSE_POLICY_*
};

struct Run {
  std::string workflow_id, run_id, first_run_id;
  std::string workflow_type, task_queue;
  Json parent;  // {"workflowId","runId","initiatedEventId"} or null
  RunStatus status = RunStatus::kRunning;
  TimePoint start_time{}, close_time{};
  Duration workflow_task_timeout{0}, run_timeout{0}, execution_timeout{0};  // 0: none
  TimePoint run_expiration{}, execution_expiration{};                      // epoch: none
  std::string request_id;  // of the start request, to dedupe retries
  int64_t start_seq = 0;   // creation order, for listing newest first
  int64_t next_event_id = 1;
  int64_t previous_started_id = 0;  // started event of the last completed workflow task
  WorkflowTask wft;
  std::string sticky_queue;
  Duration sticky_timeout{0};
  std::vector<HistoryEvent> buffered;  // arrived while a workflow task was started
  bool cancel_requested = false;
  std::map<std::string, Timer> timers;
  std::map<int64_t, Activity> activities;
  std::map<int64_t, Child> children;

  bool open() const { return status == RunStatus::kRunning; }
};

struct Meta {
  uint64_t seed = 0;
  uint64_t id_counter = 0;  // run IDs and other generated identifiers
  int64_t seq = 0;          // task queue order and run creation order
  int64_t task_id = 0;      // taskId of history events
  Duration clock_offset{0};
  bool auto_skip = false;
};

Json RunToJson(const Run& run);
StatusOr<Run> RunFromJson(const Json& json);
Json MetaToJson(const Meta& meta);
StatusOr<Meta> MetaFromJson(const Json& json);

}  // namespace durable::service
