// Bad input gets a clear status and changes nothing.
#include <gtest/gtest.h>

#include <functional>

#include "replay_test_support.h"

namespace durable::replay_test {
namespace {

HistoryBuilder FreshRun() {
  HistoryBuilder history("Payer", Json::array());
  history.AddWorkflowTaskStarted();
  return history;
}

struct PollCase {
  std::string name;
  std::function<void(Json&)> spoil;
  Code code;
  std::string message;
};

class BadPollResponse : public testing::TestWithParam<PollCase> {};

TEST_P(BadPollResponse, IsRefusedAndChangesNothing) {
  HistoryBuilder history = FreshRun();
  Json poll = history.WorkflowTask("t");
  GetParam().spoil(poll);
  auto core = MakeCore();
  StatusOr<Json> result = core->HandleWorkflowTask(poll);
  EXPECT_EQ(result.status(), Status(GetParam().code, GetParam().message));
  EXPECT_EQ(core->CachedRunCount(), 0u);
  // The core still works.
  StatusOr<Json> good = core->HandleWorkflowTask(history.WorkflowTask("t"));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(JobKinds(good->at("activation")), std::vector<std::string>{"initializeWorkflow"});
}

Json MalformedEvent() { return Json{{"eventId", "2"}, {"eventType", "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"}}; }

INSTANTIATE_TEST_SUITE_P(
    Replay, BadPollResponse,
    testing::Values(
        PollCase{"NotAnObject", [](Json& p) { p = Json::array(); }, Code::kInvalidArgument,
                 "pollResponse must be an object"},
        PollCase{"NoTaskToken", [](Json& p) { p.erase("taskToken"); }, Code::kInvalidArgument,
                 "pollResponse.taskToken is required"},
        PollCase{"EmptyTaskToken", [](Json& p) { p["taskToken"] = ""; }, Code::kInvalidArgument,
                 "pollResponse.taskToken must not be empty"},
        PollCase{"TaskTokenNotAString", [](Json& p) { p["taskToken"] = 7; }, Code::kInvalidArgument,
                 "pollResponse.taskToken must be a string"},
        PollCase{"NoWorkflowExecution", [](Json& p) { p.erase("workflowExecution"); }, Code::kInvalidArgument,
                 "pollResponse.workflowExecution must be an object with workflowId and runId"},
        PollCase{"NoRunId", [](Json& p) { p["workflowExecution"].erase("runId"); }, Code::kInvalidArgument,
                 "pollResponse.workflowExecution.runId is required"},
        PollCase{"EmptyRunId", [](Json& p) { p["workflowExecution"]["runId"] = ""; }, Code::kInvalidArgument,
                 "pollResponse.workflowExecution.runId must not be empty"},
        PollCase{"WorkflowIdNotAString", [](Json& p) { p["workflowExecution"]["workflowId"] = 1; },
                 Code::kInvalidArgument, "pollResponse.workflowExecution.workflowId must be a string"},
        PollCase{"HistoryNotAnObject", [](Json& p) { p["history"] = "x"; }, Code::kInvalidArgument,
                 "pollResponse.history must be an object"},
        PollCase{"EventsNotAnArray", [](Json& p) { p["history"]["events"] = Json::object(); },
                 Code::kInvalidArgument, "pollResponse.history.events must be an array"},
        PollCase{"MalformedEvent", [](Json& p) { p["history"]["events"][1] = MalformedEvent(); },
                 Code::kInvalidArgument,
                 "pollResponse.history.events[1]: event (eventId 2): eventTime is missing"},
        PollCase{"EventIdGap", [](Json& p) { p["history"]["events"].erase(1); }, Code::kInvalidArgument,
                 "pollResponse.history.events[1] has eventId 3 but should have 2"},
        PollCase{"NoStartedEventId", [](Json& p) { p.erase("startedEventId"); }, Code::kInvalidArgument,
                 "pollResponse.startedEventId must be the ID of the task's WorkflowTaskStarted event"},
        PollCase{"HistoryShortOfStartedEvent", [](Json& p) { p["startedEventId"] = "9"; },
                 Code::kInvalidArgument,
                 "pollResponse.history must reach the task's WorkflowTaskStarted event 9"},
        PollCase{"StartedEventIsNotAWorkflowTaskStarted", [](Json& p) { p["startedEventId"] = "2"; },
                 Code::kInvalidArgument,
                 "pollResponse.history must reach the task's WorkflowTaskStarted event 2"},
        PollCase{"NoHistory", [](Json& p) { p.erase("history"); }, Code::kInvalidArgument,
                 "pollResponse.history must reach the task's WorkflowTaskStarted event 3"},
        PollCase{
            "FirstEventIsNotTheStart",
            [](Json& p) {
              p["history"]["events"][0]["eventType"] = "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED";
              p["history"]["events"][0]["workflowExecutionSignaledEventAttributes"] = {{"signalName", "x"}};
              p["history"]["events"][0].erase("workflowExecutionStartedEventAttributes");
            },
            Code::kInvalidArgument, "pollResponse.history must start with WorkflowExecutionStarted"},
        PollCase{"QueryNotAnObject", [](Json& p) { p["query"] = "status"; }, Code::kInvalidArgument,
                 "pollResponse.query must be an object"},
        PollCase{"QueryWithoutType", [](Json& p) { p["query"] = Json::object(); }, Code::kInvalidArgument,
                 "pollResponse.query.queryType is required"},
        PollCase{"QueriesNotAnObject", [](Json& p) { p["queries"] = Json::array(); }, Code::kInvalidArgument,
                 "pollResponse.queries must be an object of queryId to query"},
        PollCase{"QueriesEntryWithoutType",
                 [](Json& p) {
                   p["queries"] = {{"q1", {{"queryArgs", {}}}}};
                 },
                 Code::kInvalidArgument, "pollResponse.queries.q1.queryType is required"},
        PollCase{"BothQueryAndQueries",
                 [](Json& p) {
                   p["query"] = {{"queryType", "a"}};
                   p["queries"] = {{"q1", {{"queryType", "b"}}}};
                 },
                 Code::kInvalidArgument,
                 "pollResponse holds both query (a query task) and queries (a workflow task's)"},
        PollCase{"PartialHistoryOfUnknownRun",
                 [](Json& p) { p["history"]["events"].erase(p["history"]["events"].begin()); },
                 Code::kFailedPrecondition, "run run-1 is not cached; fetch its full history"}),
    [](const testing::TestParamInfo<PollCase>& info) { return info.param.name; });

TEST(BadPollResponse, TaskForARunWaitingForACompletion) {
  HistoryBuilder history = FreshRun();
  auto core = MakeCore();
  ASSERT_TRUE(core->HandleWorkflowTask(history.WorkflowTask("t")).ok());
  EXPECT_EQ(core->HandleWorkflowTask(history.WorkflowTask("t")).status(),
            Status(Code::kFailedPrecondition, "run run-1 still waits for the completion of its activation"));
}

struct CompletionCase {
  std::string name;
  std::string completion;  // for run-1, whose first activation is outstanding
  Code code;
  std::string message;
  bool message_is_prefix = false;  // the rest comes from the history codec
};

void PrintTo(const PollCase& c, std::ostream* out) { *out << c.name; }
void PrintTo(const CompletionCase& c, std::ostream* out) { *out << c.name; }

void ExpectStatus(const Status& status, const CompletionCase& expected) {
  EXPECT_EQ(status.code(), expected.code) << status.ToString();
  if (expected.message_is_prefix) {
    EXPECT_TRUE(status.message().starts_with(expected.message)) << status.ToString();
  } else {
    EXPECT_EQ(status.message(), expected.message);
  }
}

class BadCompletion : public testing::TestWithParam<CompletionCase> {};

TEST_P(BadCompletion, IsRefusedAndLeavesTheActivationOutstanding) {
  HistoryBuilder history = FreshRun();
  auto core = MakeCore();
  ASSERT_TRUE(core->HandleWorkflowTask(history.WorkflowTask("t")).ok());
  ExpectStatus(core->CompleteActivation(Json::parse(GetParam().completion)).status(), GetParam());
  // Nothing was applied: the same activation completes normally.
  StatusOr<Json> good = core->CompleteActivation(Json::parse(
      R"({"runId":"run-1","successful":{"commands":[{"startTimer":{"seq":1,"startToFireTimeout":"1s"}}]}})"));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->at("respond").at("request").at("commands"),
            Json::parse(R"([{"commandType":"COMMAND_TYPE_START_TIMER",
                             "startTimerCommandAttributes":{"timerId":"1","startToFireTimeout":"1s"}}])"));
}

