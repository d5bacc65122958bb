// Native engine benchmarks (Google Benchmark). Figures go to bench/report.md
// through `npm run bench`; nothing here is a pass/fail test.
//
// Every benchmark drives the public API as a host would: each Outcome's batch
// is committed to a MemoryStore before its replies are read.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <memory>
#include <string>

#include "durable/clock.h"
#include "durable/engine.h"
#include "durable/history.h"
#include "durable/store.h"
#include "durable/worker_core.h"

namespace durable {
namespace {

Json Payloads(const Json& value) { return {{"payloads", Json::array({EncodeJsonPayload(value)})}}; }

Json StartTimerCommand(int64_t seq, const std::string& duration) {
  return {{"commandType", "COMMAND_TYPE_START_TIMER"},
          {"startTimerCommandAttributes", {{"timerId", std::to_string(seq)}, {"startToFireTimeout", duration}}}};
}

// An engine with a host loop around it: commit, then collect replies.
class Host {
 public:
  Host() : wall_(TimePoint(std::chrono::seconds(1'700'000'000))) {
    EngineOptions options;
    options.wall_clock = &wall_;
    options.seed = 7;
    engine_ = std::move(*Engine::Open(options, {}));
  }

  Json Call(const std::string& method, const Json& request) {
    Outcome outcome = engine_->Call(++next_call_, method, request);
    Commit(outcome);
    for (Reply& reply : outcome.replies) {
      if (reply.call_id == next_call_) return std::move(reply.response);
    }
    return Json();  // a long poll with nothing to hand out yet
  }

  // Jumps virtual time to the next timer and fires it (the same RPC the WASM
  // benchmark uses, so the two measure the same work).
  void FireNext() { Call("SkipToNextTimer", Json::object()); }

  void StartWorkflow(const std::string& id) {
    Call("StartWorkflowExecution", {{"namespace", "default"},
                                    {"workflowId", id},
                                    {"workflowType", {{"name", "InvoiceWorkflow"}}},
                                    {"taskQueue", {{"name", "bench"}}},
                                    {"input", Payloads({{"invoice_id", id}})}});
  }
  Json PollWorkflowTask(const std::string& queue = "bench") {
    return Call("PollWorkflowTaskQueue", {{"taskQueue", {{"name", queue}}}});
  }
  // Sticky, as a real worker is: the next task carries only new events.
  void Complete(const Json& task, Json commands) {
    Call("RespondWorkflowTaskCompleted",
         {{"taskToken", task["taskToken"]},
          {"commands", std::move(commands)},
          {"stickyAttributes", {{"workerTaskQueue", {{"name", "bench-sticky"}}}, {"scheduleToStartTimeout", "5s"}}}});
  }

  MemoryStore& store() { return store_; }
  // Frees what the store holds, so heap figures show the engine alone.
  void DropStore() { store_ = MemoryStore(); }

 private:
  void Commit(const Outcome& outcome) {
    if (!outcome.batch.empty() && !store_.Apply(outcome.batch).ok()) std::abort();
  }

  ManualWallClock wall_;
  std::unique_ptr<Engine> engine_;
  MemoryStore store_;
  CallId next_call_ = 0;
};

// Signals append one event each: the plainest measure of the append path
// (request validation, event creation, batch building, commit).
void BM_SignalAppend(benchmark::State& state) {
  Host host;
  host.StartWorkflow("signals");
  const Json signal = {{"namespace", "default"},
                       {"workflowExecution", {{"workflowId", "signals"}}},
                       {"signalName", "ApproveInvoice"},
                       {"input", Payloads(true)}};
  for (auto _ : state) host.Call("SignalWorkflowExecution", signal);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("events");
}
BENCHMARK(BM_SignalAppend);

// One workflow task per iteration: poll, complete with a 1 s timer, fire it.
// Appends WorkflowTaskStarted, WorkflowTaskCompleted, TimerStarted,
// TimerFired and WorkflowTaskScheduled: five events.
void BM_WorkflowTaskRoundTrip(benchmark::State& state) {
  Host host;
  host.StartWorkflow("timers");
  int64_t seq = 0;
  host.Complete(host.PollWorkflowTask(), Json::array({StartTimerCommand(++seq, "1s")}));
  host.FireNext();
  for (auto _ : state) {
    Json task = host.PollWorkflowTask("bench-sticky");
    host.Complete(task, Json::array({StartTimerCommand(++seq, "1s")}));
    host.FireNext();
  }
  state.SetItemsProcessed(state.iterations() * 5);
  state.SetLabel("events");
}
BENCHMARK(BM_WorkflowTaskRoundTrip);

// A history of `timers` sequential 1 s timers: 5 events per timer plus the
// first three, completed at the end.
Json TimerLoopPollResponse(int timers) {
  Host host;
  host.StartWorkflow("replay");
  for (int seq = 1; seq <= timers; ++seq) {
    host.Complete(host.PollWorkflowTask(seq == 1 ? "bench" : "bench-sticky"), Json::array({StartTimerCommand(seq, "1s")}));
    host.FireNext();
  }
  // The sticky task carries only new events; the full history is what a
  // fresh worker replays.
  Json task = host.PollWorkflowTask("bench-sticky");
  task["history"] = host.Call("GetWorkflowExecutionHistory",
                              {{"namespace", "default"}, {"execution", {{"workflowId", "replay"}}}})["history"];
  return task;
}

// Replay speed: a full history through the worker-side core, with "workflow
// code" that starts the next timer whenever one fires.
void BM_Replay(benchmark::State& state) {
  const Json poll = TimerLoopPollResponse(static_cast<int>(state.range(0)));
  const size_t events = poll["history"]["events"].size();
  const std::string run_id = poll["workflowExecution"]["runId"];
  WorkerCoreOptions options;
  options.task_queue = "bench";
  for (auto _ : state) {
    auto core = std::move(*WorkerCore::Create(options));
    StatusOr<Json> result = core->HandleWorkflowTask(poll);
    int64_t seq = 0;
    while (result.ok() && result->contains("activation")) {
      Json commands = Json::array({{{"startTimer", {{"seq", ++seq}, {"startToFireTimeout", "1s"}}}}});
      result = core->CompleteActivation({{"runId", run_id}, {"successful", {{"commands", commands}}}});
    }
    if (!result.ok()) state.SkipWithError(result.status().ToString().c_str());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events));
  state.counters["history_events"] = static_cast<double>(events);
}
BENCHMARK(BM_Replay)->Arg(2000)->Unit(benchmark::kMillisecond);

// Memory per idle workflow: N workflows each waiting on a 5-day timer, as the
// chapter's invoices wait for approval. Heap growth of the engine alone (the
// store is emptied before measuring), and the size of what the store holds.
void BM_IdleWorkflowMemory(benchmark::State& state) {
  const int64_t workflows = state.range(0);
  for (auto _ : state) {
    const size_t heap_before = mallinfo2().uordblks;
    auto host = std::make_unique<Host>();
    for (int64_t i = 0; i < workflows; ++i) {
      host->StartWorkflow("idle-" + std::to_string(i));
      host->Complete(host->PollWorkflowTask(), Json::array({StartTimerCommand(1, "432000s")}));
    }
    const size_t stored = SnapshotToJson(*host->store().Load()).dump().size();
    host->DropStore();
    const size_t heap_after = mallinfo2().uordblks;
    state.counters["engine_heap_bytes_per_workflow"] =
        static_cast<double>(heap_after - heap_before) / static_cast<double>(workflows);
    state.counters["stored_bytes_per_workflow"] = static_cast<double>(stored) / static_cast<double>(workflows);
  }
}
BENCHMARK(BM_IdleWorkflowMemory)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace durable

BENCHMARK_MAIN();
