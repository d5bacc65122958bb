// Start, signal, terminate, cancel, describe, list, history, and every error
// path of the facade.
#include "harness.h"

namespace durable::testing {
namespace {

TEST(StartWorkflow, WritesStartedAndScheduledAndDescribes) {
  Harness h;
  Json r = h.Start("wf-1", "InvoiceWorkflow", {{"workflowTaskTimeout", "20s"}});
  ASSERT_TRUE(r["runId"].is_string());
  EXPECT_EQ(r["runId"].get<std::string>().size(), 36u);
  EXPECT_EQ(r["started"], true);
  EXPECT_EQ(h.EventTypes("wf-1"), "WorkflowExecutionStarted WorkflowTaskScheduled");
  auto events = h.History("wf-1");
  const Json& started = Attrs(events[0]);
  EXPECT_EQ(events[0]["eventId"], "1");
  EXPECT_EQ(started["workflowType"]["name"], "InvoiceWorkflow");
  EXPECT_EQ(started["taskQueue"]["name"], "q");
  EXPECT_EQ(started["workflowTaskTimeout"], "20s");
  EXPECT_EQ(started["originalExecutionRunId"], r["runId"]);
  EXPECT_EQ(started["firstExecutionRunId"], r["runId"]);
  EXPECT_EQ(started["attempt"], 1);
  EXPECT_EQ(started["workflowId"], "wf-1");
  EXPECT_EQ(started["identity"], "test");
  EXPECT_EQ(Attrs(events[1])["attempt"], 1);
  EXPECT_EQ(Attrs(events[1])["startToCloseTimeout"], "20s");

  Json d = h.Describe("wf-1");
  EXPECT_EQ(d["workflowExecutionInfo"]["status"], "WORKFLOW_EXECUTION_STATUS_RUNNING");
  EXPECT_EQ(d["workflowExecutionInfo"]["historyLength"], "2");
  EXPECT_EQ(d["workflowExecutionInfo"]["type"]["name"], "InvoiceWorkflow");
  EXPECT_EQ(d["executionConfig"]["defaultWorkflowTaskTimeout"], "20s");
  EXPECT_EQ(d["pendingWorkflowTask"]["state"], "PENDING_WORKFLOW_TASK_STATE_SCHEDULED");
}

TEST(StartWorkflow, DefaultTaskTimeoutIsTenSeconds) {
  Harness h;
  h.Start("wf");
  EXPECT_EQ(Attrs(h.History("wf")[0])["workflowTaskTimeout"], "10s");
}

TEST(StartWorkflow, RunIdsAreDeterministicFromTheSeed) {
  Harness a(7), b(7), c(8);
  EXPECT_EQ(a.Start("x")["runId"], b.Start("x")["runId"]);
  EXPECT_NE(a.Start("y")["runId"], c.Start("y")["runId"]);
}

TEST(StartWorkflow, ConflictPolicies) {
  Harness h;
  const std::string first = h.Start("wf")["runId"];
  Status s = h.Err("StartWorkflowExecution", {{"workflowId", "wf"}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}}});
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_NE(s.message().find(first), std::string::npos);
  Json existing = h.Start("wf", "Wf", {{"workflowIdConflictPolicy", "WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING"}});
  EXPECT_EQ(existing["runId"], first);
  EXPECT_EQ(existing["started"], false);
  // The same requestId is a retry of the same start.
  Json a = h.Start("dedupe", "Wf", {{"requestId", "r-1"}});
  Json b = h.Start("dedupe", "Wf", {{"requestId", "r-1"}});
  EXPECT_EQ(a["runId"], b["runId"]);
  Json replaced = h.Start("wf", "Wf", {{"workflowIdConflictPolicy", "WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING"}});
  EXPECT_NE(replaced["runId"], first);
  EXPECT_EQ(h.Describe("wf", first)["workflowExecutionInfo"]["status"], "WORKFLOW_EXECUTION_STATUS_TERMINATED");
}

