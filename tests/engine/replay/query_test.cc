// Queries: legacy query tasks and the queries of a workflow task.
#include <gtest/gtest.h>

#include "invoice_workflow.h"
#include "replay_test_support.h"

namespace durable::replay_test {
namespace {

// The invoice workflow approved, first line paid, second line sleeping.
HistoryBuilder InvoiceHistoryUpToSecondSleep() {
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  int64_t c1 = history.AddFullWorkflowTask();
  int64_t approval = history.AddTimerStarted(c1, "1", "432000s");
  history.AddSignal("ApproveInvoice");
  int64_t c2 = history.AddFullWorkflowTask();
  history.AddTimerCanceled(c2, approval, "1");
  int64_t sleep = history.AddTimerStarted(c2, "2", "2s");
  history.AddTimerFired(sleep, "2");
  int64_t c3 = history.AddFullWorkflowTask();
  int64_t scheduled = history.AddActivityScheduled(c3, "1", "payment_gateway");
  int64_t started = history.AddActivityStarted(scheduled);
  history.AddActivityCompleted(scheduled, started, true);
  int64_t c4 = history.AddFullWorkflowTask();
  history.AddTimerStarted(c4, "3", "2s");
  return history;
}

TEST(Queries, LegacyQueryTaskReplaysThenAsks) {
  HistoryBuilder history = InvoiceHistoryUpToSecondSleep();
  auto core = MakeCore();
  InvoiceWorkflow workflow;
  TaskOutcome outcome = RunTask(*core, history.QueryTask("query-token", "status"), workflow);

  ASSERT_EQ(outcome.activations.size(), 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(outcome.activations[i].at("isReplaying")) << i;
  const Json& query = outcome.activations[4];
  EXPECT_FALSE(query.at("isReplaying"));
  EXPECT_EQ(query.at("historyLength"), history.last_id());
  EXPECT_EQ(
      query.at("jobs"),
      Json::parse(R"([{"queryWorkflow":{"queryId":"legacy_query","queryType":"status","arguments":[]}}])"));
  EXPECT_EQ(outcome.respond, Json({{"method", "RespondQueryTaskCompleted"},
                                   {"request",
                                    {{"taskToken", "query-token"},
                                     {"completedType", "QUERY_RESULT_TYPE_ANSWERED"},
                                     {"queryResult", {{"payloads", {Payload("PAYING line 2")}}}}}}}));
  // The workflow is still running: the run stays cached for its next task.
  EXPECT_EQ(core->CachedRunCount(), 1u);
  EXPECT_TRUE(outcome.evictions.empty());
}

TEST(Queries, LegacyQueryOnACachedRunNeedsNoReplay) {
  HistoryBuilder history = InvoiceHistoryUpToSecondSleep();
  auto core = MakeCore();
  InvoiceWorkflow workflow;
  RunTask(*core, history.QueryTask("q1", "status"), workflow);
  // A sticky query task carries no new events.
  Json sticky = history.QueryTask("q2", "status", history.last_id() + 1);
  TaskOutcome outcome = RunTask(*core, sticky, workflow);
  ASSERT_EQ(outcome.activations.size(), 1u);
  EXPECT_EQ(JobKinds(outcome.activations[0]), std::vector<std::string>{"queryWorkflow"});
  EXPECT_EQ(outcome.respond.at("request").at("queryResult").at("payloads").at(0), Payload("PAYING line 2"));
}

TEST(Queries, LegacyQueryOnAClosedWorkflowEvictsIt) {
  HistoryBuilder history = InvoiceHistoryUpToSecondSleep();
  history.AddTimerFired(history.TimerStartedEvent("3"), "3");
  int64_t c5 = history.AddFullWorkflowTask();
  int64_t scheduled = history.AddActivityScheduled(c5, "2", "payment_gateway");
  int64_t started = history.AddActivityStarted(scheduled);
  history.AddActivityCompleted(scheduled, started, true);
  int64_t c6 = history.AddFullWorkflowTask();
  history.AddWorkflowCompleted(c6, "COMPLETED");

  auto core = MakeCore();
  InvoiceWorkflow workflow;
  TaskOutcome outcome = RunTask(*core, history.QueryTask("q", "status"), workflow);
  EXPECT_EQ(outcome.activations.size(), 7u);
  EXPECT_EQ(outcome.respond.at("request").at("queryResult").at("payloads").at(0), Payload("COMPLETED"));
  ASSERT_EQ(outcome.evictions.size(), 1u);
  EXPECT_EQ(outcome.evictions[0]["jobs"][0]["removeFromCache"]["reason"], "WORKFLOW_EXECUTION_ENDING");
  EXPECT_EQ(core->CachedRunCount(), 0u);
}

TEST(Queries, FailedReplayFailsTheQueryAndEvicts) {
  HistoryBuilder history = InvoiceHistoryUpToSecondSleep();
  auto core = MakeCore();
  StatusOr<Json> result = core->HandleWorkflowTask(history.QueryTask("q", "status"));
  ASSERT_TRUE(result.ok());
  result = core->CompleteActivation(
      Json::parse(R"({"runId":"run-1","failed":{"failure":{"message":"import error"}}})"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->at("respond"),
            Json::parse(R"({"method":"RespondQueryTaskCompleted","request":{"taskToken":"q",
      "completedType":"QUERY_RESULT_TYPE_FAILED","errorMessage":"import error","failure":{"message":"import error"}}})"));
  EXPECT_EQ(result->at("evictions").at(0).at("jobs").at(0).at("removeFromCache").at("reason"), "LANG_FAIL");
  EXPECT_EQ(core->CachedRunCount(), 0u);
}

TEST(Queries, QueryBeforeTheFirstWorkflowTaskCompletedFails) {
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  history.AddWorkflowTaskStarted();
  auto core = MakeCore();
  InvoiceWorkflow workflow;
  TaskOutcome outcome = RunTask(*core, history.QueryTask("q", "status"), workflow);
  EXPECT_TRUE(outcome.activations.empty());
  const Json& request = outcome.respond.at("request");
  EXPECT_EQ(request.at("completedType"), "QUERY_RESULT_TYPE_FAILED");
  EXPECT_EQ(request.at("errorMessage"), "workflow run run-1 has not completed its first workflow task yet");
}

TEST(Queries, QueriesOfAWorkflowTaskComeAfterItsWorkInTheirOwnActivation) {
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  history.AddWorkflowTaskStarted();
  Json poll = history.WorkflowTask("t");
  poll["queries"] =
      Json::parse(R"({"q-status":{"queryType":"status","queryArgs":{"payloads":[{"data":"MQ=="}]},
                                                "header":{"fields":{"h":{"data":"eA=="}}}},
                                    "q-other":{"queryType":"other"}})");
  auto core = MakeCore();
  InvoiceWorkflow invoice;
  TaskOutcome outcome = RunTask(*core, poll, [&](const Json& activation) {
    if (!activation["jobs"][0].contains("queryWorkflow")) return invoice(activation);
    return Json::parse(R"([{"respondToQuery":{"queryId":"q-status","succeeded":{"response":{"data":"MQ=="}}}},
                           {"respondToQuery":{"queryId":"q-other","failed":{"message":"unknown query type other"}}}])");
  });
  ASSERT_EQ(outcome.activations.size(), 2u);
  EXPECT_EQ(JobKinds(outcome.activations[0]), std::vector<std::string>{"initializeWorkflow"});
  EXPECT_EQ(outcome.activations[1].at("jobs"),
            Json::parse(R"([{"queryWorkflow":{"queryId":"q-other","queryType":"other","arguments":[]}},
                            {"queryWorkflow":{"queryId":"q-status","queryType":"status","arguments":[{"data":"MQ=="}],
                                              "headers":{"h":{"data":"eA=="}}}}])"));
  const Json& request = outcome.respond.at("request");
  EXPECT_EQ(CommandTypes(outcome.respond), std::vector<std::string>{"COMMAND_TYPE_START_TIMER"});
  EXPECT_EQ(
      request.at("queryResults"),
      Json::parse(
          R"({"q-status":{"resultType":"QUERY_RESULT_TYPE_ANSWERED","answer":{"payloads":[{"data":"MQ=="}]}},
                            "q-other":{"resultType":"QUERY_RESULT_TYPE_FAILED","errorMessage":"unknown query type other",
                                       "failure":{"message":"unknown query type other"}}})"));
}

TEST(Queries, AFailedQueryActivationFailsEveryQueryButNotTheTask) {
  HistoryBuilder history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}));
  history.AddWorkflowTaskStarted();
  Json poll = history.WorkflowTask("t");
  poll["queries"] = Json::parse(R"({"q1":{"queryType":"status"}})");
  auto core = MakeCore();
  InvoiceWorkflow invoice;
  StatusOr<Json> result = core->HandleWorkflowTask(poll);
  ASSERT_TRUE(result.ok());
  result = core->CompleteActivation(
      {{"runId", "run-1"}, {"successful", {{"commands", invoice(result->at("activation"))}}}});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(JobKinds(result->at("activation")), std::vector<std::string>{"queryWorkflow"});
  result = core->CompleteActivation(
      Json::parse(R"({"runId":"run-1","failed":{"failure":{"message":"handler crashed"}}})"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->at("respond").at("method"), "RespondWorkflowTaskCompleted");
  EXPECT_EQ(result->at("respond").at("request").at("queryResults").at("q1").at("errorMessage"),
            "handler crashed");
  EXPECT_EQ(result->at("evictions"), Json::array());
  EXPECT_EQ(core->CachedRunCount(), 1u);
}

}  // namespace
}  // namespace durable::replay_test
