// Scenarios with a scripted worker: the test polls and answers with commands.
#include "harness.h"

namespace durable::testing {
namespace {

using std::chrono::seconds;
using std::chrono::hours;

std::string TypeOf(const Json& event) { return event["eventType"].get<std::string>().substr(11); }

// The chapter's invoice flow: wait up to 5 days for approval (signal arrives
// while a task is in flight), then per line a 2 s timer and the payment
// activity, failing twice before succeeding; queries before and after.
TEST(Scenario, InvoiceFlowWithApprovalSignalRetriesAndQueries) {
  Harness h;
  const Json invoice = {{"invoice_id", "INV-100"}, {"lines", Json::array({{{"description", "Widget"}}})}};
  h.Start("invoice-1", "InvoiceWorkflow", {{"input", Input(invoice)}, {"taskQueue", {{"name", "q"}}}});
  Json task = h.PollWorkflowTask();
  EXPECT_EQ(task["attempt"], 1);
  EXPECT_EQ(task["startedEventId"], "3");
  EXPECT_EQ(task["previousStartedEventId"], "0");
  EXPECT_EQ(task["history"]["events"].size(), 3u);
  // While the worker runs this task, the approval signal arrives: buffered.
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "invoice-1"}}}, {"signalName", "ApproveInvoice"}});
  EXPECT_EQ(h.History("invoice-1").size(), 3u);
  ASSERT_TRUE(h.Complete(task, {StartTimer("1", "5d")}, {{"stickyAttributes", {{"workerTaskQueue", {{"name", "sticky-1"}}}, {"scheduleToStartTimeout", "10s"}}}}).status.ok());
  EXPECT_EQ(h.EventTypes("invoice-1"),
            "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskCompleted TimerStarted "
            "WorkflowExecutionSignaled WorkflowTaskScheduled");
  Json d = h.Describe("invoice-1");
  ASSERT_EQ(d["pendingTimers"].size(), 1u);
  EXPECT_EQ(d["pendingTimers"][0]["timerId"], "1");

  // The sticky worker gets only new events; the wait ends, the timer is
  // canceled and the 2 s line timer starts.
  task = h.PollWorkflowTask("sticky-1");
  EXPECT_EQ(task["previousStartedEventId"], "3");
  EXPECT_EQ(TypeOf(task["history"]["events"][0]), "WORKFLOW_TASK_COMPLETED");
  EXPECT_EQ(task["workflowExecutionTaskQueue"]["name"], "q");
  ASSERT_TRUE(h.Complete(task, {Cmd("CANCEL_TIMER", "cancelTimerCommandAttributes", {{"timerId", "1"}}), StartTimer("2", "2s")},
                         {{"stickyAttributes", {{"workerTaskQueue", {{"name", "sticky-1"}}}, {"scheduleToStartTimeout", "10s"}}}})
                  .status.ok());
  // A query now goes to the sticky worker as a query task.
  const CallId query = h.Send("QueryWorkflow", {{"execution", {{"workflowId", "invoice-1"}}}, {"query", {{"queryType", "status"}}}});
  EXPECT_FALSE(h.Answered(query));
  Json query_task = h.PollWorkflowTask("sticky-1");
  ASSERT_TRUE(query_task.contains("query"));
  EXPECT_EQ(query_task["query"]["queryType"], "status");
  h.Ok("RespondQueryTaskCompleted", {{"taskToken", query_task["taskToken"]}, {"completedType", "QUERY_RESULT_TYPE_ANSWERED"},
                                      {"queryResult", Input("APPROVED")}});
  ASSERT_TRUE(h.Answered(query));
  EXPECT_EQ(h.Take(query).response["queryResult"], Input("APPROVED"));
  const size_t length = h.History("invoice-1").size();

  h.Advance(seconds(2));
  task = h.PollWorkflowTask("sticky-1");
  EXPECT_EQ(TypeOf(task["history"]["events"][task["history"]["events"].size() - 3]), "TIMER_FIRED");
  ASSERT_TRUE(h.Complete(task, {ScheduleActivity("3", "payment_gateway",
                                                 {{"retryPolicy", {{"initialInterval", "1s"}, {"maximumInterval", "30s"}, {"maximumAttempts", 3}}}})},
                         {{"stickyAttributes", {{"workerTaskQueue", {{"name", "sticky-1"}}}, {"scheduleToStartTimeout", "10s"}}}})
                  .status.ok());
  EXPECT_GT(h.History("invoice-1").size(), length);
  const int64_t scheduled = std::stoll(h.History("invoice-1").back()["eventId"].get<std::string>());
  EXPECT_EQ(Attrs(h.History("invoice-1").back())["retryPolicy"]["maximumAttempts"], 3);

  // Attempts 1 and 2 fail; they leave no trace in history.
  for (int attempt = 1; attempt <= 2; ++attempt) {
    Json act = h.PollActivityTask();
    EXPECT_EQ(act["attempt"], attempt);
    EXPECT_EQ(act["activityType"]["name"], "payment_gateway");
    h.Ok("RespondActivityTaskFailed", {{"taskToken", act["taskToken"]}, {"failure", AppFailure("gateway down " + std::to_string(attempt))}});
    d = h.Describe("invoice-1");
    ASSERT_EQ(d["pendingActivities"].size(), 1u);
    EXPECT_EQ(d["pendingActivities"][0]["attempt"], attempt + 1);
    EXPECT_EQ(d["pendingActivities"][0]["maximumAttempts"], 3);
    EXPECT_EQ(d["pendingActivities"][0]["lastFailure"]["message"], "gateway down " + std::to_string(attempt));
    EXPECT_TRUE(d["pendingActivities"][0].contains("nextAttemptScheduleTime"));
    EXPECT_EQ(h.History("invoice-1").back()["eventType"], "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED");
    // Backoff 1 s then 2 s: nothing to poll before it passes.
    const CallId early = h.Send("PollActivityTaskQueue", {{"taskQueue", {{"name", "q"}}}});
    EXPECT_FALSE(h.Answered(early));
    h.RunUntil(h.engine().Now() + seconds(attempt));
    ASSERT_TRUE(h.Answered(early));
    Json next = h.Take(early).response;
    EXPECT_EQ(next["attempt"], attempt + 1);
    if (attempt == 2) {
      h.Ok("RespondActivityTaskCompleted", {{"taskToken", next["taskToken"]}, {"result", Input("paid")}});
    } else {
      h.Ok("RespondActivityTaskFailed", {{"taskToken", next["taskToken"]}, {"failure", AppFailure("gateway down 2")}});
      attempt = 2;
      // attempt 3 is the loop's next poll after the 2 s backoff
      h.RunUntil(h.engine().Now() + seconds(2));
      Json third = h.PollActivityTask();
      EXPECT_EQ(third["attempt"], 3);
      h.Ok("RespondActivityTaskCompleted", {{"taskToken", third["taskToken"]}, {"result", Input("paid")}});
    }
  }
  auto events = h.History("invoice-1");
  const Json& started = events[events.size() - 3];
  ASSERT_EQ(TypeOf(started), "ACTIVITY_TASK_STARTED");
  EXPECT_EQ(Attrs(started)["attempt"], 3);
  EXPECT_EQ(Attrs(started)["lastFailure"]["message"], "gateway down 2");
  EXPECT_EQ(Attrs(started)["scheduledEventId"], std::to_string(scheduled));
  const Json& completed = events[events.size() - 2];
  EXPECT_EQ(TypeOf(completed), "ACTIVITY_TASK_COMPLETED");
  EXPECT_EQ(Attrs(completed)["startedEventId"], started["eventId"]);
  EXPECT_EQ(Attrs(completed)["result"], Input("paid"));

  task = h.PollWorkflowTask("sticky-1");
  ASSERT_TRUE(h.Complete(task, {CompleteWorkflow("PAID")}).status.ok());
  EXPECT_EQ(h.StatusOf("invoice-1"), "WORKFLOW_EXECUTION_STATUS_COMPLETED");
  EXPECT_EQ(Attrs(h.History("invoice-1").back())["result"], Input("PAID"));

  // A query after completion: a worker replays the whole history.
  const CallId late = h.Send("QueryWorkflow", {{"execution", {{"workflowId", "invoice-1"}}}, {"query", {{"queryType", "status"}}}});
  Json replay = h.PollWorkflowTask("q");
  EXPECT_EQ(replay["history"]["events"].size(), h.History("invoice-1").size());
  h.Ok("RespondQueryTaskCompleted", {{"taskToken", replay["taskToken"]}, {"completedType", "QUERY_RESULT_TYPE_ANSWERED"},
                                      {"queryResult", Input("PAID")}});
  EXPECT_EQ(h.Take(late).response["queryResult"], Input("PAID"));
}

