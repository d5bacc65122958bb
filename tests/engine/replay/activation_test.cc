// How history becomes activations, and how each command kind reaches the
// server, through WorkerCore.
#include <gtest/gtest.h>

#include "replay_test_support.h"

namespace durable::replay_test {
namespace {

Json NoCommands(const Json&) { return Json::array(); }

TEST(Activations, SignalsComeBeforeResolutionsInTheSameTask) {
  HistoryBuilder history("Waiter", Json::array());
  int64_t completed = history.AddFullWorkflowTask();
  int64_t timer = history.AddTimerStarted(completed, "1", "10s");
  history.AddTimerFired(timer, "1");
  history.AddSignal("ApproveInvoice", Json::array({Payload("yes")}));
  history.AddWorkflowTaskStarted();

  auto core = MakeCore();
  int activation_count = 0;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [&](const Json&) {
    return ++activation_count == 1 ? Json::parse(R"([{"startTimer":{"seq":1,"startToFireTimeout":"10s"}}])")
                                   : Json::array();
  });
  ASSERT_EQ(outcome.activations.size(), 2u);
  EXPECT_EQ(JobKinds(outcome.activations[1]), (std::vector<std::string>{"signalWorkflow", "fireTimer"}));
  EXPECT_EQ(outcome.activations[1].at("jobs"),
            Json::parse(R"([{"signalWorkflow":{"signalName":"ApproveInvoice","input":[)" +
                        Payload("yes").dump() + R"(],"identity":"ui@lab"}},{"fireTimer":{"seq":1}}])"));
  EXPECT_EQ(outcome.respond.at("request").at("commands"), Json::array());
}

TEST(Activations, InitializeComesFirstAndCancelAfterSignals) {
  HistoryBuilder history("Waiter", Json::array());
  history.AddCancelRequested("user asked");
  history.AddSignal("first");
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), NoCommands);
  ASSERT_EQ(outcome.activations.size(), 1u);
  EXPECT_EQ(JobKinds(outcome.activations[0]),
            (std::vector<std::string>{"initializeWorkflow", "signalWorkflow", "cancelWorkflow"}));
  EXPECT_EQ(outcome.activations[0]["jobs"][2], Json::parse(R"({"cancelWorkflow":{"reason":"user asked"}})"));
}

TEST(Activations, AFailedOrTimedOutWorkflowTaskRollsIntoTheNext) {
  HistoryBuilder history("Waiter", Json::array());
  int64_t crashed = history.AddWorkflowTaskStarted();
  history.AddWorkflowTaskTimedOut(crashed);
  history.AddSignal("late");
  int64_t started = history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), NoCommands);
  ASSERT_EQ(outcome.activations.size(), 1u);
  EXPECT_EQ(JobKinds(outcome.activations[0]),
            (std::vector<std::string>{"initializeWorkflow", "signalWorkflow"}));
  EXPECT_EQ(outcome.activations[0].at("historyLength"), started);
  EXPECT_FALSE(outcome.activations[0].at("isReplaying"));
}

TEST(Activations, TimestampIsTheWorkflowTaskStartTime) {
  HistoryBuilder history("Waiter", Json::array());
  history.Advance(std::chrono::hours(1));
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), NoCommands);
  EXPECT_EQ(outcome.activations.at(0).at("timestamp"), "2024-06-30T01:00:00.030Z");
  EXPECT_EQ(outcome.activations.at(0).at("runId"), "run-1");
}

