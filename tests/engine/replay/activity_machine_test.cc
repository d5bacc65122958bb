#include "replay/activity_machine.h"

#include <gtest/gtest.h>

#include "machine_test_support.h"

namespace durable::replay {
namespace {

using replay_test::Event;
using State = ActivityMachine::State;
using Effect = ActivityMachine::CancelEffect;

ActivityMachine Activity(ActivityCancellationType cancellation = ActivityCancellationType::kTryCancel,
                         std::string activity_id = "1") {
  ScheduleActivityCommand command;
  command.seq = 1;
  command.activity_id = std::move(activity_id);
  command.activity_type = "payment_gateway";
  command.cancellation_type = cancellation;
  command.api_attributes =
      Json{{"activityId", command.activity_id}, {"activityType", {{"name", "payment_gateway"}}}};
  return ActivityMachine(std::move(command));
}

HistoryEvent Scheduled(int64_t id = 5, const std::string& type = "payment_gateway",
                       const std::string& activity_id = "1") {
  return Event(id, EventType::kActivityTaskScheduled,
               {{"activityId", activity_id}, {"activityType", {{"name", type}}}});
}

HistoryEvent For(int64_t id, EventType type, Json extra = Json::object()) {
  extra["scheduledEventId"] = "5";
  return Event(id, type, std::move(extra));
}

Json ActivityInfo(const std::string& started, const std::string& retry_state) {
  return Json{{"activityType", {{"name", "payment_gateway"}}},
              {"activityId", "1"},
              {"scheduledEventId", "5"},
              {"startedEventId", started},
              {"retryState", retry_state}};
}

TEST(ActivityMachine, SchedulesStartsAndCompletes) {
  ActivityMachine activity = Activity();
  EXPECT_EQ(activity.ScheduleCommand().at("commandType"), "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK");
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  EXPECT_EQ(activity.state(), State::kScheduleRecorded);
  EXPECT_EQ(activity.scheduled_event_id(), 5);
  ASSERT_TRUE(activity.OnStarted(For(6, EventType::kActivityTaskStarted)).ok());
  EXPECT_EQ(activity.state(), State::kStarted);
  Jobs jobs;
  Json payload{{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "dHJ1ZQ=="}};
  ASSERT_TRUE(
      activity
          .OnCompleted(For(7, EventType::kActivityTaskCompleted, {{"result", {{"payloads", {payload}}}}}),
                       jobs)
          .ok());
  EXPECT_EQ(activity.state(), State::kCompleted);
  Json expected{{"resolveActivity", {{"seq", 1}, {"result", {{"completed", {{"result", payload}}}}}}}};
  EXPECT_EQ(jobs, Jobs{expected});
}

TEST(ActivityMachine, FailureIsAnActivityFailureCausedByTheRecordedOne) {
  ActivityMachine activity = Activity();
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  ASSERT_TRUE(activity.OnStarted(For(6, EventType::kActivityTaskStarted)).ok());
  Jobs jobs;
  Json cause{{"message", "card declined"}, {"applicationFailureInfo", {{"type", "ValueError"}}}};
  ASSERT_TRUE(activity
                  .OnFailed(For(7, EventType::kActivityTaskFailed,
                                {{"failure", cause},
                                 {"retryState", "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED"},
                                 {"identity", "worker@lab"}}),
                            jobs)
                  .ok());
  EXPECT_EQ(activity.state(), State::kFailed);
  Json info = ActivityInfo("6", "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED");
  info["identity"] = "worker@lab";
  Json failure{{"message", "Activity task failed"}, {"cause", cause}, {"activityFailureInfo", info}};
  Json expected{{"resolveActivity", {{"seq", 1}, {"result", {{"failed", {{"failure", failure}}}}}}}};
  EXPECT_EQ(jobs, Jobs{expected});
}

TEST(ActivityMachine, TimesOutBeforeStarting) {
  ActivityMachine activity = Activity();
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  Jobs jobs;
  ASSERT_TRUE(
      activity
          .OnTimedOut(For(6, EventType::kActivityTaskTimedOut, {{"retryState", "RETRY_STATE_TIMEOUT"}}), jobs)
          .ok());
  EXPECT_EQ(activity.state(), State::kTimedOut);
  ASSERT_EQ(jobs.size(), 1u);
  const Json& failure = jobs[0]["resolveActivity"]["result"]["failed"]["failure"];
  EXPECT_EQ(failure["message"], "Activity task timed out");
  EXPECT_EQ(failure["activityFailureInfo"], ActivityInfo("0", "RETRY_STATE_TIMEOUT"));
}

TEST(ActivityMachine, CancelBeforeRecordedWithdrawsAndResolvesAtOnce) {
  for (auto type :
       {ActivityCancellationType::kTryCancel, ActivityCancellationType::kWaitCancellationCompleted,
        ActivityCancellationType::kAbandon}) {
    ActivityMachine activity = Activity(type);
    Jobs jobs;
    EXPECT_EQ(activity.Cancel(jobs), Effect::kWithdrawScheduleCommand);
    EXPECT_EQ(activity.state(), State::kCanceled);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0]["resolveActivity"]["result"]["cancelled"]["failure"]["message"], "Activity cancelled");
  }
}