TEST(Scenario, NoApprovalTimerFiresAfterSkipTime) {
  Harness h;
  h.Start("inv");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("1", "5d")}).status.ok());
  const TimePoint before = h.engine().Now();
  Json skipped = h.Ok("SkipTime", {{"duration", "5d"}});
  EXPECT_EQ(skipped["time"], FormatTime(before + hours(120)));
  auto events = h.History("inv");
  ASSERT_EQ(TypeOf(events[events.size() - 2]), "TIMER_FIRED");
  EXPECT_EQ(Attrs(events[events.size() - 2])["startedEventId"], "5");
  EXPECT_EQ(events[events.size() - 2]["eventTime"], FormatTime(before + hours(120)));
  EXPECT_EQ(h.Err("SkipTime", {{"duration", "-5s"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(h.Err("SkipTime", Json::object()).code(), Code::kInvalidArgument);
  // The offset is durable.
  h.Restore();
  EXPECT_EQ(h.Ok("GetCurrentTime", Json::object())["time"], FormatTime(before + hours(120)));
}

TEST(Scenario, CrashedWorkerTaskTimesOutAndIsRetriedAsTransient) {
  Harness h;
  h.Start("wf");
  Json lost = h.PollWorkflowTask();  // the worker dies with this task
  h.Advance(seconds(9));
  EXPECT_EQ(h.History("wf").size(), 3u);
  h.Advance(seconds(1));
  EXPECT_EQ(h.EventTypes("wf"), "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskTimedOut");
  EXPECT_EQ(Attrs(h.History("wf")[3])["timeoutType"], "TIMEOUT_TYPE_START_TO_CLOSE");
  Json d = h.Describe("wf");
  EXPECT_EQ(d["pendingWorkflowTask"]["attempt"], 2);
  Json retry = h.PollWorkflowTask();
  EXPECT_EQ(retry["attempt"], 2);
  // The transient attempt's events are in the response, not in history.
  EXPECT_EQ(retry["history"]["events"].size(), 6u);
  EXPECT_EQ(retry["startedEventId"], "6");
  EXPECT_EQ(h.History("wf").size(), 4u);
  EXPECT_EQ(h.Complete(lost, {CompleteWorkflow(1)}).status.code(), Code::kNotFound);
  ASSERT_TRUE(h.Complete(retry, {CompleteWorkflow(2)}).status.ok());
  EXPECT_EQ(h.EventTypes("wf"),
            "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskTimedOut "
            "WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskCompleted WorkflowExecutionCompleted");
  EXPECT_EQ(Attrs(h.History("wf")[4])["attempt"], 2);
  // Second completion of the same token: NOT_FOUND and nothing changes.
  EXPECT_EQ(h.Err("RespondWorkflowTaskCompleted", {{"taskToken", retry["taskToken"]}, {"commands", Json::array()}}).code(),
            Code::kNotFound);
}

TEST(Scenario, FailingTaskBacksOffInsteadOfSpinning) {
  Harness h;
  h.Start("wf");
  for (int attempt = 1; attempt <= 4; ++attempt) {
    const CallId poll = h.Send("PollWorkflowTaskQueue", {{"taskQueue", {{"name", "q"}}}});
    if (attempt >= 3) {
      EXPECT_FALSE(h.Answered(poll)) << "attempt " << attempt << " should wait for its backoff";
      h.RunUntil(h.engine().Now() + seconds(1 << (attempt - 3)));
    }
    ASSERT_TRUE(h.Answered(poll));
    Json task = h.Take(poll).response;
    EXPECT_EQ(task["attempt"], attempt);
    h.Ok("RespondWorkflowTaskFailed", {{"taskToken", task["taskToken"]}, {"failure", {{"message", "bug"}}}});
  }
  // Only the first failure is recorded; retries are transient.
  EXPECT_EQ(h.EventTypes("wf"), "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskFailed");
  EXPECT_EQ(Attrs(h.History("wf")[3])["cause"], "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE");
}

TEST(Scenario, StickyScheduleToStartTimeoutMovesTaskToNormalQueue) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("t", "1s")},
                         {{"stickyAttributes", {{"workerTaskQueue", {{"name", "sticky"}}}, {"scheduleToStartTimeout", "5s"}}}})
                  .status.ok());
  h.Advance(seconds(1));  // timer fires; task goes to the sticky queue
  EXPECT_EQ(Attrs(h.History("wf").back())["taskQueue"]["kind"], "TASK_QUEUE_KIND_STICKY");
  const CallId normal = h.Send("PollWorkflowTaskQueue", {{"taskQueue", {{"name", "q"}}}});
  EXPECT_FALSE(h.Answered(normal));
  h.Advance(seconds(5));
  // Timed out, rescheduled on the normal queue, and started by its poller.
  auto events = h.History("wf");
  ASSERT_EQ(TypeOf(events[events.size() - 3]), "WORKFLOW_TASK_TIMED_OUT");
  EXPECT_EQ(Attrs(events[events.size() - 3])["timeoutType"], "TIMEOUT_TYPE_SCHEDULE_TO_START");
  EXPECT_EQ(Attrs(events[events.size() - 2])["taskQueue"]["name"], "q");
  EXPECT_EQ(Attrs(events[events.size() - 2])["taskQueue"]["kind"], "TASK_QUEUE_KIND_NORMAL");
  ASSERT_TRUE(h.Answered(normal));
  Json full = h.Take(normal).response;
  EXPECT_EQ(full["history"]["events"][0]["eventType"], "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED");
  EXPECT_EQ(full["attempt"], 1);
}