TEST(StartWorkflow, ReusePoliciesAfterClose) {
  Harness h;
  h.Start("wf");
  h.Ok("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"reason", "r"}});
  // Terminated counts as failed for ALLOW_DUPLICATE_FAILED_ONLY.
  h.Start("wf", "Wf", {{"workflowIdReusePolicy", "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY"}});
  h.Ok("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}});
  Json req = {{"workflowId", "wf"}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}},
              {"workflowIdReusePolicy", "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE"}};
  EXPECT_EQ(h.Err("StartWorkflowExecution", req).code(), Code::kAlreadyExists);
  req["workflowIdReusePolicy"] = "WORKFLOW_ID_REUSE_POLICY_BOGUS";
  EXPECT_EQ(h.Err("StartWorkflowExecution", req).code(), Code::kInvalidArgument);
  h.Start("wf");  // ALLOW_DUPLICATE is the default

  // A completed run blocks ALLOW_DUPLICATE_FAILED_ONLY.
  h.Start("done");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {CompleteWorkflow("ok")}).status.ok());
  req["workflowId"] = "done";
  req["workflowIdReusePolicy"] = "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY";
  EXPECT_EQ(h.Err("StartWorkflowExecution", req).code(), Code::kAlreadyExists);
}

TEST(StartWorkflow, MalformedRequests) {
  Harness h;
  EXPECT_EQ(h.Err("StartWorkflowExecution", {{"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(h.Err("StartWorkflowExecution", {{"workflowId", 5}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(h.Err("StartWorkflowExecution", {{"workflowId", "a"}, {"workflowType", "Wf"}, {"taskQueue", {{"name", "q"}}}}).code(),
            Code::kInvalidArgument);
  Status bad_duration = h.Err("StartWorkflowExecution", {{"workflowId", "a"}, {"workflowType", {{"name", "Wf"}}},
                                                        {"taskQueue", {{"name", "q"}}}, {"workflowRunTimeout", "soon"}});
  EXPECT_EQ(bad_duration.code(), Code::kInvalidArgument);
  EXPECT_NE(bad_duration.message().find("workflowRunTimeout"), std::string::npos);
  EXPECT_EQ(h.Err("StartWorkflowExecution", Json::array()).code(), Code::kInvalidArgument);
  EXPECT_EQ(h.Err("StartWorkflowExecution", {{"workflowId", "a"}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}},
                                             {"input", "not payloads"}}).code(),
            Code::kInvalidArgument);
}

TEST(Facade, UnknownMethodAndOversizedRequest) {
  Harness h;
  Status s = h.Err("FrobnicateWorkflow", Json::object());
  EXPECT_EQ(s.code(), Code::kUnimplemented);
  EXPECT_NE(s.message().find("FrobnicateWorkflow"), std::string::npos);
  const std::string big(2 * 1024 * 1024 + 10, 'x');
  Json req = {{"workflowId", "big"}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}},
              {"input", {{"payloads", Json::array({{{"metadata", Json::object()}, {"data", big}}})}}}};
  EXPECT_EQ(h.Err("StartWorkflowExecution", req).code(), Code::kResourceExhausted);
  // Methods() lists every handler.
  const auto& methods = Engine::Methods();
  EXPECT_EQ(methods.size(), 23u);
  EXPECT_NE(std::find(methods.begin(), methods.end(), "SetAutoTimeSkipping"), methods.end());
}

TEST(Facade, ReplyAndOutcomeJson) {
  Reply ok{7, Status::Ok(), {{"a", 1}}};
  EXPECT_EQ(ok.ToJson(), Json::parse(R"({"callId":7,"response":{"a":1}})"));
  Reply err{8, NotFound("gone"), Json()};
  EXPECT_EQ(err.ToJson(), Json::parse(R"({"callId":8,"error":{"code":"NOT_FOUND","message":"gone"}})"));
  Outcome o;
  o.replies.push_back(ok);
  EXPECT_EQ(o.ToJson()["replies"].size(), 1u);
  EXPECT_TRUE(o.ToJson()["batch"].is_array());
}

