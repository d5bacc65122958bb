// The chapter's invoice workflow, run live through sticky tasks and then
// replayed from its full history by a fresh worker.
#include <gtest/gtest.h>

#include "invoice_workflow.h"
#include "replay_test_support.h"

namespace durable::replay_test {
namespace {

// Plays the server: records each response into `history`, adds what the
// world does (approval, timer fires, payments) and hands out sticky tasks.
// Returns the responds, one per workflow task.
std::vector<Json> RunInvoiceLive(WorkerCore& core, HistoryBuilder& history, InvoiceWorkflow& workflow) {
  std::vector<Json> responds;
  int64_t task_first_event = 1;
  int task = 0;
  auto run = [&](const std::string& expected_job) {
    TaskOutcome outcome =
        RunTask(core, history.WorkflowTask("token-" + std::to_string(++task), task_first_event), workflow);
    EXPECT_EQ(outcome.activations.size(), 1u);
    if (!outcome.activations.empty()) {
      EXPECT_FALSE(outcome.activations[0].at("isReplaying"));
      EXPECT_EQ(JobKinds(outcome.activations[0]), std::vector<std::string>{expected_job});
    }
    task_first_event = history.last_started() + 1;
    responds.push_back(outcome.respond);
    return outcome.respond.at("request");
  };

  history.AddWorkflowTaskStarted();
  history.RecordResponse(run("initializeWorkflow"));
  history.Advance(std::chrono::hours(20));
  history.AddSignal("ApproveInvoice");
  history.AddWorkflowTaskStarted();
  history.RecordResponse(run("signalWorkflow"));
  for (const std::string line_id : {"1", "2"}) {
    history.AddTimerFired(history.TimerStartedEvent(line_id == "1" ? "2" : "3"), line_id == "1" ? "2" : "3");
    history.AddWorkflowTaskStarted();
    history.RecordResponse(run("fireTimer"));
    int64_t scheduled = history.ActivityScheduledEvent(line_id);
    int64_t started = history.AddActivityStarted(scheduled);
    history.AddActivityCompleted(scheduled, started, true);
    history.AddWorkflowTaskStarted();
    if (line_id == "2") break;  // the last task's response closes the workflow
    history.RecordResponse(run("resolveActivity"));
  }
  responds.push_back(RunTask(core, history.WorkflowTask("token-last", task_first_event), workflow).respond);
  return responds;
}

TEST(InvoiceWorkflow, RunsLiveThroughStickyTasks) {
  auto core = MakeCore(10, "worker-sticky-queue");
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  InvoiceWorkflow workflow;
  std::vector<Json> responds = RunInvoiceLive(*core, history, workflow);

  ASSERT_EQ(responds.size(), 6u);
  const Json& first = responds[0].at("request");
  EXPECT_EQ(responds[0].at("method"), "RespondWorkflowTaskCompleted");
  EXPECT_EQ(first.at("taskToken"), "token-1");
  EXPECT_EQ(first.at("identity"), "worker@lab");
  EXPECT_EQ(first.at("commands"), Json::parse(R"([{"commandType":"COMMAND_TYPE_START_TIMER",
                             "startTimerCommandAttributes":{"timerId":"1","startToFireTimeout":"432000s"}}])"));
  EXPECT_EQ(first.at("stickyAttributes"), Json::parse(R"({"workerTaskQueue":{"name":"worker-sticky-queue",
      "kind":"TASK_QUEUE_KIND_STICKY","normalName":"invoice-task-queue"},"scheduleToStartTimeout":"5s"})"));