TEST(Scenario, CloseWithBufferedEventsIsUnhandledCommand) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"signalName", "late"}});
  Reply r = h.Complete(task, {CompleteWorkflow("done")});
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(h.EventTypes("wf"),
            "WorkflowExecutionStarted WorkflowTaskScheduled WorkflowTaskStarted WorkflowTaskFailed "
            "WorkflowExecutionSignaled WorkflowTaskScheduled");
  EXPECT_EQ(Attrs(h.History("wf")[3])["cause"], "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND");
  EXPECT_EQ(h.StatusOf("wf"), "WORKFLOW_EXECUTION_STATUS_RUNNING");
}

TEST(Scenario, BadCommandsFailTheTask) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  // Malformed sequences are rejected before anything happens.
  Status unknown = h.Err("RespondWorkflowTaskCompleted", {{"taskToken", task["taskToken"]}, {"commands", {{{"commandType", "COMMAND_TYPE_DANCE"}}}}});
  EXPECT_EQ(unknown.code(), Code::kInvalidArgument);
  Status order = h.Err("RespondWorkflowTaskCompleted", {{"taskToken", task["taskToken"]}, {"commands", {CompleteWorkflow(1), StartTimer("t", "1s")}}});
  EXPECT_EQ(order.code(), Code::kInvalidArgument);
  EXPECT_NE(order.message().find("last"), std::string::npos);
  EXPECT_EQ(h.Err("RespondWorkflowTaskCompleted", {{"taskToken", "wt|nope"}}).code(), Code::kNotFound);
  EXPECT_EQ(h.Err("RespondWorkflowTaskCompleted", {{"commands", Json::array()}}).code(), Code::kInvalidArgument);

  // An activity without timeouts fails the task with the matching cause.
  Json no_timeout = Cmd("SCHEDULE_ACTIVITY_TASK", "scheduleActivityTaskCommandAttributes", {{"activityId", "a"}, {"activityType", {{"name", "A"}}}});
  Reply r = h.Complete(task, {StartTimer("ok", "1s"), no_timeout});
  EXPECT_EQ(r.status.code(), Code::kInvalidArgument);
  EXPECT_NE(r.status.message().find("startToCloseTimeout"), std::string::npos);
  auto events = h.History("wf");
  ASSERT_EQ(TypeOf(events[3]), "WORKFLOW_TASK_FAILED");
  EXPECT_EQ(Attrs(events[3])["cause"], "WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES");
  EXPECT_EQ(events.size(), 4u);  // the timer of the failed task is not written
  EXPECT_TRUE(h.Describe("wf")["pendingTimers"].empty());

  task = h.PollWorkflowTask();
  EXPECT_EQ(task["attempt"], 2);
  r = h.Complete(task, {StartTimer("t", "1s"), StartTimer("t", "2s")});
  EXPECT_EQ(r.status.code(), Code::kInvalidArgument);
  // A dup timer failure on a transient task writes nothing new.
  EXPECT_EQ(h.History("wf").size(), 4u);
  h.RunUntil(h.engine().Now() + seconds(1));  // attempt 3 backs off 1 s
  task = h.PollWorkflowTask();
  EXPECT_EQ(task["attempt"], 3);
  r = h.Complete(task, {Cmd("CANCEL_TIMER", "cancelTimerCommandAttributes", {{"timerId", "never"}})});
  EXPECT_EQ(r.status.code(), Code::kInvalidArgument);
  h.RunUntil(h.engine().Now() + seconds(2));
  task = h.PollWorkflowTask();
  EXPECT_EQ(task["attempt"], 4);
  ASSERT_TRUE(h.Complete(task, {StartTimer("t", "1s")}).status.ok());
  EXPECT_EQ(TypeOf(h.History("wf").back()), "TIMER_STARTED");
}