TEST(Activations, AWorkflowTaskWithNothingNewGetsNoActivation) {
  // The server's confirmation of a child's cancel request schedules a
  // workflow task, but a WAIT_CANCELLATION_COMPLETED child resolves only when
  // it ends: that task has no jobs, so the core answers it on its own.
  HistoryBuilder history("Parent", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  int64_t initiated = history.AddChildInitiated(c1, "child-1", "Child");
  history.AddChildStarted(initiated, "child-1", "child-run", "Child");
  int64_t c2 = history.AddFullWorkflowTask();
  int64_t cancel = history.Add(EventType::kRequestCancelExternalWorkflowExecutionInitiated,
                               {{"workflowExecution", {{"workflowId", "child-1"}, {"runId", "child-run"}}},
                                {"childWorkflowOnly", true},
                                {"workflowTaskCompletedEventId", std::to_string(c2)}});
  history.Add(EventType::kExternalWorkflowExecutionCancelRequested,
              {{"initiatedEventId", std::to_string(cancel)},
               {"workflowExecution", {{"workflowId", "child-1"}, {"runId", "child-run"}}}});
  history.AddWorkflowTaskStarted();

  auto core = MakeCore();
  int step = 0;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [&](const Json&) {
    switch (++step) {
      case 1:
        return Json::parse(
            R"([{"startChildWorkflowExecution":{"seq":1,"workflowId":"child-1","workflowType":"Child",
                                 "cancellationType":"WAIT_CANCELLATION_COMPLETED"}}])");
      case 2:
        return Json::parse(R"([{"cancelChildWorkflowExecution":{"childWorkflowSeq":1}}])");
      default:
        return Json::array();
    }
  });
  EXPECT_EQ(outcome.activations.size(), 2u);
  EXPECT_EQ(outcome.respond.at("method"), "RespondWorkflowTaskCompleted");
  EXPECT_EQ(outcome.respond.at("request").at("commands"), Json::array());
}

TEST(Commands, TimerCancelledInTheSameActivationIsNeverSent) {
  HistoryBuilder history("Waiter", Json::array());
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [](const Json&) {
    return Json::parse(
        R"([{"startTimer":{"seq":1,"startToFireTimeout":"1m"}},{"startTimer":{"seq":2,"startToFireTimeout":"0.5s"}},
                           {"cancelTimer":{"seq":1}}])");
  });
  EXPECT_EQ(outcome.respond.at("request").at("commands"),
            Json::parse(R"([{"commandType":"COMMAND_TYPE_START_TIMER",
                             "startTimerCommandAttributes":{"timerId":"2","startToFireTimeout":"0.500s"}}])"));
}

TEST(Commands, CancellingAnActivityResolvesItInAnImmediateActivation) {
  HistoryBuilder history("Payer", Json::array());
  int64_t completed = history.AddFullWorkflowTask();
  int64_t scheduled = history.AddActivityScheduled(completed, "1", "payment_gateway");
  history.AddSignal("cancel");
  history.AddWorkflowTaskStarted();

  auto core = MakeCore();
  int step = 0;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [&](const Json&) {
    switch (++step) {
      case 1:
        return Json::parse(
            R"([{"scheduleActivity":{"seq":1,"activityType":"payment_gateway","startToCloseTimeout":"30s"}}])");
      case 2:
        return Json::parse(R"([{"requestCancelActivity":{"seq":1}}])");
      case 3:
        return Json::parse(R"([{"completeWorkflowExecution":{}}])");
      default:
        return Json::array();
    }
  });
  ASSERT_EQ(outcome.activations.size(), 3u);
  EXPECT_EQ(JobKinds(outcome.activations[2]), std::vector<std::string>{"resolveActivity"});
  EXPECT_TRUE(outcome.activations[2]["jobs"][0]["resolveActivity"]["result"].contains("cancelled"));
  EXPECT_FALSE(outcome.activations[2].at("isReplaying"));
  EXPECT_EQ(outcome.activations[2].at("historyLength"), outcome.activations[1].at("historyLength"));
  EXPECT_EQ(outcome.respond.at("request").at("commands"),
            Json::parse(R"([{"commandType":"COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK",
                             "requestCancelActivityTaskCommandAttributes":{"scheduledEventId":")" +
                        std::to_string(scheduled) + R"("}},
                            {"commandType":"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION",
                             "completeWorkflowExecutionCommandAttributes":{}}])"));
}