TEST(ActivityMachine, TryCancelResolvesAtOnceAndIgnoresTheOutcome) {
  ActivityMachine activity = Activity(ActivityCancellationType::kTryCancel);
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  ASSERT_TRUE(activity.OnStarted(For(6, EventType::kActivityTaskStarted)).ok());
  Jobs jobs;
  EXPECT_EQ(activity.Cancel(jobs), Effect::kIssueCancelCommand);
  EXPECT_EQ(activity.state(), State::kCancelCommandCreated);
  EXPECT_EQ(activity.CancelCommand(),
            Json::parse(R"({"commandType":"COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK",
      "requestCancelActivityTaskCommandAttributes":{"scheduledEventId":"5"}})"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["resolveActivity"]["result"]["cancelled"]["failure"]["cause"],
            Json::parse(R"({"canceledFailureInfo":{}})"));
  ASSERT_TRUE(activity.OnCancelRecorded(For(10, EventType::kActivityTaskCancelRequested)).ok());
  EXPECT_EQ(activity.state(), State::kCancelRecorded);
  ASSERT_TRUE(activity.OnCanceled(For(11, EventType::kActivityTaskCanceled), jobs).ok());
  EXPECT_EQ(activity.state(), State::kCanceled);
  EXPECT_EQ(jobs.size(), 1u);
}

TEST(ActivityMachine, WaitCancellationCompletedResolvesWhenHistoryRecordsIt) {
  ActivityMachine activity = Activity(ActivityCancellationType::kWaitCancellationCompleted);
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  Jobs jobs;
  EXPECT_EQ(activity.Cancel(jobs), Effect::kIssueCancelCommand);
  EXPECT_TRUE(jobs.empty());
  ASSERT_TRUE(activity.OnCancelRecorded(For(10, EventType::kActivityTaskCancelRequested)).ok());
  ASSERT_TRUE(activity.OnStarted(For(11, EventType::kActivityTaskStarted)).ok());
  ASSERT_TRUE(activity
                  .OnCanceled(For(12, EventType::kActivityTaskCanceled,
                                  {{"details", {{"payloads", Json::array()}}}, {"identity", "worker@lab"}}),
                              jobs)
                  .ok());
  ASSERT_EQ(jobs.size(), 1u);
  const Json& failure = jobs[0]["resolveActivity"]["result"]["cancelled"]["failure"];
  EXPECT_EQ(failure["cause"], Json::parse(R"({"canceledFailureInfo":{"details":{"payloads":[]}}})"));
  EXPECT_EQ(failure["activityFailureInfo"]["retryState"], "RETRY_STATE_CANCEL_REQUESTED");
  EXPECT_EQ(failure["activityFailureInfo"]["startedEventId"], "11");
}