TEST(Scenario, NonRetryableErrorStopsRetries) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {ScheduleActivity("a", "charge", {{"retryPolicy", {{"nonRetryableErrorTypes", {"CardDeclined"}}}}}),
                                ScheduleActivity("b", "charge")})
                  .status.ok());
  Json a = h.PollActivityTask();
  h.Ok("RespondActivityTaskFailed", {{"taskToken", a["taskToken"]}, {"failure", AppFailure("declined", "CardDeclined")}});
  Json b = h.PollActivityTask();
  h.Ok("RespondActivityTaskFailed", {{"taskToken", b["taskToken"]}, {"failure", AppFailure("fatal", "Other", true)}});
  auto events = h.History("wf");
  int failed = 0;
  for (const Json& e : events) {
    if (TypeOf(e) == "ACTIVITY_TASK_FAILED") {
      ++failed;
      EXPECT_EQ(Attrs(e)["retryState"], "RETRY_STATE_NON_RETRYABLE_FAILURE");
    }
  }
  EXPECT_EQ(failed, 2);
  EXPECT_TRUE(h.Describe("wf")["pendingActivities"].empty());
  EXPECT_EQ(h.Err("RespondActivityTaskCompleted", {{"taskToken", a["taskToken"]}}).code(), Code::kNotFound);
}