TEST(Commands, ActivityOptionsReachTheScheduleCommand) {
  HistoryBuilder history("Payer", Json::array());
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [](const Json&) {
    return Json::parse(R"([{"scheduleActivity":{"seq":4,"activityId":"pay-1","activityType":"payment_gateway",
        "taskQueue":"payments","headers":{"trace":{"data":"eA=="}},"arguments":[{"data":"MQ=="}],
        "scheduleToCloseTimeout":"1m","scheduleToStartTimeout":"10s","startToCloseTimeout":"30s",
        "heartbeatTimeout":"5s","retryPolicy":{"maximumAttempts":3},"cancellationType":"ABANDON"}}])");
  });
  EXPECT_EQ(outcome.respond.at("request").at("commands").at(0),
            Json::parse(R"({"commandType":"COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK",
                            "scheduleActivityTaskCommandAttributes":{"activityId":"pay-1",
                              "activityType":{"name":"payment_gateway"},"taskQueue":{"name":"payments"},
                              "header":{"fields":{"trace":{"data":"eA=="}}},"input":{"payloads":[{"data":"MQ=="}]},
                              "scheduleToCloseTimeout":"60s","scheduleToStartTimeout":"10s",
                              "startToCloseTimeout":"30s","heartbeatTimeout":"5s",
                              "retryPolicy":{"maximumAttempts":3}}})"));
}

TEST(Commands, ActivityFailureReachesTheWorkflow) {
  HistoryBuilder history("Payer", Json::array());
  int64_t completed = history.AddFullWorkflowTask();
  int64_t scheduled = history.AddActivityScheduled(completed, "1", "payment_gateway");
  int64_t started = history.AddActivityStarted(scheduled, 3);
  history.AddActivityFailed(scheduled, started, "card declined");
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  int step = 0;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [&](const Json&) {
    return ++step == 1
               ? Json::parse(R"([{"scheduleActivity":{"seq":1,"activityType":"payment_gateway"}}])")
               : Json::parse(R"([{"failWorkflowExecution":{"failure":{"message":"payment failed"}}}])");
  });
  ASSERT_EQ(outcome.activations.size(), 2u);
  const Json& failure = outcome.activations[1]["jobs"][0]["resolveActivity"]["result"]["failed"]["failure"];
  EXPECT_EQ(failure["message"], "Activity task failed");
  EXPECT_EQ(failure["cause"]["message"], "card declined");
  EXPECT_EQ(failure["activityFailureInfo"]["retryState"], "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED");
  EXPECT_EQ(outcome.respond.at("request").at("commands"),
            Json::parse(R"([{"commandType":"COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION",
                             "failWorkflowExecutionCommandAttributes":{"failure":{"message":"payment failed"}}}])"));
  ASSERT_EQ(outcome.evictions.size(), 1u);
  EXPECT_EQ(outcome.evictions[0], Json::parse(R"({"runId":"run-1","jobs":[{"removeFromCache":
      {"reason":"WORKFLOW_EXECUTION_ENDING","message":"workflow run run-1 closed"}}]})"));
}

TEST(Commands, ChildWorkflowStartsAndCompletes) {
  HistoryBuilder history("Parent", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  int64_t initiated = history.AddChildInitiated(c1, "child-1", "ShipOrder");
  int64_t started = history.AddChildStarted(initiated, "child-1", "child-run", "ShipOrder");
  history.AddFullWorkflowTask();
  history.AddChildClosed(EventType::kChildWorkflowExecutionCompleted, initiated, started,
                         {{"result", {{"payloads", {Payload("shipped")}}}}});
  history.AddWorkflowTaskStarted();

  auto core = MakeCore();
  int step = 0;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [&](const Json&) {
    return ++step == 1 ? Json::parse(R"([{"startChildWorkflowExecution":{"seq":1,"workflowId":"child-1",
                             "workflowType":"ShipOrder","input":[{"data":"MQ=="}],"parentClosePolicy":"PARENT_CLOSE_POLICY_ABANDON",
                             "workflowRunTimeout":"1h","memo":{"note":{"data":"eA=="}}}}])")
                       : Json::array();
  });
  ASSERT_EQ(outcome.activations.size(), 3u);
  EXPECT_EQ(
      outcome.activations[1]["jobs"],
      Json::parse(R"([{"resolveChildWorkflowExecutionStart":{"seq":1,"succeeded":{"runId":"child-run"}}}])"));
  EXPECT_EQ(
      outcome.activations[2]["jobs"][0]["resolveChildWorkflowExecution"]["result"]["completed"]["result"],
      Payload("shipped"));
  EXPECT_TRUE(outcome.activations[1].at("isReplaying"));
  EXPECT_FALSE(outcome.activations[2].at("isReplaying"));
}

