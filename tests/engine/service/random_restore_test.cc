// Randomized: thousands of seeded operation sequences run on two engines, one
// of which is restored from its store at random points. After every restore
// both must agree on the canonical state dump and on every run's Describe and
// history, and every later reply must be identical.
#include <cstdlib>
#include <random>

#include "harness.h"
#include "restore_check.h"

namespace durable::testing {
namespace {

class Driver {
 public:
  explicit Driver(uint64_t seed) : rng_(seed), a_(seed), b_(seed) {}

  // Returns false (after recording a failure) at the first divergence.
  bool Run(int steps) {
    for (int i = 0; i < steps; ++i) {
      if (!Step()) return false;
      if (Pick(6) == 0) {
        b_.Restore();
        ++restores_;
        if (!Compare()) return false;
      }
    }
    b_.Restore();
    return Compare();
  }
  int restores() const { return restores_; }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::string Wid() { return "wf-" + std::to_string(Pick(3)); }
  std::string Dur(int max_seconds) { return std::to_string(1 + Pick(max_seconds)) + "s"; }

  // Sends the same call to both engines; a poll that is not answered at once
  // is canceled, since pending polls do not survive a restore.
  bool Both(const std::string& method, const Json& request, Json* response = nullptr) {
    Reply ra = Once(a_, method, request);
    Reply rb = Once(b_, method, request);
    if (ra.status != rb.status || ra.response != rb.response) {
      ADD_FAILURE() << method << " " << request.dump() << "\nA: " << ra.ToJson().dump() << "\nB: " << rb.ToJson().dump();
      return false;
    }
    if (response) *response = ra.status.ok() ? ra.response : Json();
    return true;
  }
  static Reply Once(Harness& h, const std::string& method, const Json& request) {
    const CallId id = h.Send(method, request);
    if (!h.Answered(id)) {
      h.Apply(h.engine().Cancel(id));
      return Reply{id, Status::Ok(), "pending"};
    }
    Reply r = h.Take(id);
    r.call_id = 0;
    return r;
  }

  Json RandomCommands() {
    Json commands = Json::array();
    const size_t n = Pick(3);
    for (size_t i = 0; i < n; ++i) {
      switch (Pick(5)) {
        case 0: commands.push_back(StartTimer("t" + std::to_string(Pick(3)), Dur(30))); break;
        case 1: commands.push_back(Cmd("CANCEL_TIMER", "cancelTimerCommandAttributes", {{"timerId", "t" + std::to_string(Pick(3))}})); break;
        case 2: {
          Json extra = {{"retryPolicy", {{"maximumAttempts", Pick(4)}, {"initialInterval", Dur(3)}}}};
          if (Pick(3) == 0) extra["heartbeatTimeout"] = Dur(10);
          if (Pick(3) == 0) extra["scheduleToCloseTimeout"] = Dur(60);
          commands.push_back(ScheduleActivity("a" + std::to_string(Pick(4)), "act", extra));
          break;
        }
        case 3:
          commands.push_back(Cmd("REQUEST_CANCEL_ACTIVITY_TASK", "requestCancelActivityTaskCommandAttributes",
                                 {{"scheduledEventId", std::to_string(1 + Pick(12))}}));
          break;
        default:
          commands.push_back(Cmd("START_CHILD_WORKFLOW_EXECUTION", "startChildWorkflowExecutionCommandAttributes",
                                 {{"workflowId", Wid()}, {"workflowType", {{"name", "Child"}}},
                                  {"parentClosePolicy", Pick(2) ? "PARENT_CLOSE_POLICY_ABANDON" : "PARENT_CLOSE_POLICY_TERMINATE"}}));
      }
    }
    switch (Pick(8)) {
      case 0: commands.push_back(CompleteWorkflow("done")); break;
      case 1: commands.push_back(Cmd("FAIL_WORKFLOW_EXECUTION", "failWorkflowExecutionCommandAttributes", {{"failure", {{"message", "x"}}}})); break;
      case 2: commands.push_back(Cmd("CONTINUE_AS_NEW_WORKFLOW_EXECUTION", "continueAsNewWorkflowExecutionCommandAttributes", Json::object())); break;
      case 3: commands.push_back(Cmd("CANCEL_WORKFLOW_EXECUTION", "cancelWorkflowExecutionCommandAttributes", Json::object())); break;
      default: break;
    }
    return commands;
  }