TEST(Scenario, HeartbeatTimeoutRetriesWithDetails) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {ScheduleActivity("a", "long", {{"heartbeatTimeout", "5s"},
                                                               {"retryPolicy", {{"maximumAttempts", 2}}}})})
                  .status.ok());
  Json act = h.PollActivityTask();
  h.Advance(seconds(4));
  Json hb = h.Ok("RecordActivityTaskHeartbeat", {{"taskToken", act["taskToken"]}, {"details", Input(42)}});
  EXPECT_EQ(hb["cancelRequested"], false);
  h.Advance(seconds(4));
  Json d = h.Describe("wf");
  EXPECT_EQ(d["pendingActivities"][0]["state"], "PENDING_ACTIVITY_STATE_STARTED");
  EXPECT_EQ(d["pendingActivities"][0]["heartbeatDetails"], Input(42));
  EXPECT_TRUE(d["pendingActivities"][0].contains("lastHeartbeatTime"));
  h.Advance(seconds(1));  // 5 s after the heartbeat
  d = h.Describe("wf");
  EXPECT_EQ(d["pendingActivities"][0]["attempt"], 2);
  EXPECT_EQ(d["pendingActivities"][0]["lastFailure"]["timeoutFailureInfo"]["timeoutType"], "TIMEOUT_TYPE_HEARTBEAT");
  h.Advance(seconds(1));
  Json second = h.PollActivityTask();
  EXPECT_EQ(second["heartbeatDetails"], Input(42));
  h.Advance(seconds(5));
  auto events = h.History("wf");
  ASSERT_EQ(TypeOf(events[events.size() - 2]), "ACTIVITY_TASK_TIMED_OUT");
  EXPECT_EQ(Attrs(events[events.size() - 2])["retryState"], "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED");
  EXPECT_EQ(Attrs(events[events.size() - 3])["attempt"], 2);
}