  // The approval cancels the 5-day timer and starts the first 2 s sleep.
  EXPECT_EQ(
      responds[1].at("request").at("commands"),
      Json::parse(
          R"([{"commandType":"COMMAND_TYPE_CANCEL_TIMER","cancelTimerCommandAttributes":{"timerId":"1"}},
                            {"commandType":"COMMAND_TYPE_START_TIMER",
                             "startTimerCommandAttributes":{"timerId":"2","startToFireTimeout":"2s"}}])"));
  Json schedule = responds[2].at("request").at("commands").at(0);
  EXPECT_EQ(schedule.at("commandType"), "COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK");
  Json expected_attributes{
      {"activityId", "1"},
      {"activityType", {{"name", "payment_gateway"}}},
      {"taskQueue", {{"name", "invoice-task-queue"}}},
      {"input", {{"payloads", {Payload(TwoLineInvoice()["lines"][0])}}}},
      {"startToCloseTimeout", "30s"},
      {"retryPolicy", {{"initialInterval", "1s"}, {"maximumInterval", "30s"}, {"maximumAttempts", 3}}}};
  EXPECT_EQ(schedule.at("scheduleActivityTaskCommandAttributes"), expected_attributes);
  EXPECT_EQ(CommandTypes(responds[3]), std::vector<std::string>{"COMMAND_TYPE_START_TIMER"});
  EXPECT_EQ(CommandTypes(responds[4]), std::vector<std::string>{"COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK"});
  EXPECT_EQ(responds[5].at("request").at("commands"),
            Json::parse(R"([{"commandType":"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION",
                             "completeWorkflowExecutionCommandAttributes":{"result":{"payloads":[)" +
                        Payload("COMPLETED").dump() + "]}}}]"));
  ASSERT_EQ(workflow.activity_results().size(), 2u);
  EXPECT_EQ(workflow.activity_results()[0],
            Json::parse(R"({"completed":{"result":)" + Payload(true).dump() + "}}"));
  // Closing the workflow evicts it; it was cached until then.
  EXPECT_EQ(core->CachedRunCount(), 0u);
}

TEST(InvoiceWorkflow, ReplaysFromFullHistoryAndSendsOnlyNewCommands) {
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  {
    auto live_core = MakeCore();
    InvoiceWorkflow live;
    RunInvoiceLive(*live_core, history, live);
  }
  // A new worker gets the last task with the full history (its cache is empty).
  auto core = MakeCore();
  InvoiceWorkflow replayed;
  TaskOutcome outcome = RunTask(*core, history.WorkflowTask("token-replay"), replayed);

  ASSERT_EQ(outcome.activations.size(), 6u);
  std::vector<std::vector<std::string>> kinds;
  for (const Json& activation : outcome.activations) kinds.push_back(JobKinds(activation));
  EXPECT_EQ(kinds, (std::vector<std::vector<std::string>>{{"initializeWorkflow"},
                                                          {"signalWorkflow"},
                                                          {"fireTimer"},
                                                          {"resolveActivity"},
                                                          {"fireTimer"},
                                                          {"resolveActivity"}}));
  for (size_t i = 0; i + 1 < outcome.activations.size(); ++i) {
    EXPECT_TRUE(outcome.activations[i].at("isReplaying")) << i;
  }
  EXPECT_FALSE(outcome.activations.back().at("isReplaying"));
  EXPECT_EQ(outcome.activations.back().at("historyLength"), history.last_started());

  const Json& init = outcome.activations[0].at("jobs").at(0).at("initializeWorkflow");
  EXPECT_EQ(init.at("workflowType"), "InvoiceWorkflow");
  EXPECT_EQ(init.at("workflowId"), "invoice-1");
  EXPECT_EQ(init.at("arguments"), Json::array({Payload(TwoLineInvoice())}));
  EXPECT_EQ(init.at("attempt"), 1);
  EXPECT_EQ(init.at("firstExecutionRunId"), "run-1");
  EXPECT_EQ(init.at("workflowTaskTimeout"), "10s");
  EXPECT_EQ(init.at("identity"), "client@lab");
  EXPECT_EQ(init.at("startTime"), "2024-06-30T00:00:00.010Z");
  EXPECT_TRUE(init.at("randomnessSeed").is_string());
  EXPECT_EQ(outcome.activations[0].at("timestamp"), "2024-06-30T00:00:00.030Z");

  // Everything before the last task is in history already: only the completion is new.
  EXPECT_EQ(outcome.respond.at("method"), "RespondWorkflowTaskCompleted");
  EXPECT_EQ(CommandTypes(outcome.respond),
            std::vector<std::string>{"COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"});
  EXPECT_FALSE(outcome.respond.at("request").contains("stickyAttributes"));
  ASSERT_EQ(outcome.evictions.size(), 1u);
  EXPECT_EQ(outcome.evictions[0].at("jobs").at(0).at("removeFromCache").at("reason"),
            "WORKFLOW_EXECUTION_ENDING");
}

TEST(InvoiceWorkflow, SameRandomnessSeedOnEveryReplay) {
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  history.AddWorkflowTaskStarted();
  auto first = MakeCore();
  auto second = MakeCore();
  InvoiceWorkflow a;
  InvoiceWorkflow b;
  Json seed_a = RunTask(*first, history.WorkflowTask("t"), a)
                    .activations.at(0)["jobs"][0]["initializeWorkflow"]["randomnessSeed"];
  Json seed_b = RunTask(*second, history.WorkflowTask("t"), b)
                    .activations.at(0)["jobs"][0]["initializeWorkflow"]["randomnessSeed"];
  EXPECT_EQ(seed_a, seed_b);
  HistoryBuilder other("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}), "run-2");
  other.AddWorkflowTaskStarted();
  InvoiceWorkflow c;
  Json seed_c = RunTask(*first, other.WorkflowTask("t"), c)
                    .activations.at(0)["jobs"][0]["initializeWorkflow"]["randomnessSeed"];
  EXPECT_NE(seed_a, seed_c);
}

}  // namespace
}  // namespace durable::replay_test