std::string Commands(const std::string& list) {
  return R"({"runId":"run-1","successful":{"commands":)" + list + "}}";
}

INSTANTIATE_TEST_SUITE_P(
    Replay, BadCompletion,
    testing::Values(
        CompletionCase{"NotAnObject", "[]", Code::kInvalidArgument, "completion must be an object"},
        CompletionCase{"NoRunId", R"({"successful":{}})", Code::kInvalidArgument,
                       "completion.runId is required"},
        CompletionCase{"UnknownRun", R"({"runId":"run-9","successful":{}})", Code::kNotFound,
                       "run run-9 is not cached"},
        CompletionCase{"NeitherOutcome", R"({"runId":"run-1"})", Code::kInvalidArgument,
                       "completion must hold exactly one of successful and failed"},
        CompletionCase{"BothOutcomes", R"({"runId":"run-1","successful":{},"failed":{}})",
                       Code::kInvalidArgument, "completion must hold exactly one of successful and failed"},
        CompletionCase{"FailedWithoutFailure", R"({"runId":"run-1","failed":{}})", Code::kInvalidArgument,
                       "completion.failed must be {\"failure\":{\"message\":...}}"},
        CompletionCase{"FailureNotAnObject", R"({"runId":"run-1","failed":{"failure":"boom"}})",
                       Code::kInvalidArgument, "completion.failed.failure must be an object"},
        CompletionCase{"SuccessfulNotAnObject", R"({"runId":"run-1","successful":[]})",
                       Code::kInvalidArgument, "completion.successful must be an object"},
        CompletionCase{"CommandsNotAnArray", Commands("{}"), Code::kInvalidArgument,
                       "completion.successful.commands must be an array"},
        CompletionCase{
            "CommandNotAnObject", Commands("[1]"), Code::kInvalidArgument,
            "commands[0] must be an object holding exactly one command, e.g. {\"startTimer\":{...}}"},
        CompletionCase{
            "TwoKindsInOneCommand", Commands(R"([{"startTimer":{},"cancelTimer":{}}])"),
            Code::kInvalidArgument,
            "commands[0] must be an object holding exactly one command, e.g. {\"startTimer\":{...}}"},
        CompletionCase{"UnknownKind", Commands(R"([{"sleep":{}}])"), Code::kInvalidArgument,
                       "commands[0] has unknown command kind \"sleep\"; expected startTimer, cancelTimer, "
                       "scheduleActivity, requestCancelActivity, startChildWorkflowExecution, "
                       "cancelChildWorkflowExecution, completeWorkflowExecution, failWorkflowExecution, "
                       "cancelWorkflowExecution, continueAsNewWorkflowExecution or respondToQuery"},
        CompletionCase{"BodyNotAnObject", Commands(R"([{"startTimer":[]}])"), Code::kInvalidArgument,
                       "commands[0].startTimer must be an object"},
        CompletionCase{"MissingSeq", Commands(R"([{"startTimer":{"startToFireTimeout":"1s"}}])"),
                       Code::kInvalidArgument, "commands[0].startTimer.seq is required"},
        CompletionCase{"NegativeSeq", Commands(R"([{"startTimer":{"seq":-1,"startToFireTimeout":"1s"}}])"),
                       Code::kInvalidArgument,
                       "commands[0].startTimer.seq must be an integer from 0 to 4294967295"},
        CompletionCase{"SeqNotANumber", Commands(R"([{"cancelTimer":{"seq":"1"}}])"), Code::kInvalidArgument,
                       "commands[0].cancelTimer.seq must be an integer from 0 to 4294967295"},
        CompletionCase{"TimerWithoutTimeout", Commands(R"([{"startTimer":{"seq":1}}])"),
                       Code::kInvalidArgument, "commands[0].startTimer.startToFireTimeout is required"},
        CompletionCase{"BadDuration", Commands(R"([{"startTimer":{"seq":1,"startToFireTimeout":"soon"}}])"),
                       Code::kInvalidArgument,
                       "commands[0].startTimer.startToFireTimeout: \"soon\" is not a duration", true},
        CompletionCase{"DurationNotAString", Commands(R"([{"startTimer":{"seq":1,"startToFireTimeout":2}}])"),
                       Code::kInvalidArgument,
                       "commands[0].startTimer.startToFireTimeout must be a duration string such as \"2s\""},
        CompletionCase{"ActivityWithoutType", Commands(R"([{"scheduleActivity":{"seq":1}}])"),
                       Code::kInvalidArgument, "commands[0].scheduleActivity.activityType is required"},
        CompletionCase{"ActivityWithEmptyType",
                       Commands(R"([{"scheduleActivity":{"seq":1,"activityType":""}}])"),
                       Code::kInvalidArgument, "commands[0].scheduleActivity.activityType must not be empty"},
        CompletionCase{"ArgumentsNotPayloads",
                       Commands(R"([{"scheduleActivity":{"seq":1,"activityType":"a","arguments":[1]}}])"),
                       Code::kInvalidArgument,
                       "commands[0].scheduleActivity.arguments must be an array of payloads"},
        CompletionCase{"RetryPolicyNotAnObject",
                       Commands(R"([{"scheduleActivity":{"seq":1,"activityType":"a","retryPolicy":3}}])"),
                       Code::kInvalidArgument, "commands[0].scheduleActivity.retryPolicy must be an object"},
        CompletionCase{
            "UnknownCancellationType",
            Commands(R"([{"scheduleActivity":{"seq":1,"activityType":"a","cancellationType":"NEVER"}}])"),
            Code::kInvalidArgument,
            "commands[0].scheduleActivity.cancellationType must be one of TRY_CANCEL, "
            "WAIT_CANCELLATION_COMPLETED, ABANDON"},
        CompletionCase{"ChildWithoutWorkflowId",
                       Commands(R"([{"startChildWorkflowExecution":{"seq":1,"workflowType":"C"}}])"),
                       Code::kInvalidArgument,
                       "commands[0].startChildWorkflowExecution.workflowId is required"},
        CompletionCase{"CancelChildWithoutSeq", Commands(R"([{"cancelChildWorkflowExecution":{}}])"),
                       Code::kInvalidArgument,
                       "commands[0].cancelChildWorkflowExecution.childWorkflowSeq is required"},
        CompletionCase{"FailWithoutFailure", Commands(R"([{"failWorkflowExecution":{}}])"),
                       Code::kInvalidArgument, "commands[0].failWorkflowExecution.failure is required"},
        CompletionCase{"ResultNotAPayload", Commands(R"([{"completeWorkflowExecution":{"result":"done"}}])"),
                       Code::kInvalidArgument,
                       "commands[0].completeWorkflowExecution.result must be an object"},
        CompletionCase{"DuplicateTimerSeq", Commands(R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}},
                                    {"startTimer":{"seq":1,"startToFireTimeout":"2s"}}])"),
                       Code::kInvalidArgument, "commands[1]: timer seq 1 is already in use"},
        CompletionCase{"CancelUnknownTimer", Commands(R"([{"cancelTimer":{"seq":4}}])"),
                       Code::kInvalidArgument, "commands[0]: no timer with seq 4"},
        CompletionCase{"CancelUnknownActivity", Commands(R"([{"requestCancelActivity":{"seq":4}}])"),
                       Code::kInvalidArgument, "commands[0]: no activity with seq 4"},
        CompletionCase{"DuplicateActivitySeq", Commands(R"([{"scheduleActivity":{"seq":1,"activityType":"a"}},
                                    {"scheduleActivity":{"seq":1,"activityType":"b"}}])"),
                       Code::kInvalidArgument, "commands[1]: activity seq 1 is already in use"},
        CompletionCase{"CancelUnknownChild",
                       Commands(R"([{"cancelChildWorkflowExecution":{"childWorkflowSeq":2}}])"),
                       Code::kInvalidArgument, "commands[0]: no child workflow with seq 2"},
        CompletionCase{
            "DuplicateChildSeq",
            Commands(R"([{"startChildWorkflowExecution":{"seq":1,"workflowId":"a","workflowType":"C"}},
                                    {"startChildWorkflowExecution":{"seq":1,"workflowId":"b","workflowType":"C"}}])"),
            Code::kInvalidArgument, "commands[1]: child workflow seq 1 is already in use"},
        CompletionCase{
            "CommandAfterClose",
            Commands(
                R"([{"completeWorkflowExecution":{}},{"startTimer":{"seq":1,"startToFireTimeout":"1s"}}])"),
            Code::kInvalidArgument, "commands[1] follows a command that already closed the workflow"},
        CompletionCase{"QueryAnswerOutsideAQueryActivation",
                       Commands(R"([{"respondToQuery":{"queryId":"q","succeeded":{}}}])"),
                       Code::kInvalidArgument,
                       "commands[0]: respondToQuery answers only an activation of queryWorkflow jobs"},
        CompletionCase{"QueryAnswerWithBothOutcomes",
                       Commands(R"([{"respondToQuery":{"queryId":"q","succeeded":{},"failed":{}}}])"),
                       Code::kInvalidArgument,
                       "commands[0].respondToQuery must hold exactly one of succeeded and failed"}),
    [](const testing::TestParamInfo<CompletionCase>& info) { return info.param.name; });