TEST(Scenario, ActivityCancelBeforeAndAfterStart) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {ScheduleActivity("a", "x"), ScheduleActivity("b", "x", {{"taskQueue", {{"name", "other"}}}})}).status.ok());
  Json a = h.PollActivityTask();
  h.Ok("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", "wf"}}}, {"signalName", "stop"}});
  task = h.PollWorkflowTask();
  auto cancel = [](int id) {
    return Cmd("REQUEST_CANCEL_ACTIVITY_TASK", "requestCancelActivityTaskCommandAttributes", {{"scheduledEventId", std::to_string(id)}});
  };
  ASSERT_TRUE(h.Complete(task, {cancel(5), cancel(6)}).status.ok());
  auto events = h.History("wf");
  // b was never started: canceled at once.
  EXPECT_EQ(TypeOf(events.back()), "WORKFLOW_TASK_SCHEDULED");
  EXPECT_EQ(TypeOf(events[events.size() - 2]), "ACTIVITY_TASK_CANCELED");
  EXPECT_EQ(Attrs(events[events.size() - 2])["scheduledEventId"], "6");
  Json hb = h.Ok("RecordActivityTaskHeartbeat", {{"taskToken", a["taskToken"]}});
  EXPECT_EQ(hb["cancelRequested"], true);
  EXPECT_EQ(h.Describe("wf")["pendingActivities"][0]["state"], "PENDING_ACTIVITY_STATE_CANCEL_REQUESTED");
  h.Ok("RespondActivityTaskCanceled", {{"taskToken", a["taskToken"]}, {"details", Input("stopped")}});
  events = h.History("wf");
  EXPECT_EQ(TypeOf(events.back()), "ACTIVITY_TASK_CANCELED");
  EXPECT_EQ(TypeOf(events[events.size() - 2]), "ACTIVITY_TASK_STARTED");
}

TEST(Scenario, ScheduleToCloseTimeoutEndsRetries) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {ScheduleActivity("a", "x", {{"scheduleToCloseTimeout", "10s"}, {"startToCloseTimeout", "3s"}})}).status.ok());
  h.PollActivityTask();
  h.RunUntil(h.engine().Now() + seconds(30));
  auto events = h.History("wf");
  Json last_timeout;
  for (const Json& e : events) {
    if (TypeOf(e) == "ACTIVITY_TASK_TIMED_OUT") last_timeout = e;
  }
  ASSERT_FALSE(last_timeout.is_null());
  EXPECT_EQ(Attrs(last_timeout)["failure"]["timeoutFailureInfo"]["timeoutType"], "TIMEOUT_TYPE_SCHEDULE_TO_CLOSE");
}

TEST(Scenario, ChildWorkflowsAndParentClosePolicy) {
  Harness h;
  h.Start("parent");
  Json task = h.PollWorkflowTask();
  auto child = [](const std::string& id, const std::string& policy) {
    return Cmd("START_CHILD_WORKFLOW_EXECUTION", "startChildWorkflowExecutionCommandAttributes",
               {{"workflowId", id}, {"workflowType", {{"name", "Child"}}}, {"parentClosePolicy", policy}});
  };
  h.Start("taken");
  ASSERT_TRUE(h.Complete(task, {child("kid-1", "PARENT_CLOSE_POLICY_TERMINATE"), child("kid-2", "PARENT_CLOSE_POLICY_ABANDON"),
                                child("kid-3", "PARENT_CLOSE_POLICY_REQUEST_CANCEL"), child("taken", "")})
                  .status.ok());
  std::string types = h.EventTypes("parent");
  EXPECT_NE(types.find("StartChildWorkflowExecutionFailed"), std::string::npos);
  EXPECT_NE(types.find("ChildWorkflowExecutionStarted"), std::string::npos);
  Json kid = h.Describe("kid-1");
  EXPECT_EQ(kid["workflowExecutionInfo"]["parentExecution"]["workflowId"], "parent");
  EXPECT_EQ(Attrs(h.History("kid-1")[0])["parentWorkflowExecution"]["workflowId"], "parent");
  EXPECT_EQ(h.Describe("parent")["pendingChildren"].size(), 3u);

  // kid-2 completes: the parent hears of it.
  Json kid_task;
  for (int i = 0; i < 4; ++i) {
    Json t = h.PollWorkflowTask();
    if (t["workflowExecution"]["workflowId"] == "kid-2") kid_task = t;
    else if (t["workflowExecution"]["workflowId"] != "parent") h.Complete(t, {StartTimer("wait", "1h")});
    else task = t;
  }
  ASSERT_TRUE(h.Complete(kid_task, {CompleteWorkflow("kid-2 done")}).status.ok());
  auto events = h.History("parent");
  EXPECT_EQ(TypeOf(events.back()), "CHILD_WORKFLOW_EXECUTION_COMPLETED");  // buffered behind the parent's task
  ASSERT_TRUE(h.Complete(task, {CompleteWorkflow("parent done")}).status.ok() || true);
  // The completion had buffered events: UNHANDLED_COMMAND; do it again.
  task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {CompleteWorkflow("parent done")}).status.ok());
  EXPECT_EQ(h.StatusOf("parent"), "WORKFLOW_EXECUTION_STATUS_COMPLETED");
  EXPECT_EQ(h.StatusOf("kid-1"), "WORKFLOW_EXECUTION_STATUS_TERMINATED");
  EXPECT_EQ(h.StatusOf("kid-2"), "WORKFLOW_EXECUTION_STATUS_COMPLETED");
  EXPECT_EQ(h.StatusOf("kid-3"), "WORKFLOW_EXECUTION_STATUS_RUNNING");
  EXPECT_NE(h.EventTypes("kid-3").find("WorkflowExecutionCancelRequested"), std::string::npos);
}

