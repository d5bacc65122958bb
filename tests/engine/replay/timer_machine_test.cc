#include "replay/timer_machine.h"

#include <gtest/gtest.h>

#include "machine_test_support.h"

namespace durable::replay {
namespace {

using replay_test::Event;
using State = TimerMachine::State;

TimerMachine Timer(uint32_t seq) { return TimerMachine(StartTimerCommand{seq, "2s"}); }

TEST(TimerMachine, StartsRecordsAndFires) {
  TimerMachine timer = Timer(1);
  EXPECT_EQ(timer.state(), State::kStartCommandCreated);
  EXPECT_EQ(timer.StartCommand(), Json::parse(R"({"commandType":"COMMAND_TYPE_START_TIMER",
      "startTimerCommandAttributes":{"timerId":"1","startToFireTimeout":"2s"}})"));
  ASSERT_TRUE(timer.OnStartRecorded(Event(5, EventType::kTimerStarted, {{"timerId", "1"}})).ok());
  EXPECT_EQ(timer.state(), State::kStartCommandRecorded);
  Jobs jobs;
  ASSERT_TRUE(timer.OnFired(Event(6, EventType::kTimerFired, {{"timerId", "1"}}), jobs).ok());
  EXPECT_EQ(timer.state(), State::kFired);
  EXPECT_EQ(jobs, Jobs{Json::parse(R"({"fireTimer":{"seq":1}})")});
}

TEST(TimerMachine, CancelBeforeRecordedWithdrawsTheStart) {
  TimerMachine timer = Timer(3);
  EXPECT_EQ(timer.Cancel(), TimerMachine::CancelEffect::kWithdrawStartCommand);
  EXPECT_EQ(timer.state(), State::kCanceled);
  // History can hold nothing for it now.
  Status started = timer.OnStartRecorded(Event(5, EventType::kTimerStarted, {{"timerId", "3"}}));
  EXPECT_EQ(started.message(), "event 5 is TimerStarted (timerId 3) but timer seq 3 is Canceled");
}

TEST(TimerMachine, CancelAfterRecordedIssuesCancelTimer) {
  TimerMachine timer = Timer(1);
  ASSERT_TRUE(timer.OnStartRecorded(Event(5, EventType::kTimerStarted, {{"timerId", "1"}})).ok());
  EXPECT_EQ(timer.Cancel(), TimerMachine::CancelEffect::kIssueCancelCommand);
  EXPECT_EQ(timer.state(), State::kCancelCommandCreated);
  EXPECT_EQ(timer.CancelCommand(), Json::parse(R"({"commandType":"COMMAND_TYPE_CANCEL_TIMER",
      "cancelTimerCommandAttributes":{"timerId":"1"}})"));
  EXPECT_EQ(timer.Cancel(), TimerMachine::CancelEffect::kNothing);
  ASSERT_TRUE(timer.OnCancelRecorded(Event(10, EventType::kTimerCanceled, {{"timerId", "1"}})).ok());
  EXPECT_EQ(timer.state(), State::kCanceled);
}

TEST(TimerMachine, CancelAfterFiredDoesNothing) {
  TimerMachine timer = Timer(1);
  Jobs jobs;
  ASSERT_TRUE(timer.OnStartRecorded(Event(5, EventType::kTimerStarted, {{"timerId", "1"}})).ok());
  ASSERT_TRUE(timer.OnFired(Event(6, EventType::kTimerFired, {{"timerId", "1"}}), jobs).ok());
  EXPECT_EQ(timer.Cancel(), TimerMachine::CancelEffect::kNothing);
  EXPECT_EQ(timer.state(), State::kFired);
}

TEST(TimerMachine, RecordedTimerIdMustMatchTheSeq) {
  TimerMachine timer = Timer(2);
  Status status = timer.OnStartRecorded(Event(5, EventType::kTimerStarted, {{"timerId", "1"}}));
  EXPECT_EQ(status.message(),
            "event 5 is TimerStarted (timerId 1) but the workflow produced StartTimer (timerId 2)");
  EXPECT_EQ(timer.state(), State::kStartCommandCreated);

  ASSERT_TRUE(timer.OnStartRecorded(Event(5, EventType::kTimerStarted, {{"timerId", "2"}})).ok());
  timer.Cancel();
  status = timer.OnCancelRecorded(Event(9, EventType::kTimerCanceled, {{"timerId", "7"}}));
  EXPECT_EQ(status.message(),
            "event 9 is TimerCanceled (timerId 7) but the workflow produced CancelTimer (timerId 2)");
}

TEST(TimerMachine, FireBeforeStartIsNotAllowed) {
  TimerMachine timer = Timer(1);
  Jobs jobs;
  Status status = timer.OnFired(Event(6, EventType::kTimerFired, {{"timerId", "1"}}), jobs);
  EXPECT_EQ(status.message(), "event 6 is TimerFired (timerId 1) but timer seq 1 is StartCommandCreated");
  EXPECT_TRUE(jobs.empty());
}

}  // namespace
}  // namespace durable::replay