  bool Step() {
    Json r;
    switch (Pick(12)) {
      case 0:
        return Both("StartWorkflowExecution", {{"workflowId", Wid()}, {"workflowType", {{"name", "Wf"}}}, {"taskQueue", {{"name", "q"}}},
                                               {"workflowRunTimeout", Pick(4) == 0 ? "2m" : "0s"}});
      case 1:
        return Both("SignalWorkflowExecution", {{"workflowExecution", {{"workflowId", Wid()}}}, {"signalName", "s"}});
      case 2:
        if (Pick(3) == 0) return Both("TerminateWorkflowExecution", {{"workflowExecution", {{"workflowId", Wid()}}}});
        return Both("RequestCancelWorkflowExecution", {{"workflowExecution", {{"workflowId", Wid()}}}});
      case 3:
      case 4: {
        const std::string queue = Pick(4) == 0 ? "sticky" : "q";
        if (!Both("PollWorkflowTaskQueue", {{"taskQueue", {{"name", queue}}}, {"identity", "w"}}, &r)) return false;
        if (r.is_object() && r.contains("taskToken")) workflow_tokens_.push_back(r["taskToken"]);
        return true;
      }
      case 5:
      case 6: {
        if (workflow_tokens_.empty()) return true;
        const Json token = workflow_tokens_[Pick(workflow_tokens_.size())];
        if (Pick(5) == 0) return Both("RespondWorkflowTaskFailed", {{"taskToken", token}, {"failure", {{"message", "bug"}}}});
        if (token.get<std::string>().rfind("qt|", 0) == 0) {
          return Both("RespondQueryTaskCompleted", {{"taskToken", token}, {"completedType", "QUERY_RESULT_TYPE_ANSWERED"}});
        }
        Json request = {{"taskToken", token}, {"commands", RandomCommands()}};
        if (Pick(2)) request["stickyAttributes"] = {{"workerTaskQueue", {{"name", "sticky"}}}, {"scheduleToStartTimeout", "5s"}};
        return Both("RespondWorkflowTaskCompleted", request);
      }
      case 7: {
        if (!Both("PollActivityTaskQueue", {{"taskQueue", {{"name", "q"}}}, {"identity", "w"}}, &r)) return false;
        if (r.is_object() && r.contains("taskToken")) activity_tokens_.push_back(r["taskToken"]);
        return true;
      }
      case 8: {
        if (activity_tokens_.empty()) return true;
        const Json token = activity_tokens_[Pick(activity_tokens_.size())];
        switch (Pick(4)) {
          case 0: return Both("RespondActivityTaskCompleted", {{"taskToken", token}, {"result", Input(1)}});
          case 1: return Both("RespondActivityTaskFailed", {{"taskToken", token}, {"failure", AppFailure("e", Pick(3) ? "E" : "F", Pick(4) == 0)}});
          case 2: return Both("RespondActivityTaskCanceled", {{"taskToken", token}});
          default: return Both("RecordActivityTaskHeartbeat", {{"taskToken", token}, {"details", Input(2)}});
        }
      }
      case 9: {
        const Duration d = std::chrono::seconds(Pick(15));
        a_.clock().Advance(d);
        b_.clock().Advance(d);
        Outcome oa = a_.engine().Tick();
        Outcome ob = b_.engine().Tick();
        if (!(oa.batch == ob.batch)) {
          ADD_FAILURE() << "Tick batches differ\nA: " << oa.batch.ToJson().dump() << "\nB: " << ob.batch.ToJson().dump();
          return false;
        }
        a_.Apply(std::move(oa));
        b_.Apply(std::move(ob));
        return true;
      }
      case 10:
        if (Pick(3) == 0) return Both("SetAutoTimeSkipping", {{"enabled", Pick(2) == 0}});
        if (Pick(2) == 0) return Both("SkipToNextTimer", Json::object());
        return Both("SkipTime", {{"duration", Dur(600)}});
      default:
        return Both("DescribeWorkflowExecution", {{"execution", {{"workflowId", Wid()}}}}) &&
               Both("ListWorkflowExecutions", {{"query", "ExecutionStatus = 'Running'"}});
    }
  }

  bool Compare() {
    const std::string difference = RestoreDifference(a_.engine(), b_.engine());
    if (!difference.empty()) ADD_FAILURE() << difference;
    return difference.empty();
  }

  std::mt19937_64 rng_;
  Harness a_, b_;
  std::vector<Json> workflow_tokens_, activity_tokens_;
  int restores_ = 0;
};

TEST(RandomRestore, RestoredEngineMatchesUninterruptedOne) {
  const char* env = std::getenv("DURABLE_RANDOM_SEED");
  const uint64_t base = env ? std::strtoull(env, nullptr, 10) : 20240601;
  // DURABLE_RANDOM_SEQUENCES shortens the run (e.g. under sanitizers).
  const char* count = std::getenv("DURABLE_RANDOM_SEQUENCES");
  const int sequences = env ? 1 : count ? std::atoi(count) : 2000;
  int restores = 0;
  for (int i = 0; i < sequences; ++i) {
    const uint64_t seed = base + static_cast<uint64_t>(i);
    Driver driver(seed);
    if (!driver.Run(40)) {
      FAIL() << "diverged with seed " << seed << " (rerun with DURABLE_RANDOM_SEED=" << seed << ")";
    }
    restores += driver.restores();
  }
  EXPECT_GT(restores, sequences);  // restores happened at many points
}

}  // namespace
}  // namespace durable::testing