TEST(Scenario, ChildFailureReachesParent) {
  Harness h;
  h.Start("parent");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {Cmd("START_CHILD_WORKFLOW_EXECUTION", "startChildWorkflowExecutionCommandAttributes",
                                    {{"workflowId", "kid"}, {"workflowType", {{"name", "Child"}}}})})
                  .status.ok());
  Json first = h.PollWorkflowTask();
  Json second = h.PollWorkflowTask();
  const bool kid_first = first["workflowExecution"]["workflowId"] == "kid";
  Json kid = kid_first ? first : second;
  Json parent_task = kid_first ? second : first;  // saw ChildWorkflowExecutionStarted
  ASSERT_EQ(kid["workflowExecution"]["workflowId"], "kid");
  ASSERT_TRUE(h.Complete(parent_task, {}).status.ok());
  ASSERT_TRUE(h.Complete(kid, {Cmd("FAIL_WORKFLOW_EXECUTION", "failWorkflowExecutionCommandAttributes", {{"failure", {{"message", "boom"}}}})}).status.ok());
  auto events = h.History("parent");
  ASSERT_EQ(TypeOf(events[events.size() - 2]), "CHILD_WORKFLOW_EXECUTION_FAILED");
  EXPECT_EQ(Attrs(events[events.size() - 2])["failure"]["message"], "boom");
  EXPECT_EQ(Attrs(events[events.size() - 2])["initiatedEventId"], "5");
}

TEST(Scenario, ContinueAsNewStartsANewRunOfTheSameChain) {
  Harness h;
  const std::string first = h.Start("wf")["runId"];
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {Cmd("CONTINUE_AS_NEW_WORKFLOW_EXECUTION", "continueAsNewWorkflowExecutionCommandAttributes",
                                    {{"input", Input(2)}})})
                  .status.ok());
  auto old_events = h.History("wf", first);
  ASSERT_EQ(TypeOf(old_events.back()), "WORKFLOW_EXECUTION_CONTINUED_AS_NEW");
  const std::string second = Attrs(old_events.back())["newExecutionRunId"];
  EXPECT_EQ(h.Describe("wf", first)["workflowExecutionInfo"]["status"], "WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW");
  Json started = Attrs(h.History("wf")[0]);
  EXPECT_EQ(started["continuedExecutionRunId"], first);
  EXPECT_EQ(started["firstExecutionRunId"], first);
  EXPECT_EQ(started["originalExecutionRunId"], second);
  EXPECT_EQ(started["input"], Input(2));
  EXPECT_EQ(h.Describe("wf")["workflowExecutionInfo"]["execution"]["runId"], second);
  task = h.PollWorkflowTask();
  EXPECT_EQ(task["workflowExecution"]["runId"], second);
}

