// The restore invariant (engine.h, "Persistence" in docs/architecture.md): an
// engine reopened from what its store holds is the engine that wrote it.
// Shared by the randomized restore test and the RPC fuzzer, so it needs no
// GoogleTest.
#pragma once

#include <limits>
#include <string>

#include "durable/engine.h"

namespace durable::testing {

// Empty when `restored` agrees with `live` on the canonical state dump, on
// every run's Describe and history, and on NextWakeup; otherwise the first
// difference. Pending long polls are not state, so the caller cancels them
// first. The reads use a call ID of their own and must write nothing (with
// the clock ticked, none has anything to do); a read that writes is reported.
inline std::string RestoreDifference(Engine& live, Engine& restored) {
  constexpr CallId kReadId = std::numeric_limits<CallId>::max();
  const Json a = live.DumpState(), b = restored.DumpState();
  if (a != b) return "state differs after restore\nlive:     " + a.dump() + "\nrestored: " + b.dump();
  for (const auto& [run_id, run] : a["runs"].items()) {
    const Json request = {{"execution", {{"workflowId", run["state"]["workflowId"]}, {"runId", run_id}}}};
    for (const char* method : {"DescribeWorkflowExecution", "GetWorkflowExecutionHistory"}) {
      const Outcome oa = live.Call(kReadId, method, request);
      const Outcome ob = restored.Call(kReadId, method, request);
      if (!oa.batch.empty() || !ob.batch.empty()) return std::string(method) + " wrote a batch";
      if (oa.ToJson() != ob.ToJson()) {
        return std::string(method) + " " + request.dump() + " differs after restore\nlive:     " +
               oa.ToJson().dump() + "\nrestored: " + ob.ToJson().dump();
      }
    }
  }
  if (live.NextWakeup() != restored.NextWakeup()) return "NextWakeup differs after restore";
  return "";
}

}  // namespace durable::testing
