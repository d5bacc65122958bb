// The sticky cache: partial histories, LRU eviction, rebuild by full replay.
#include <gtest/gtest.h>

#include "invoice_workflow.h"
#include "replay_test_support.h"

namespace durable::replay_test {
namespace {

// A run whose first task was answered with the 5-day approval timer.
struct StartedRun {
  explicit StartedRun(std::string run_id)
      : history("InvoiceWorkflow", Json::array({Payload(TwoLineInvoice())}), std::move(run_id)) {
    history.AddWorkflowTaskStarted();
  }
  // Answers the first task, records the response and signals approval.
  TaskOutcome FirstTask(WorkerCore& core) {
    TaskOutcome outcome = RunTask(core, history.WorkflowTask("t1"), workflow);
    history.RecordResponse(outcome.respond.at("request"));
    history.AddSignal("ApproveInvoice");
    history.AddWorkflowTaskStarted();
    return outcome;
  }
  Json StickyTask() const { return history.WorkflowTask("t2", 4); }

  HistoryBuilder history;
  InvoiceWorkflow workflow;
};

std::string EvictionReason(const Json& eviction) {
  return eviction.at("jobs").at(0).at("removeFromCache").at("reason");
}

TEST(Cache, PartialHistoryOfAnUncachedRunAsksForTheFullOne) {
  StartedRun run("run-a");
  auto first = MakeCore();
  run.FirstTask(*first);
  auto fresh = MakeCore();
  StatusOr<Json> result = fresh->HandleWorkflowTask(run.StickyTask());
  EXPECT_EQ(result.status(),
            Status(Code::kFailedPrecondition, "run run-a is not cached; fetch its full history"));
  EXPECT_EQ(fresh->CachedRunCount(), 0u);
}

TEST(Cache, CachedRunContinuesFromNewEventsOnly) {
  StartedRun run("run-a");
  auto core = MakeCore();
  run.FirstTask(*core);
  TaskOutcome outcome = RunTask(*core, run.StickyTask(), run.workflow);
  ASSERT_EQ(outcome.activations.size(), 1u);
  EXPECT_EQ(JobKinds(outcome.activations[0]), std::vector<std::string>{"signalWorkflow"});
  EXPECT_EQ(CommandTypes(outcome.respond),
            (std::vector<std::string>{"COMMAND_TYPE_CANCEL_TIMER", "COMMAND_TYPE_START_TIMER"}));
}

TEST(Cache, FullHistoryForACachedRunSkipsWhatItApplied) {
  StartedRun run("run-a");
  auto core = MakeCore();
  run.FirstTask(*core);
  TaskOutcome outcome = RunTask(*core, run.history.WorkflowTask("t2"), run.workflow);
  ASSERT_EQ(outcome.activations.size(), 1u);
  EXPECT_EQ(JobKinds(outcome.activations[0]), std::vector<std::string>{"signalWorkflow"});
  EXPECT_TRUE(outcome.evictions.empty());
}

TEST(Cache, LeastRecentlyUsedRunIsEvictedAndLaterRebuiltByFullReplay) {
  auto core = MakeCore(2);
  StartedRun a("run-a");
  StartedRun b("run-b");
  StartedRun c("run-c");
  a.FirstTask(*core);
  b.FirstTask(*core);
  RunTask(*core, a.StickyTask(), a.workflow);  // run-a is now used more recently than run-b
  TaskOutcome third = c.FirstTask(*core);
  ASSERT_EQ(third.evictions.size(), 1u);
  EXPECT_EQ(third.evictions[0].at("runId"), "run-b");
  EXPECT_EQ(EvictionReason(third.evictions[0]), "CACHE_FULL");
  EXPECT_EQ(core->CachedRunCount(), 2u);

  // run-b's sticky task finds no cache; the host fetches the full history.
  EXPECT_EQ(core->HandleWorkflowTask(b.StickyTask()).status().code(), Code::kFailedPrecondition);
  InvoiceWorkflow rebuilt;
  TaskOutcome replay = RunTask(*core, b.history.WorkflowTask("t2-full"), rebuilt);
  ASSERT_EQ(replay.activations.size(), 2u);
  EXPECT_TRUE(replay.activations[0].at("isReplaying"));
  EXPECT_EQ(JobKinds(replay.activations[0]), std::vector<std::string>{"initializeWorkflow"});
  EXPECT_FALSE(replay.activations[1].at("isReplaying"));
  EXPECT_EQ(CommandTypes(replay.respond),
            (std::vector<std::string>{"COMMAND_TYPE_CANCEL_TIMER", "COMMAND_TYPE_START_TIMER"}));
  ASSERT_EQ(replay.evictions.size(), 1u);
  EXPECT_EQ(replay.evictions[0].at("runId"), "run-a");
}

TEST(Cache, RunsWaitingForACompletionAreNotEvicted) {
  auto core = MakeCore(1);
  StartedRun a("run-a");
  StartedRun b("run-b");
  ASSERT_TRUE(core->HandleWorkflowTask(a.history.WorkflowTask("t1")).ok());
  StatusOr<Json> refused = core->HandleWorkflowTask(b.history.WorkflowTask("t1"));
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(core->CachedRunCount(), 1u);
  // run-a is untouched and still completes.
  StatusOr<Json> done =
      core->CompleteActivation(Json::parse(R"({"runId":"run-a","successful":{"commands":[]}})"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->at("respond").at("method"), "RespondWorkflowTaskCompleted");
}

TEST(Cache, ExplicitEviction) {
  auto core = MakeCore();
  StartedRun a("run-a");
  a.FirstTask(*core);
  EXPECT_TRUE(core->Evict("run-a").ok());
  EXPECT_EQ(core->CachedRunCount(), 0u);
  EXPECT_EQ(core->Evict("run-a"), Status(Code::kNotFound, "run run-a is not cached"));
  EXPECT_EQ(core->HandleWorkflowTask(a.StickyTask()).status().code(), Code::kFailedPrecondition);
}

TEST(Cache, StaleCacheIsReplacedWhenTheAnsweredTaskTimedOut) {
  auto core = MakeCore();
  StartedRun a("run-a");
  TaskOutcome first = RunTask(*core, a.history.WorkflowTask("t1"), a.workflow);
  // The answer came too late: the server timed the task out and retried it.
  a.history.AddWorkflowTaskTimedOut(a.history.last_started());
  a.history.AddWorkflowTaskStarted();

  StatusOr<Json> partial = core->HandleWorkflowTask(a.history.WorkflowTask("t2", 4));
  EXPECT_EQ(partial.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(
      partial.status().message(),
      "run run-a is cached up to event 3, which this history does not continue; fetch its full history");

  InvoiceWorkflow rebuilt;
  TaskOutcome outcome = RunTask(*core, a.history.WorkflowTask("t2"), rebuilt);
  ASSERT_EQ(outcome.evictions.size(), 1u);
  EXPECT_EQ(EvictionReason(outcome.evictions[0]), "CACHE_MISS");
  ASSERT_EQ(outcome.activations.size(), 1u);
  EXPECT_EQ(JobKinds(outcome.activations[0]), std::vector<std::string>{"initializeWorkflow"});
  EXPECT_EQ(outcome.respond.at("request").at("commands"), first.respond.at("request").at("commands"));
}

TEST(Cache, ATaskAlreadyAnsweredIsRefused) {
  auto core = MakeCore();
  StartedRun a("run-a");
  RunTask(*core, a.history.WorkflowTask("t1"), a.workflow);
  StatusOr<Json> again = core->HandleWorkflowTask(a.history.WorkflowTask("t1"));
  EXPECT_EQ(again.status(), Status(Code::kFailedPrecondition,
                                   "run run-a already handled the workflow task started at event 3"));
}

}  // namespace
}  // namespace durable::replay_test
