// Workflow code that no longer matches its history.
#include <gtest/gtest.h>

#include "replay_test_support.h"

namespace durable::replay_test {
namespace {

// History of a workflow that slept 1 s, then paid: the first version's code.
HistoryBuilder SleepThenPay() {
  HistoryBuilder history("Payer", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();                // events 2-4
  int64_t timer = history.AddTimerStarted(c1, "1", "1s");    // event 5
  history.AddTimerFired(timer, "1");                         // event 6
  int64_t c2 = history.AddFullWorkflowTask();                // events 7-9
  history.AddActivityScheduled(c2, "1", "payment_gateway");  // event 10
  history.AddWorkflowTaskStarted();                          // events 11-12
  return history;
}

// Replays `history` with code answering activation i with commands[i].
TaskOutcome Replay(const HistoryBuilder& history, std::vector<const char*> commands,
                   WorkerCore* core_in = nullptr) {
  auto owned = MakeCore();
  WorkerCore& core = core_in != nullptr ? *core_in : *owned;
  size_t step = 0;
  return RunTask(core, history.WorkflowTask("t"), [&](const Json&) {
    return step < commands.size() ? Json::parse(commands[step++]) : Json::array();
  });
}

void ExpectNondeterminism(const TaskOutcome& outcome, const std::string& message) {
  EXPECT_EQ(outcome.respond.at("method"), "RespondWorkflowTaskFailed");
  const Json& request = outcome.respond.at("request");
  EXPECT_EQ(request.at("cause"), "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR");
  EXPECT_EQ(request.at("failure").at("message"), message);
  EXPECT_EQ(request.at("taskToken"), "t");
  ASSERT_EQ(outcome.evictions.size(), 1u);
  EXPECT_EQ(outcome.evictions[0].at("jobs").at(0).at("removeFromCache"),
            Json({{"reason", "NONDETERMINISM"}, {"message", message}}));
}

TEST(Nondeterminism, MatchingCodeReplaysCleanly) {
  TaskOutcome outcome =
      Replay(SleepThenPay(), {R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}}])",
                              R"([{"scheduleActivity":{"seq":1,"activityType":"payment_gateway"}}])"});
  EXPECT_EQ(outcome.respond.at("method"), "RespondWorkflowTaskCompleted");
  EXPECT_EQ(outcome.respond.at("request").at("commands"), Json::array());
}

TEST(Nondeterminism, CommandOfAnotherKind) {
  ExpectNondeterminism(
      Replay(SleepThenPay(), {R"([{"scheduleActivity":{"seq":1,"activityType":"payment_gateway"}}])"}),
      "nondeterminism: event 5 is TimerStarted (timerId 1) but the workflow produced ScheduleActivity "
      "(activityType payment_gateway, seq 1)");
}

TEST(Nondeterminism, HistoryHasACommandTheCodeNoLongerProduces) {
  ExpectNondeterminism(
      Replay(SleepThenPay(), {"[]"}),
      "nondeterminism: event 5 is TimerStarted (timerId 1) but the workflow produced no command for it");
}

TEST(Nondeterminism, TimerWithAnotherId) {
  ExpectNondeterminism(
      Replay(SleepThenPay(), {R"([{"startTimer":{"seq":2,"startToFireTimeout":"1s"}}])"}),
      "nondeterminism: event 5 is TimerStarted (timerId 1) but the workflow produced StartTimer (timerId 2)");
}

TEST(Nondeterminism, ActivityOfAnotherType) {
  ExpectNondeterminism(
      Replay(SleepThenPay(), {R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}}])",
                              R"([{"scheduleActivity":{"seq":1,"activityType":"refund"}}])"}),
      "nondeterminism: event 10 is ActivityTaskScheduled (activityType payment_gateway, activityId 1) "
      "but the workflow produced ScheduleActivity (activityType refund, seq 1)");
}

TEST(Nondeterminism, ExtraCommandTheHistoryDoesNotRecord) {
  ExpectNondeterminism(
      Replay(SleepThenPay(), {R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}},
                                                   {"startTimer":{"seq":2,"startToFireTimeout":"1h"}}])"}),
      "nondeterminism: event 6 is TimerFired (timerId 1) where history records no further command, "
      "but the workflow produced StartTimer (timerId 2)");
}

