// Test harness: an engine on a ManualWallClock whose outcomes are committed to
// a MemoryStore before their replies are collected, as a host does.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "durable/clock.h"
#include "durable/engine.h"
#include "durable/history.h"
#include "durable/store.h"

namespace durable::testing {

inline Json Input(const Json& value) { return {{"payloads", Json::array({EncodeJsonPayload(value)})}}; }

inline Json Cmd(const std::string& type, const std::string& attributes_field, Json attributes) {
  return {{"commandType", "COMMAND_TYPE_" + type}, {attributes_field, std::move(attributes)}};
}
inline Json StartTimer(const std::string& id, const std::string& duration) {
  return Cmd("START_TIMER", "startTimerCommandAttributes", {{"timerId", id}, {"startToFireTimeout", duration}});
}
inline Json CompleteWorkflow(const Json& result) {
  return Cmd("COMPLETE_WORKFLOW_EXECUTION", "completeWorkflowExecutionCommandAttributes", {{"result", Input(result)}});
}
inline Json ScheduleActivity(const std::string& id, const std::string& type, Json extra = Json::object()) {
  Json a = {{"activityId", id}, {"activityType", {{"name", type}}}, {"taskQueue", {{"name", "q"}}},
            {"startToCloseTimeout", "30s"}};
  a.update(extra);
  return Cmd("SCHEDULE_ACTIVITY_TASK", "scheduleActivityTaskCommandAttributes", std::move(a));
}
inline Json AppFailure(const std::string& message, const std::string& type = "Error", bool non_retryable = false) {
  return {{"message", message}, {"applicationFailureInfo", {{"type", type}, {"nonRetryable", non_retryable}}}};
}

class Harness {
 public:
  explicit Harness(uint64_t seed = 42) : clock_(TimePoint(std::chrono::seconds(1'700'000'000))) {
    options_.wall_clock = &clock_;
    options_.seed = seed;
    auto engine = Engine::Open(options_, {});
    EXPECT_TRUE(engine.ok());
    engine_ = std::move(*engine);
  }

  Engine& engine() { return *engine_; }
  ManualWallClock& clock() { return clock_; }
  MemoryStore& store() { return store_; }
  const EngineOptions& options() const { return options_; }
  size_t batches() const { return batches_; }

  void Apply(Outcome outcome) {
    if (!outcome.batch.empty()) {
      EXPECT_TRUE(store_.Apply(outcome.batch).ok());
      ++batches_;
    }
    for (Reply& r : outcome.replies) replies_[r.call_id] = std::move(r);
  }

  CallId Send(const std::string& method, const Json& request) {
    const CallId id = next_id_++;
    Apply(engine_->Call(id, method, request));
    return id;
  }
  bool Answered(CallId id) const { return replies_.count(id) > 0; }
  Reply Take(CallId id) {
    auto it = replies_.find(id);
    if (it == replies_.end()) {
      ADD_FAILURE() << "call " << id << " has no reply";
      return Reply{id, Internal("no reply"), Json()};
    }
    Reply r = std::move(it->second);
    replies_.erase(it);
    return r;
  }
  // A call that must succeed at once.
  Json Ok(const std::string& method, const Json& request) {
    Reply r = Take(Send(method, request));
    EXPECT_TRUE(r.status.ok()) << method << ": " << r.status.ToString();
    return r.response;
  }
  // A call that must fail at once; the state must be untouched.
  Status Err(const std::string& method, const Json& request) {
    const Json before = engine_->DumpState();
    const size_t batches = batches_;
    Reply r = Take(Send(method, request));
    EXPECT_FALSE(r.status.ok()) << method << " unexpectedly succeeded";
    EXPECT_EQ(before, engine_->DumpState()) << method << " changed state on error";
    EXPECT_EQ(batches, batches_) << method << " wrote a batch on error";
    return r.status;
  }

  void Advance(Duration d) {
    clock_.Advance(d);
    Apply(engine_->Tick());
  }
  // Ticks whenever the engine asks, until `until`.
  void RunUntil(TimePoint until) {
    for (;;) {
      auto next = engine_->NextWakeup();
      if (!next || *next > until) break;
      if (*next > engine_->Now()) clock_.Advance(*next - engine_->Now());
      Apply(engine_->Tick());
    }
    if (until > engine_->Now()) clock_.Advance(until - engine_->Now());
    Apply(engine_->Tick());
  }

  // Replaces the engine with one restored from the store.
  void Restore() {
    auto engine = Engine::Open(options_, *store_.Load());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
  }

  Json Start(const std::string& workflow_id, const std::string& type = "Wf", Json extra = Json::object()) {
    Json request = {{"namespace", "default"}, {"workflowId", workflow_id}, {"workflowType", {{"name", type}}},
                    {"taskQueue", {{"name", "q"}}}, {"input", Input({{"n", 1}})}, {"identity", "test"}};
    request.update(extra);
    return Ok("StartWorkflowExecution", request);
  }
  // Polls a workflow task that must be there.
  Json PollWorkflowTask(const std::string& queue = "q") {
    const CallId id = Send("PollWorkflowTaskQueue", {{"taskQueue", {{"name", queue}}}, {"identity", "worker-1"}});
    EXPECT_TRUE(Answered(id)) << "no workflow task on " << queue;
    if (!Answered(id)) {
      Apply(engine_->Cancel(id));
      return Json::object();
    }
    return Take(id).response;
  }
  Json PollActivityTask(const std::string& queue = "q") {
    const CallId id = Send("PollActivityTaskQueue", {{"taskQueue", {{"name", queue}}}, {"identity", "worker-1"}});
    EXPECT_TRUE(Answered(id)) << "no activity task on " << queue;
    if (!Answered(id)) {
      Apply(engine_->Cancel(id));
      return Json::object();
    }
    return Take(id).response;
  }
  Reply Complete(const Json& task, Json commands, Json extra = Json::object()) {
    Json request = {{"taskToken", task.value("taskToken", "")}, {"commands", std::move(commands)}, {"identity", "worker-1"}};
    request.update(extra);
    return Take(Send("RespondWorkflowTaskCompleted", request));
  }

  std::vector<Json> History(const std::string& workflow_id, const std::string& run_id = "") {
    Json r = Ok("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", workflow_id}, {"runId", run_id}}}});
    return r["history"]["events"].get<std::vector<Json>>();
  }
  // "WorkflowExecutionStarted WorkflowTaskScheduled ..."
  std::string EventTypes(const std::string& workflow_id, const std::string& run_id = "") {
    std::string out;
    for (const Json& e : History(workflow_id, run_id)) {
      std::string type = e["eventType"];
      std::string camel;
      bool upper = true;
      for (char c : type.substr(11)) {
        if (c == '_') {
          upper = true;
        } else {
          camel += upper ? c : static_cast<char>(std::tolower(c));
          upper = false;
        }
      }
      out += (out.empty() ? "" : " ") + camel;
    }
    return out;
  }
  Json Describe(const std::string& workflow_id, const std::string& run_id = "") {
    return Ok("DescribeWorkflowExecution", {{"execution", {{"workflowId", workflow_id}, {"runId", run_id}}}});
  }
  std::string StatusOf(const std::string& workflow_id) {
    return Describe(workflow_id)["workflowExecutionInfo"]["status"];
  }

 private:
  ManualWallClock clock_;
  EngineOptions options_;
  MemoryStore store_;
  std::unique_ptr<Engine> engine_;
  std::map<CallId, Reply> replies_;
  CallId next_id_ = 1;
  size_t batches_ = 0;
};

// The attributes object of a history event in JSON form.
inline const Json& Attrs(const Json& event) {
  for (const auto& [key, value] : event.items()) {
    if (key.size() > 15 && key.compare(key.size() - 15, 15, "EventAttributes") == 0) return value;
  }
  static const Json kNone = Json::object();
  return kNone;
}

}  // namespace durable::testing
