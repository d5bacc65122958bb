// The RPC request decoder: Engine::Call (engine.h) with requests the engine
// has never seen. Every input runs on a new engine (MemoryStore, manual clock,
// fixed seed) whose outcomes are committed before their replies are read, as
// a host does. Properties:
//   - no call crashes, trips a sanitizer or answers INTERNAL, and none
//     answers with an exception the engine's boundary caught ("malformed
//     request: ..."): handlers check what they read (request.h);
//   - after the input, an engine restored from the store equals the live one
//     (restore_check.h, the randomized restore test's invariant).
//
// Two input forms:
//   - "<Method>\n<request JSON>": one call of that WorkflowService method on an
//     engine holding one started workflow ("wf" of type "Wf" on queue "q")
//     whose first workflow task is started, so calls naming it, or its task
//     token (see the corpus), reach past the lookups;
//   - anything else: bytes that script a sequence of calls (starts, signals,
//     queries, polls, task and activity responses with generated commands,
//     terminations, time skips, restores, and raw requests of fuzz JSON).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/clock.h"
#include "durable/engine.h"
#include "durable/history.h"
#include "durable/store.h"
#include "fuzz_support.h"
#include "service/restore_check.h"

namespace durable::fuzz {
namespace {

// The host's side of the contract, reduced to what the properties need.
class Host {
 public:
  Host() : clock_(TimePoint(std::chrono::seconds(1'700'000'000))) {
    options_.wall_clock = &clock_;
    options_.seed = 7;  // fixed, so run IDs and the task tokens in the corpus stay valid
    Reopen();
  }

  void Send(const std::string& method, const Json& request) {
    const CallId id = next_id_++;
    pending_[id] = method;
    Apply(engine_->Call(id, method, request));
  }

  void Advance(Duration d) {
    clock_.Advance(d);
    Apply(engine_->Tick());
  }
  void CancelOne(size_t index) {
    if (pending_.empty()) return;
    auto it = std::next(pending_.begin(), static_cast<std::ptrdiff_t>(index % pending_.size()));
    Apply(engine_->Cancel(it->first));
    pending_.erase(it);
  }

  // As after a crash: pending calls are gone, the engine comes back from the
  // store, and it must be the engine that wrote it.
  void RestoreAndCheck() {
    for (const auto& [id, method] : pending_) Apply(engine_->Cancel(id));
    pending_.clear();
    std::unique_ptr<Engine> live = std::move(engine_);
    Reopen();
    const std::string difference = testing::RestoreDifference(*live, *engine_);
    if (!difference.empty()) Fail(difference);
  }

  const std::vector<std::string>& tokens(char kind) { return tokens_[kind]; }

 private:
  void Reopen() {
    StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options_, *store_.Load());
    if (!engine.ok()) Fail("the engine does not open its own store: " + engine.status().ToString());
    engine_ = std::move(*engine);
  }

  // Commits the batch, then checks the replies (to this call or to earlier
  // ones they answer) and keeps their task tokens.
  void Apply(const Outcome& outcome) {
    // The batch reaches the store as JSON text, as it does the file and
    // IndexedDB stores, so a value that text does not carry is caught too.
    StatusOr<WriteBatch> batch = WriteBatch::FromJson(Json::parse(outcome.batch.ToJson().dump()));
    if (!batch.ok()) Fail("a batch does not survive JSON text: " + batch.status().ToString());
    if (Status s = store_.Apply(*batch); !s.ok()) Fail("MemoryStore refused a batch: " + s.ToString());
    for (const Reply& reply : outcome.replies) {
      auto call = pending_.find(reply.call_id);
      if (call == pending_.end()) Fail("a reply to call " + std::to_string(reply.call_id) + ", which is not pending");
      const std::string where = call->second;
      pending_.erase(call);
      ExpectNoInternalError(reply.status, where);
      if (reply.status.message().rfind("malformed request: ", 0) == 0) {
        Fail(where + " let an exception reach the engine's boundary: " + reply.status.ToString());
      }
      // Task tokens feed later responses: "wt|" workflow, "qt|" query, "at|" activity.
      if (reply.status.ok() && reply.response.is_object() && reply.response.value("taskToken", "") != "") {
        const std::string token = reply.response["taskToken"];
        tokens_[token.front()].push_back(token);
      }
    }
  }

  ManualWallClock clock_;
  EngineOptions options_;
  MemoryStore store_;
  std::unique_ptr<Engine> engine_;
  std::map<CallId, std::string> pending_;  // call -> method, until answered or canceled
  std::map<char, std::vector<std::string>> tokens_;
  CallId next_id_ = 1;
};

// ---- one call ---------------------------------------------------------------

void OneCall(const std::string& method, const Json& request) {
  Host host;
  host.Send("StartWorkflowExecution", {{"workflowId", "wf"},
                                       {"workflowType", {{"name", "Wf"}}},
                                       {"taskQueue", {{"name", "q"}}},
                                       {"input", Payloads("in")}});
  host.Send("PollWorkflowTaskQueue", {{"taskQueue", {{"name", "q"}}}, {"identity", "w"}});
  host.Send(method, request);
  host.RestoreAndCheck();
}

// ---- a scripted sequence ----------------------------------------------------

class Sequence {
 public:
  explicit Sequence(FuzzedDataProvider& in) : in_(in) {}