TEST(BadCompletion, NoOutstandingActivation) {
  HistoryBuilder history = FreshRun();
  auto core = MakeCore();
  RunTask(*core, history.WorkflowTask("t"), [](const Json&) { return Json::array(); });
  ASSERT_EQ(core->CachedRunCount(), 1u);
  EXPECT_EQ(core->CompleteActivation(Json::parse(R"({"runId":"run-1","successful":{}})")).status(),
            Status(Code::kFailedPrecondition, "run run-1 has no outstanding activation to complete"));
}

TEST(BadCompletion, CancelOfATimerStartedInTheSameCompletionIsFine) {
  HistoryBuilder history = FreshRun();
  auto core = MakeCore();
  ASSERT_TRUE(core->HandleWorkflowTask(history.WorkflowTask("t")).ok());
  StatusOr<Json> result = core->CompleteActivation(Json::parse(
      Commands(R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}},{"cancelTimer":{"seq":1}}])")));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->at("respond").at("request").at("commands"), Json::array());
}

// A query activation outstanding: answers must match its queries.
class BadQueryAnswer : public testing::TestWithParam<CompletionCase> {};

TEST_P(BadQueryAnswer, IsRefusedAndTheQueryStaysOpen) {
  HistoryBuilder history = FreshRun();
  Json poll = history.WorkflowTask("t");
  poll["queries"] = {{"q1", {{"queryType", "status"}}}, {"q2", {{"queryType", "status"}}}};
  auto core = MakeCore();
  ASSERT_TRUE(core->HandleWorkflowTask(poll).ok());
  StatusOr<Json> query = core->CompleteActivation(Json::parse(Commands("[]")));
  ASSERT_TRUE(query.ok());
  ASSERT_EQ(JobKinds(query->at("activation")), (std::vector<std::string>{"queryWorkflow", "queryWorkflow"}));

  ExpectStatus(core->CompleteActivation(Json::parse(GetParam().completion)).status(), GetParam());
  StatusOr<Json> good = core->CompleteActivation(Json::parse(Commands(R"([
      {"respondToQuery":{"queryId":"q1","succeeded":{"response":{"data":"MQ=="}}}},
      {"respondToQuery":{"queryId":"q2","succeeded":{}}}])")));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->at("respond").at("request").at("queryResults").at("q1").at("answer"),
            Json::parse(R"({"payloads":[{"data":"MQ=="}]})"));
}