TEST(Signal, AppendsAndSchedulesAndRejectsClosedOrUnknown) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("t", "1h")}).status.ok());
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"signalName", "approve"},
                                    {"input", Input(true)}, {"identity", "cli"}});
  EXPECT_EQ(h.EventTypes("wf"),
            "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskCompleted TimerStarted "
            "WorkflowExecutionSignaled WorkflowTaskScheduled");
  const Json signaled = Attrs(h.History("wf")[5]);
  EXPECT_EQ(signaled["signalName"], "approve");
  EXPECT_EQ(signaled["identity"], "cli");

  Status unknown = h.Err("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "nope"}}}, {"signalName", "x"}});
  EXPECT_EQ(unknown.code(), Code::kNotFound);
  EXPECT_NE(unknown.message().find("nope"), std::string::npos);
  EXPECT_EQ(h.Err("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}, {"runId", "bad-run"}}}, {"signalName", "x"}}).code(),
            Code::kNotFound);
  EXPECT_EQ(h.Err("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}}).code(), Code::kInvalidArgument);

  h.Ok("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"reason", "done"}, {"identity", "cli"}});
  Status closed = h.Err("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"signalName", "x"}});
  EXPECT_EQ(closed.code(), Code::kNotFound);
  EXPECT_EQ(closed.message(), "workflow execution already completed");
  EXPECT_EQ(h.Err("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}}).code(), Code::kNotFound);
  EXPECT_EQ(h.Err("RequestCancelWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}}).code(), Code::kNotFound);
}

TEST(SignalWithStart, StartsThenSignalsOrSignalsRunning) {
  Harness h;
  Json req = {{"workflowId", "sws"}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}},
              {"signalName", "go"}, {"signalInput", Input(1)}};
  Json first = h.Ok("SignalWithStartWorkflowExecution", req);
  EXPECT_EQ(first["started"], true);
  EXPECT_EQ(h.EventTypes("sws"), "WorkflowExecutionStarted WorkflowExecutionSignaled WorkflowTaskScheduled");
  Json second = h.Ok("SignalWithStartWorkflowExecution", req);
  EXPECT_EQ(second["started"], false);
  EXPECT_EQ(second["runId"], first["runId"]);
  EXPECT_EQ(h.EventTypes("sws"),
            "WorkflowExecutionStarted WorkflowExecutionSignaled WorkflowTaskScheduled WorkflowExecutionSignaled");
}

TEST(Terminate, WhileTaskStartedForceFailsIt) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  h.Ok("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"reason", "stop"}, {"identity", "ops"}});
  EXPECT_EQ(h.EventTypes("wf"),
            "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskFailed "
            "WorkflowExecutionTerminated");
  const Json terminated = Attrs(h.History("wf")[4]);
  EXPECT_EQ(terminated["reason"], "stop");
  EXPECT_EQ(terminated["identity"], "ops");
  EXPECT_EQ(h.StatusOf("wf"), "WORKFLOW_EXECUTION_STATUS_TERMINATED");
  EXPECT_TRUE(h.Describe("wf")["workflowExecutionInfo"].contains("closeTime"));
  // The worker's late completion finds no task.
  EXPECT_EQ(h.Complete(task, {CompleteWorkflow(1)}).status.code(), Code::kNotFound);
}

TEST(Cancel, RequestThenWorkflowCancels) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("t", "1h")}).status.ok());
  h.Ok("RequestCancelWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"identity", "cli"}, {"reason", "r"}});
  h.Ok("RequestCancelWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}});  // idempotent
  task = h.PollWorkflowTask();
  EXPECT_EQ(task["history"]["events"].back()["eventType"], "EVENT_TYPE_WORKFLOW_TASK_STARTED");
  ASSERT_TRUE(h.Complete(task, {Cmd("CANCEL_TIMER", "cancelTimerCommandAttributes", {{"timerId", "t"}}),
                                Cmd("CANCEL_WORKFLOW_EXECUTION", "cancelWorkflowExecutionCommandAttributes", Json::object())})
                  .status.ok());
  EXPECT_EQ(h.EventTypes("wf"),
            "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskCompleted TimerStarted "
            "WorkflowExecutionCancelRequested WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskCompleted "
            "TimerCanceled WorkflowExecutionCanceled");
  EXPECT_EQ(h.StatusOf("wf"), "WORKFLOW_EXECUTION_STATUS_CANCELED");
  EXPECT_TRUE(h.Describe("wf")["pendingTimers"].empty());
}

TEST(List, FiltersPagesAndRejectsUnsupportedQueries) {
  Harness h;
  h.Start("a", "Invoice");
  h.clock().Advance(std::chrono::seconds(1));
  h.Start("b", "Invoice");
  h.clock().Advance(std::chrono::seconds(1));
  h.Start("c", "Other");
  h.Ok("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "a"}}}});
  auto ids = [&](const std::string& query, int page_size = 0, const std::string& token = "") {
    Json r = h.Ok("ListWorkflowExecutions", {{"query", query}, {"pageSize", page_size}, {"nextPageToken", token}});
    std::string out;
    for (const Json& e : r["executions"]) out += e["execution"]["workflowId"].get<std::string>();
    return std::pair{out, r.value("nextPageToken", "")};
  };
  EXPECT_EQ(ids("").first, "cba");
  EXPECT_EQ(ids("WorkflowType = 'Invoice'").first, "ba");
  EXPECT_EQ(ids("WorkflowType='Invoice' AND ExecutionStatus='Running'").first, "b");
  EXPECT_EQ(ids("ExecutionStatus = \"Terminated\"").first, "a");
  EXPECT_EQ(ids("WorkflowId = 'c' and ExecutionStatus = 'Running'").first, "c");
  auto page1 = ids("", 2);
  EXPECT_EQ(page1.first, "cb");
  EXPECT_EQ(ids("", 2, page1.second).first, "a");
  Status s = h.Err("ListWorkflowExecutions", {{"query", "StartTime > '2024-01-01'"}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("WorkflowType"), std::string::npos);
  EXPECT_EQ(h.Err("ListWorkflowExecutions", {{"query", "ExecutionStatus = 'Sleeping'"}}).code(), Code::kInvalidArgument);
}

TEST(History, PagesAndLongPollWokenByNewEvent) {
  Harness h;
  h.Start("wf");
  Json page = h.Ok("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", "wf"}}}, {"maximumPageSize", 1}});
  EXPECT_EQ(page["history"]["events"].size(), 1u);
  EXPECT_EQ(page["nextPageToken"], "2");
  Json rest = h.Ok("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", "wf"}}}, {"nextPageToken", "2"}});
  EXPECT_EQ(rest["history"]["events"].size(), 1u);
  EXPECT_FALSE(rest.contains("nextPageToken"));
  EXPECT_EQ(h.Err("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", "wf"}}}, {"nextPageToken", "zz"}}).code(),
            Code::kInvalidArgument);

  const CallId waiting = h.Send("GetWorkflowExecutionHistory",
                                {{"execution", {{"workflowId", "wf"}}}, {"nextPageToken", "3"}, {"waitNewEvent", true}});
  EXPECT_FALSE(h.Answered(waiting));
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"signalName", "s"}});
  ASSERT_TRUE(h.Answered(waiting));
  Json woken = h.Take(waiting).response;
  EXPECT_EQ(woken["history"]["events"].size(), 1u);
  EXPECT_EQ(woken["history"]["events"][0]["eventType"], "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED");
  EXPECT_EQ(woken["nextPageToken"], "4");

  // Close-event long poll.
  const CallId close = h.Send("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", "wf"}}}, {"waitNewEvent", true},
                                                              {"historyEventFilterType", "HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT"}});
  EXPECT_FALSE(h.Answered(close));
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"signalName", "s"}});
  EXPECT_FALSE(h.Answered(close));
  h.Ok("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}});
  ASSERT_TRUE(h.Answered(close));
  Json closed = h.Take(close).response;
  ASSERT_EQ(closed["history"]["events"].size(), 1u);
  EXPECT_EQ(closed["history"]["events"][0]["eventType"], "EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED");

  // A long poll with nothing new times out with an empty page.
  h.Start("idle");
  const CallId idle = h.Send("GetWorkflowExecutionHistory",
                             {{"execution", {{"workflowId", "idle"}}}, {"nextPageToken", "3"}, {"waitNewEvent", true}});
  h.Advance(std::chrono::seconds(61));
  ASSERT_TRUE(h.Answered(idle));
  EXPECT_TRUE(h.Take(idle).response["history"]["events"].empty());
  // Cancel drops a waiting reader.
  const CallId dropped = h.Send("GetWorkflowExecutionHistory",
                                {{"execution", {{"workflowId", "idle"}}}, {"nextPageToken", "3"}, {"waitNewEvent", true}});
  h.Apply(h.engine().Cancel(dropped));
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "idle"}}}, {"signalName", "s"}});
  EXPECT_FALSE(h.Answered(dropped));
}