  void Run() {
    for (int step = 0; step < kMaxSteps && in_.remaining_bytes() > 0; ++step) Step();
    host_.RestoreAndCheck();
  }

 private:
  // Enough for several workflow tasks of several runs; longer inputs only slow
  // every execution down.
  static constexpr int kMaxSteps = 48;

  std::string WorkflowId() { return PickString(in_, {"wf-0", "wf-1", "wf-2"}); }
  std::string Queue() { return PickString(in_, {"q", "q", "sticky"}); }
  Json Execution() {
    Json execution = {{"workflowId", WorkflowId()}};
    if (in_.ConsumeBool()) execution["runId"] = FuzzString(in_, 40);
    return execution;
  }
  // A token this engine handed out (or, seldom, a forged one).
  std::string Token(char kind) {
    const std::vector<std::string>& seen = host_.tokens(kind);
    if (seen.empty() || OneIn(in_, 16)) return FuzzString(in_, 48);
    return seen[in_.ConsumeIntegralInRange<size_t>(0, seen.size() - 1)];
  }
  // A page size or page token: mostly small, sometimes any int64.
  int64_t Count() { return OneIn(in_, 8) ? in_.ConsumeIntegral<int64_t>() : in_.ConsumeIntegralInRange(0, 4); }
  // Fuzz JSON for a field whose content the engine stores or passes on.
  Json AnyJson() { return ConsumeJson(in_, 64); }

  Json Command() {
    auto command = [](const std::string& type, Json attributes) {
      std::string field;  // COMMAND_TYPE_START_TIMER -> startTimerCommandAttributes
      bool upper = false;
      for (char c : type) {
        if (c == '_') {
          upper = true;
        } else {
          field += upper ? c : static_cast<char>(c - 'A' + 'a');
          upper = false;
        }
      }
      return Json{{"commandType", "COMMAND_TYPE_" + type}, {field + "CommandAttributes", std::move(attributes)}};
    };
    const std::string timer = PickString(in_, {"t0", "t1"});
    switch (in_.ConsumeIntegralInRange(0, 10)) {
      case 0: return command("START_TIMER", {{"timerId", timer}, {"startToFireTimeout", PickDuration(in_)}});
      case 1: return command("CANCEL_TIMER", {{"timerId", timer}});
      case 2: {
        Json a = {{"activityId", PickString(in_, {"a0", "a1", "a2"})},
                  {"activityType", {{"name", "act"}}},
                  {"taskQueue", {{"name", Queue()}}},
                  {"startToCloseTimeout", PickDuration(in_)},
                  {"input", Payloads("x")}};
        if (in_.ConsumeBool()) a["scheduleToCloseTimeout"] = PickDuration(in_);
        if (in_.ConsumeBool()) a["heartbeatTimeout"] = PickDuration(in_);
        if (in_.ConsumeBool()) {
          a["retryPolicy"] = {{"maximumAttempts", in_.ConsumeIntegralInRange(-1, 4)},
                              {"initialInterval", PickDuration(in_)},
                              {"backoffCoefficient", in_.ConsumeFloatingPointInRange(-1.0, 3.0)}};
        }
        return command("SCHEDULE_ACTIVITY_TASK", std::move(a));
      }
      case 3:
        return command("REQUEST_CANCEL_ACTIVITY_TASK",
                       {{"scheduledEventId", std::to_string(in_.ConsumeIntegralInRange(-1, 16))}});
      case 4:
        return command("START_CHILD_WORKFLOW_EXECUTION",
                       {{"workflowId", WorkflowId()},
                        {"workflowType", {{"name", "Child"}}},
                        {"parentClosePolicy", PickString(in_, {"PARENT_CLOSE_POLICY_ABANDON",
                                                               "PARENT_CLOSE_POLICY_TERMINATE",
                                                               "PARENT_CLOSE_POLICY_REQUEST_CANCEL"})},
                        {"workflowRunTimeout", PickDuration(in_)},
                        {"workflowIdReusePolicy", AnyJson()}});
      case 5: return command("RECORD_MARKER", {{"markerName", "m"}, {"details", AnyJson()}});
      case 6: return command("COMPLETE_WORKFLOW_EXECUTION", {{"result", Payloads("done")}});
      case 7: return command("FAIL_WORKFLOW_EXECUTION", {{"failure", {{"message", "boom"}}}});
      case 8: return command("CANCEL_WORKFLOW_EXECUTION", Json::object());
      case 9:
        return command("CONTINUE_AS_NEW_WORKFLOW_EXECUTION",
                       {{"workflowRunTimeout", PickDuration(in_)}, {"input", Payloads("again")}});
      default: return AnyJson();
    }
  }