TEST(Scenario, QueryAttachedToPendingTaskAndTimeout) {
  Harness h;
  h.Start("wf");
  // A task is scheduled: the query rides along with it.
  const CallId query = h.Send("QueryWorkflow", {{"execution", {{"workflowId", "wf"}}}, {"query", {{"queryType", "state"}}}});
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(task.contains("queries"));
  ASSERT_EQ(task["queries"].size(), 1u);
  const std::string query_id = task["queries"].items().begin().key();
  ASSERT_TRUE(h.Complete(task, {StartTimer("t", "1h")},
                         {{"queryResults", {{query_id, {{"resultType", "QUERY_RESULT_TYPE_ANSWERED"}, {"answer", Input("fine")}}}}}})
                  .status.ok());
  EXPECT_EQ(h.Take(query).response["queryResult"], Input("fine"));
  // No worker: DEADLINE_EXCEEDED naming the queue.
  h.Advance(std::chrono::minutes(10));
  const CallId lonely = h.Send("QueryWorkflow", {{"execution", {{"workflowId", "wf"}}}, {"query", {{"queryType", "state"}}}});
  h.Advance(seconds(10));
  ASSERT_TRUE(h.Answered(lonely));
  Reply r = h.Take(lonely);
  EXPECT_EQ(r.status.code(), Code::kDeadlineExceeded);
  EXPECT_NE(r.status.message().find("no worker is polling task queue \"q\""), std::string::npos);
  // A failed query answer.
  const CallId failing = h.Send("QueryWorkflow", {{"execution", {{"workflowId", "wf"}}}, {"query", {{"queryType", "nope"}}}});
  Json qt = h.PollWorkflowTask();
  h.Ok("RespondQueryTaskCompleted", {{"taskToken", qt["taskToken"]}, {"completedType", "QUERY_RESULT_TYPE_FAILED"},
                                      {"errorMessage", "unknown query type nope"}});
  Reply failed = h.Take(failing);
  EXPECT_EQ(failed.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(failed.status.message(), "unknown query type nope");
  EXPECT_EQ(h.Err("RespondQueryTaskCompleted", {{"taskToken", qt["taskToken"]}, {"completedType", "QUERY_RESULT_TYPE_ANSWERED"}}).code(),
            Code::kNotFound);
  EXPECT_EQ(h.Err("QueryWorkflow", {{"execution", {{"workflowId", "ghost"}}}, {"query", {{"queryType", "s"}}}}).code(), Code::kNotFound);
  // Queries write nothing.
  EXPECT_EQ(TypeOf(h.History("wf").back()), "TIMER_STARTED");
}

TEST(Scenario, WorkflowRunTimeout) {
  Harness h;
  h.Start("wf", "Wf", {{"workflowRunTimeout", "1m"}});
  h.Advance(std::chrono::minutes(1));
  EXPECT_EQ(h.StatusOf("wf"), "WORKFLOW_EXECUTION_STATUS_TIMED_OUT");
  EXPECT_EQ(Attrs(h.History("wf").back())["retryState"], "RETRY_STATE_TIMEOUT");
}

TEST(Scenario, AutoTimeSkippingJumpsToTheNextTimerWhenIdle) {
  Harness h;
  h.Ok("SetAutoTimeSkipping", {{"enabled", true}});
  EXPECT_EQ(h.Err("SetAutoTimeSkipping", {{"enabled", "yes"}}).code(), Code::kInvalidArgument);
  h.Start("wf");
  const TimePoint start = h.engine().Now();
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("1", "5d")}).status.ok());
  // Nothing else was pending, so time jumped 5 days and the timer fired.
  EXPECT_GE(h.engine().Now(), start + hours(120));
  EXPECT_NE(h.EventTypes("wf").find("TimerFired"), std::string::npos);
  // While an activity is pending, time does not skip.
  task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {ScheduleActivity("a", "x"), StartTimer("2", "1h")}).status.ok());
  const TimePoint busy = h.engine().Now();
  EXPECT_LT(h.engine().Now(), busy + hours(1));
  EXPECT_EQ(h.EventTypes("wf").find("TimerFired", h.EventTypes("wf").find("TimerFired") + 1), std::string::npos);
  // The flag is durable.
  h.Restore();
  Json act = h.PollActivityTask();
  h.Ok("RespondActivityTaskCompleted", {{"taskToken", act["taskToken"]}});
  task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {}).status.ok());
  EXPECT_GE(h.engine().Now(), busy + hours(1));
}

TEST(Scenario, SkipToNextTimer) {
  Harness h;
  h.Start("wf");
  Json task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Complete(task, {StartTimer("a", "3h"), StartTimer("b", "1h")}).status.ok());
  const TimePoint t0 = h.engine().Now();
  Json r = h.Ok("SkipToNextTimer", Json::object());
  EXPECT_EQ(r["time"], FormatTime(t0 + hours(1)));
  auto events = h.History("wf");
  EXPECT_EQ(Attrs(events[events.size() - 2])["timerId"], "b");
}

}  // namespace
}  // namespace durable::testing