TEST(Commands, ChildStartCommandCarriesItsOptions) {
  HistoryBuilder history("Parent", Json::array());
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [](const Json&) {
    return Json::parse(
        R"([{"startChildWorkflowExecution":{"seq":1,"workflowId":"child-1","workflowType":"ShipOrder",
        "namespace":"default","input":[{"data":"MQ=="}],"parentClosePolicy":"PARENT_CLOSE_POLICY_ABANDON",
        "workflowIdReusePolicy":"WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE","workflowExecutionTimeout":"2h",
        "workflowRunTimeout":"1h","workflowTaskTimeout":"10s","retryPolicy":{"maximumAttempts":2},
        "cronSchedule":"@daily","headers":{"h":{"data":"eA=="}},"memo":{"note":{"data":"eA=="}},
        "searchAttributes":{"indexedFields":{}}}}])");
  });
  EXPECT_EQ(outcome.respond.at("request").at("commands").at(0),
            Json::parse(R"({"commandType":"COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION",
                "startChildWorkflowExecutionCommandAttributes":{"namespace":"default","workflowId":"child-1",
                  "workflowType":{"name":"ShipOrder"},"taskQueue":{"name":"invoice-task-queue"},
                  "input":{"payloads":[{"data":"MQ=="}]},"parentClosePolicy":"PARENT_CLOSE_POLICY_ABANDON",
                  "workflowIdReusePolicy":"WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
                  "workflowExecutionTimeout":"7200s","workflowRunTimeout":"3600s","workflowTaskTimeout":"10s",
                  "retryPolicy":{"maximumAttempts":2},"cronSchedule":"@daily",
                  "header":{"fields":{"h":{"data":"eA=="}}},"memo":{"fields":{"note":{"data":"eA=="}}},
                  "searchAttributes":{"indexedFields":{}}}})"));
}

TEST(Commands, ChildStartFailureAndFailureReachTheWorkflow) {
  HistoryBuilder history("Parent", Json::array());
  int64_t c1 = history.AddFullWorkflowTask();
  int64_t first = history.AddChildInitiated(c1, "child-1", "ShipOrder");
  int64_t second = history.AddChildInitiated(c1, "child-2", "ShipOrder");
  history.AddStartChildFailed(c1, first, "child-1", "ShipOrder");
  int64_t started = history.AddChildStarted(second, "child-2", "run-c2", "ShipOrder");
  history.AddChildClosed(
      EventType::kChildWorkflowExecutionFailed, second, started,
      {{"failure", {{"message", "no stock"}}}, {"retryState", "RETRY_STATE_NON_RETRYABLE_FAILURE"}});
  history.AddWorkflowTaskStarted();

  auto core = MakeCore();
  int step = 0;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"), [&](const Json&) {
    return ++step == 1 ? Json::parse(R"([
        {"startChildWorkflowExecution":{"seq":1,"workflowId":"child-1","workflowType":"ShipOrder"}},
        {"startChildWorkflowExecution":{"seq":2,"workflowId":"child-2","workflowType":"ShipOrder"}}])")
                       : Json::array();
  });
  ASSERT_EQ(outcome.activations.size(), 2u);
  EXPECT_EQ(JobKinds(outcome.activations[1]), (std::vector<std::string>{"resolveChildWorkflowExecutionStart",
                                                                        "resolveChildWorkflowExecutionStart",
                                                                        "resolveChildWorkflowExecution"}));
  const Json& jobs = outcome.activations[1]["jobs"];
  EXPECT_EQ(jobs[0]["resolveChildWorkflowExecutionStart"]["failed"]["cause"],
            "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS");
  EXPECT_EQ(jobs[2]["resolveChildWorkflowExecution"]["result"]["failed"]["failure"]["cause"]["message"],
            "no stock");
}