TEST(Nondeterminism, ChildOfAnotherTypeOrId) {
  HistoryBuilder history("Parent", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  history.AddChildInitiated(c1, "child-1", "ShipOrder");  // event 5
  history.AddWorkflowTaskStarted();
  ExpectNondeterminism(
      Replay(
          history,
          {R"([{"startChildWorkflowExecution":{"seq":1,"workflowId":"child-1","workflowType":"Refund"}}])"}),
      "nondeterminism: event 5 is StartChildWorkflowExecutionInitiated (workflowType ShipOrder, workflowId "
      "child-1) "
      "but the workflow produced StartChildWorkflowExecution (workflowType Refund, workflowId child-1, seq "
      "1)");
  ExpectNondeterminism(
      Replay(
          history,
          {R"([{"startChildWorkflowExecution":{"seq":1,"workflowId":"child-9","workflowType":"ShipOrder"}}])"}),
      "nondeterminism: event 5 is StartChildWorkflowExecutionInitiated (workflowType ShipOrder, workflowId "
      "child-1) "
      "but the workflow produced StartChildWorkflowExecution (workflowType ShipOrder, workflowId child-9, "
      "seq 1)");
}

TEST(Nondeterminism, ClosedDifferently) {
  HistoryBuilder history("Payer", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  history.AddWorkflowCompleted(c1, "done");  // event 5
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.QueryTask("t", "status"), [](const Json&) {
    return Json::parse(R"([{"failWorkflowExecution":{"failure":{"message":"x"}}}])");
  });
  EXPECT_EQ(outcome.respond.at("method"), "RespondQueryTaskCompleted");
  EXPECT_EQ(outcome.respond.at("request").at("completedType"), "QUERY_RESULT_TYPE_FAILED");
  EXPECT_EQ(outcome.respond.at("request").at("errorMessage"),
            "nondeterminism: event 5 is WorkflowExecutionCompleted but the workflow produced "
            "FailWorkflowExecution");
  EXPECT_EQ(core->CachedRunCount(), 0u);
}

TEST(Nondeterminism, ExtraCommandAtTheEndOfAClosedHistory) {
  HistoryBuilder history("Payer", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  history.AddTimerStarted(c1, "1", "1s");  // event 5
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.QueryTask("t", "status"), [](const Json&) {
    return Json::parse(R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}},
                           {"scheduleActivity":{"seq":1,"activityType":"payment_gateway"}}])");
  });
  EXPECT_EQ(outcome.respond.at("request").at("errorMessage"),
            "nondeterminism: history ends at event 5 (TimerStarted (timerId 1)) but the workflow produced "
            "ScheduleActivity (activityType payment_gateway, seq 1), which history does not record");
}

TEST(Nondeterminism, EventForAnUnknownTimer) {
  HistoryBuilder history("Payer", Json::array());
  history.AddFullWorkflowTask();
  history.AddTimerFired(5, "7");  // event 5: no timer 7 was ever started
  history.AddWorkflowTaskStarted();
  ExpectNondeterminism(
      Replay(history, {"[]"}),
      "nondeterminism: event 5 is TimerFired (timerId 7) but timer 7 is unknown to the workflow");
}

TEST(Nondeterminism, UnsupportedCommandEventInHistory) {
  HistoryBuilder history("Payer", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  history.Add(EventType::kMarkerRecorded,
              {{"markerName", "core_patch"}, {"workflowTaskCompletedEventId", std::to_string(c1)}});
  history.AddWorkflowTaskStarted();
  ExpectNondeterminism(
      Replay(history, {R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}}])"}),
      "nondeterminism: event 5 is MarkerRecorded (markerName core_patch) but the workflow produced "
      "StartTimer (timerId 1)");
}

TEST(Nondeterminism, FailedActivationFailsTheTaskAndEvicts) {
  HistoryBuilder history("Payer", Json::array());
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  ASSERT_TRUE(core->HandleWorkflowTask(history.WorkflowTask("t")).ok());
  StatusOr<Json> result = core->CompleteActivation(Json::parse(
      R"({"runId":"run-1","failed":{"failure":{"message":"ZeroDivisionError","stackTrace":"line 3"}}})"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->at("respond"),
            Json::parse(R"({"method":"RespondWorkflowTaskFailed","request":{"taskToken":"t",
                "cause":"WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
                "failure":{"message":"ZeroDivisionError","stackTrace":"line 3"},"identity":"worker@lab"}})"));
  EXPECT_EQ(result->at("evictions").at(0).at("jobs").at(0).at("removeFromCache").at("reason"), "LANG_FAIL");
  EXPECT_EQ(core->CachedRunCount(), 0u);
}

}  // namespace
}  // namespace durable::replay_test