TEST(ActivityMachine, WaitCancellationCompletedStillReportsACompletion) {
  ActivityMachine activity = Activity(ActivityCancellationType::kWaitCancellationCompleted);
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  ASSERT_TRUE(activity.OnStarted(For(6, EventType::kActivityTaskStarted)).ok());
  Jobs jobs;
  activity.Cancel(jobs);
  ASSERT_TRUE(activity.OnCancelRecorded(For(10, EventType::kActivityTaskCancelRequested)).ok());
  ASSERT_TRUE(activity.OnCompleted(For(11, EventType::kActivityTaskCompleted), jobs).ok());
  EXPECT_EQ(activity.state(), State::kCompleted);
  EXPECT_EQ(jobs, Jobs{Json::parse(R"({"resolveActivity":{"seq":1,"result":{"completed":{}}}})")});
}

TEST(ActivityMachine, AbandonResolvesWithoutACommandAndIgnoresLaterEvents) {
  ActivityMachine activity = Activity(ActivityCancellationType::kAbandon);
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  Jobs jobs;
  EXPECT_EQ(activity.Cancel(jobs), Effect::kNothing);
  EXPECT_EQ(activity.state(), State::kCanceled);
  EXPECT_EQ(jobs.size(), 1u);
  ASSERT_TRUE(activity.OnStarted(For(8, EventType::kActivityTaskStarted)).ok());
  ASSERT_TRUE(activity.OnCompleted(For(9, EventType::kActivityTaskCompleted), jobs).ok());
  EXPECT_EQ(jobs.size(), 1u);
  EXPECT_EQ(activity.Cancel(jobs), Effect::kNothing);
}

TEST(ActivityMachine, RecordedTypeAndIdMustMatch) {
  ActivityMachine activity = Activity();
  EXPECT_EQ(activity.OnScheduleRecorded(Scheduled(5, "refund")).message(),
            "event 5 is ActivityTaskScheduled (activityType refund, activityId 1) but the workflow produced "
            "ScheduleActivity (activityType payment_gateway, seq 1)");
  EXPECT_EQ(
      activity.OnScheduleRecorded(Scheduled(5, "payment_gateway", "pay-1")).message(),
      "event 5 is ActivityTaskScheduled (activityType payment_gateway, activityId pay-1) but the workflow "
      "produced ScheduleActivity (activityType payment_gateway, seq 1)");
  EXPECT_EQ(activity.state(), State::kScheduleCommandCreated);
  EXPECT_EQ(Activity(ActivityCancellationType::kTryCancel, "pay-1").DescribeSchedule(),
            "ScheduleActivity (activityType payment_gateway, activityId pay-1, seq 1)");
}

TEST(ActivityMachine, CancelRequestMustNameTheScheduledEvent) {
  ActivityMachine activity = Activity();
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  Jobs jobs;
  activity.Cancel(jobs);
  Status status = activity.OnCancelRecorded(
      Event(10, EventType::kActivityTaskCancelRequested, {{"scheduledEventId", "4"}}));
  EXPECT_EQ(
      status.message(),
      "event 10 is ActivityTaskCancelRequested but the workflow produced RequestCancelActivity (seq 1)");
}

TEST(ActivityMachine, OutOfOrderEventsAreNotAllowed) {
  ActivityMachine activity = Activity();
  Jobs jobs;
  EXPECT_EQ(activity.OnCompleted(For(7, EventType::kActivityTaskCompleted), jobs).message(),
            "event 7 is ActivityTaskCompleted but activity seq 1 is ScheduleCommandCreated");
  ASSERT_TRUE(activity.OnScheduleRecorded(Scheduled()).ok());
  EXPECT_EQ(activity.OnCanceled(For(8, EventType::kActivityTaskCanceled), jobs).message(),
            "event 8 is ActivityTaskCanceled but activity seq 1 is ScheduleRecorded");
  EXPECT_TRUE(jobs.empty());
}

}  // namespace
}  // namespace durable::replay