INSTANTIATE_TEST_SUITE_P(
    Replay, BadQueryAnswer,
    testing::Values(
        CompletionCase{"OtherCommand", Commands(R"([{"startTimer":{"seq":1,"startToFireTimeout":"1s"}}])"),
                       Code::kInvalidArgument,
                       "commands[0]: an activation of queryWorkflow jobs takes only respondToQuery commands"},
        CompletionCase{"UnknownQuery", Commands(R"([{"respondToQuery":{"queryId":"q9","succeeded":{}}}])"),
                       Code::kInvalidArgument, "commands[0]: no query with queryId \"q9\""},
        CompletionCase{"AnsweredTwice", Commands(R"([{"respondToQuery":{"queryId":"q1","succeeded":{}}},
                                                    {"respondToQuery":{"queryId":"q1","succeeded":{}}}])"),
                       Code::kInvalidArgument, "commands[1]: query \"q1\" is answered twice"},
        CompletionCase{"Unanswered", Commands(R"([{"respondToQuery":{"queryId":"q1","succeeded":{}}}])"),
                       Code::kInvalidArgument, "query \"q2\" has no respondToQuery"},
        CompletionCase{"NoCommands", R"({"runId":"run-1","successful":{}})", Code::kInvalidArgument,
                       "completion.successful.commands must be an array of respondToQuery commands"},
        CompletionCase{"FailedWithoutFailure", R"({"runId":"run-1","failed":{"failure":1}})",
                       Code::kInvalidArgument, "completion.failed must be {\"failure\":{\"message\":...}}"}),
    [](const testing::TestParamInfo<CompletionCase>& info) { return info.param.name; });

TEST(WorkerCoreOptions, CacheMustHoldARun) {
  WorkerCoreOptions options;
  options.max_cached_runs = 0;
  EXPECT_EQ(WorkerCore::Create(options).status(),
            Status(Code::kInvalidArgument, "max_cached_runs must be at least 1"));
  options.max_cached_runs = 1;
  options.sticky_task_queue = "sticky";
  options.sticky_schedule_to_start_timeout = Duration(0);
  EXPECT_EQ(WorkerCore::Create(options).status(),
            Status(Code::kInvalidArgument, "sticky_schedule_to_start_timeout must be positive"));
}

}  // namespace
}  // namespace durable::replay_test