TEST(DescribeTaskQueue, ShowsRecentPollers) {
  Harness h;
  Json none = h.Ok("DescribeTaskQueue", {{"taskQueue", {{"name", "q"}}}, {"taskQueueType", "TASK_QUEUE_TYPE_WORKFLOW"}});
  EXPECT_TRUE(none["pollers"].empty());
  const CallId poll = h.Send("PollWorkflowTaskQueue", {{"taskQueue", {{"name", "q"}}}, {"identity", "w1"}});
  Json one = h.Ok("DescribeTaskQueue", {{"taskQueue", {{"name", "q"}}}});
  ASSERT_EQ(one["pollers"].size(), 1u);
  EXPECT_EQ(one["pollers"][0]["identity"], "w1");
  Json activity = h.Ok("DescribeTaskQueue", {{"taskQueue", {{"name", "q"}}}, {"taskQueueType", "TASK_QUEUE_TYPE_ACTIVITY"}});
  EXPECT_TRUE(activity["pollers"].empty());
  // An expired poll gets an empty response, as Temporal's long poll does.
  h.Advance(std::chrono::seconds(60));
  ASSERT_TRUE(h.Answered(poll));
  EXPECT_EQ(h.Take(poll).response, Json::object());
  h.Advance(std::chrono::minutes(6));
  EXPECT_TRUE(h.Ok("DescribeTaskQueue", {{"taskQueue", {{"name", "q"}}}})["pollers"].empty());
}

TEST(Persistence, RestoreGivesTheSameStateAndContinuesIds) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("t", "5s")}).status.ok());
  const Json before = h.engine().DumpState();
  h.Restore();
  EXPECT_EQ(before, h.engine().DumpState());
  h.Advance(std::chrono::seconds(5));
  EXPECT_EQ(h.History("wf").back()["eventType"], "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED");
  EXPECT_EQ(h.History("wf")[h.History("wf").size() - 2]["eventType"], "EVENT_TYPE_TIMER_FIRED");
  // The restored engine continues the ID sequence: it matches an engine that
  // never restarted, and never repeats an ID.
  Harness fresh;
  const std::string first = fresh.Start("wf")["runId"];
  const std::string next = h.Start("other")["runId"];
  EXPECT_EQ(fresh.Start("other")["runId"], next);
  EXPECT_NE(first, next);
}

}  // namespace
}  // namespace durable::testing