TEST(Commands, CloseCommandsAndContinueAsNew) {
  struct Case {
    const char* command;
    Json expected;
  };
  std::vector<Case> cases = {
      {R"({"cancelWorkflowExecution":{}})",
       Json::parse(
           R"({"commandType":"COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION","cancelWorkflowExecutionCommandAttributes":{}})")},
      {R"({"continueAsNewWorkflowExecution":{"arguments":[{"data":"Mg=="}],"workflowRunTimeout":"1h"}})",
       Json::parse(R"({"commandType":"COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION",
                       "continueAsNewWorkflowExecutionCommandAttributes":{"workflowType":{"name":"Looper"},
                         "taskQueue":{"name":"invoice-task-queue"},"input":{"payloads":[{"data":"Mg=="}]},
                         "workflowRunTimeout":"3600s"}})")},
      {R"({"continueAsNewWorkflowExecution":{"workflowType":"Other","taskQueue":"q2","memo":{"m":{"data":"eA=="}},
           "headers":{"h":{"data":"eA=="}},"searchAttributes":{"indexedFields":{}},"retryPolicy":{"maximumAttempts":1},
           "workflowTaskTimeout":"5s"}})",
       Json::parse(R"({"commandType":"COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION",
                       "continueAsNewWorkflowExecutionCommandAttributes":{"workflowType":{"name":"Other"},
                         "taskQueue":{"name":"q2"},"memo":{"fields":{"m":{"data":"eA=="}}},
                         "header":{"fields":{"h":{"data":"eA=="}}},"searchAttributes":{"indexedFields":{}},
                         "retryPolicy":{"maximumAttempts":1},"workflowTaskTimeout":"5s"}})")},
      {R"({"completeWorkflowExecution":{"result":{"data":"MQ=="}}})",
       Json::parse(R"({"commandType":"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION",
                       "completeWorkflowExecutionCommandAttributes":{"result":{"payloads":[{"data":"MQ=="}]}}})")},
  };
  for (const Case& c : cases) {
    HistoryBuilder history("Looper", Json::array());
    history.AddWorkflowTaskStarted();
    auto core = MakeCore();
    TaskOutcome outcome = RunTask(*core, history.WorkflowTask("t"),
                                  [&](const Json&) { return Json::array({Json::parse(c.command)}); });
    EXPECT_EQ(outcome.respond.at("request").at("commands"), Json::array({c.expected})) << c.command;
    EXPECT_EQ(core->CachedRunCount(), 0u) << c.command;
  }
}

TEST(Commands, RecordedCloseEventsReplay) {
  for (auto [command, event] :
       {std::pair{R"({"failWorkflowExecution":{"failure":{"message":"x"}}})",
                  EventType::kWorkflowExecutionFailed},
        std::pair{R"({"cancelWorkflowExecution":{}})", EventType::kWorkflowExecutionCanceled},
        std::pair{R"({"continueAsNewWorkflowExecution":{}})", EventType::kWorkflowExecutionContinuedAsNew}}) {
    HistoryBuilder history("Looper", Json::array());
    int64_t completed = history.AddFullWorkflowTask();
    history.Add(event, {{"workflowTaskCompletedEventId", std::to_string(completed)}});
    auto core = MakeCore();
    TaskOutcome outcome = RunTask(*core, history.QueryTask("q", "status"), [&](const Json& activation) {
      if (activation["jobs"][0].contains("queryWorkflow")) {
        return Json::parse(
            R"([{"respondToQuery":{"queryId":"legacy_query","succeeded":{"response":{"data":"MQ=="}}}}])");
      }
      return Json::array({Json::parse(command)});
    });
    EXPECT_EQ(outcome.respond.at("request").at("completedType"), "QUERY_RESULT_TYPE_ANSWERED") << command;
  }
}

}  // namespace
}  // namespace durable::replay_test