  void Step() {
    switch (in_.ConsumeIntegralInRange(0, 12)) {
      case 0: {
        Json request = {{"workflowId", WorkflowId()}, {"workflowType", {{"name", "Wf"}}},
                        {"taskQueue", {{"name", "q"}}}, {"input", Payloads("in")}};
        if (in_.ConsumeBool()) request["workflowRunTimeout"] = PickDuration(in_);
        if (in_.ConsumeBool()) request["workflowExecutionTimeout"] = PickDuration(in_);
        if (in_.ConsumeBool()) {
          request["workflowIdReusePolicy"] = PickString(in_, {"WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
                                                              "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
                                                              "WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING"});
        }
        if (in_.ConsumeBool()) request["requestId"] = PickString(in_, {"r1", "r2"});
        host_.Send("StartWorkflowExecution", request);
        return;
      }
      case 1:
        if (in_.ConsumeBool()) {
          host_.Send("SignalWorkflowExecution",
                     {{"workflowExecution", Execution()}, {"signalName", "s"}, {"input", Payloads("sig")}});
        } else {
          host_.Send("SignalWithStartWorkflowExecution",
                     {{"workflowId", WorkflowId()}, {"workflowType", {{"name", "Wf"}}},
                      {"taskQueue", {{"name", "q"}}}, {"signalName", "s"}, {"signalInput", Payloads("sig")}});
        }
        return;
      case 2:
        host_.Send(in_.ConsumeBool() ? "TerminateWorkflowExecution" : "RequestCancelWorkflowExecution",
                   {{"workflowExecution", Execution()}, {"reason", "fuzz"}});
        return;
      case 3:
        host_.Send("QueryWorkflow", {{"execution", Execution()}, {"query", {{"queryType", "status"}}}});
        return;
      case 4:
        host_.Send("PollWorkflowTaskQueue", {{"taskQueue", {{"name", Queue()}}}, {"identity", "w"}});
        return;
      case 5: {
        Json commands = Json::array();
        for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) commands.push_back(Command());
        Json request = {{"taskToken", Token('w')}, {"commands", std::move(commands)}};
        if (in_.ConsumeBool()) {
          request["stickyAttributes"] = {{"workerTaskQueue", {{"name", "sticky"}}},
                                         {"scheduleToStartTimeout", PickDuration(in_)}};
        }
        if (in_.ConsumeBool()) request["forceCreateNewWorkflowTask"] = true;
        if (in_.ConsumeBool()) request["queryResults"] = AnyJson();
        host_.Send("RespondWorkflowTaskCompleted", request);
        return;
      }
      case 6:
        if (in_.ConsumeBool()) {
          host_.Send("RespondWorkflowTaskFailed", {{"taskToken", Token('w')}, {"failure", {{"message", "bug"}}}});
        } else {
          host_.Send("RespondQueryTaskCompleted",
                     {{"taskToken", Token('q')},
                      {"completedType", PickString(in_, {"QUERY_RESULT_TYPE_ANSWERED", "QUERY_RESULT_TYPE_FAILED"})},
                      {"queryResult", Payloads("answer")}});
        }
        return;
      case 7:
        host_.Send("PollActivityTaskQueue", {{"taskQueue", {{"name", Queue()}}}, {"identity", "w"}});
        return;
      case 8: {
        const std::string token = Token('a');
        switch (in_.ConsumeIntegralInRange(0, 3)) {
          case 0: host_.Send("RespondActivityTaskCompleted", {{"taskToken", token}, {"result", Payloads("r")}}); return;
          case 1:
            host_.Send("RespondActivityTaskFailed",
                       {{"taskToken", token},
                        {"failure", {{"message", "e"}, {"applicationFailureInfo", {{"nonRetryable", in_.ConsumeBool()}}}}}});
            return;
          case 2: host_.Send("RespondActivityTaskCanceled", {{"taskToken", token}}); return;
          default: host_.Send("RecordActivityTaskHeartbeat", {{"taskToken", token}, {"details", Payloads("hb")}}); return;
        }
      }
      case 9:
        switch (in_.ConsumeIntegralInRange(0, 3)) {
          case 0: host_.Advance(std::chrono::seconds(in_.ConsumeIntegralInRange(0, 90))); return;
          case 1: host_.Send("SkipTime", {{"duration", PickDuration(in_)}}); return;
          case 2: host_.Send("SkipToNextTimer", Json::object()); return;
          default: host_.Send("SetAutoTimeSkipping", {{"enabled", in_.ConsumeBool()}}); return;
        }
      case 10:
        switch (in_.ConsumeIntegralInRange(0, 3)) {
          case 0: host_.Send("DescribeWorkflowExecution", {{"execution", Execution()}}); return;
          case 1:
            host_.Send("ListWorkflowExecutions",
                       {{"query", PickString(in_, {"", "ExecutionStatus = 'Running'", "WorkflowId = 'wf-1'"})},
                        {"pageSize", Count()},
                        {"nextPageToken", std::to_string(Count())}});
            return;
          case 2:
            host_.Send("GetWorkflowExecutionHistory",
                       {{"execution", Execution()},
                        {"waitNewEvent", in_.ConsumeBool()},
                        {"maximumPageSize", Count()},
                        {"nextPageToken", std::to_string(Count())},
                        {"historyEventFilterType", PickString(in_, {"HISTORY_EVENT_FILTER_TYPE_ALL_EVENT",
                                                                    "HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT"})}});
            return;
          default: host_.Send("DescribeTaskQueue", {{"taskQueue", {{"name", Queue()}}}}); return;
        }
      case 11: {
        // Any method with a request of fuzz JSON, against whatever state the
        // sequence built.
        const std::vector<std::string>& methods = Engine::Methods();
        const std::string method = methods[in_.ConsumeIntegralInRange<size_t>(0, methods.size() - 1)];
        host_.Send(method, ConsumeJson(in_, 256));
        return;
      }
      default:
        if (in_.ConsumeBool()) {
          host_.CancelOne(in_.ConsumeIntegral<size_t>());
        } else {
          host_.RestoreAndCheck();
        }
        return;
    }
  }

  FuzzedDataProvider& in_;
  Host host_;
};

// The method of the "<Method>\n<request JSON>" form, if `text` has that form.
std::optional<std::string> MethodLine(std::string_view text) {
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  const std::string_view name = text.substr(0, newline);
  for (const std::string& method : Engine::Methods()) {
    if (method == name) return method;
  }
  return std::nullopt;
}

}  // namespace
}  // namespace durable::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace durable::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (std::optional<std::string> method = MethodLine(text)) {
    if (std::optional<durable::Json> request = ParseJson(text.substr(method->size() + 1))) {
      OneCall(*method, *request);
    }
    return 0;
  }
  FuzzedDataProvider in(data, size);
  Sequence(in).Run();
  return 0;
}
