// The store layout, in one place. Tables (all keys and values are the
// engine's own; hosts treat them as opaque):
//   meta       "engine"                     -> Meta (seed, counters, clock offset, auto-skip)
//   executions <runId>                      -> Run (mutable state of one run)
//   current    <workflowId>                 -> latest runId of that workflow ID
//   history    <runId>/<eventId, 20 digits> -> event in Temporal's JSON form
#pragma once

#include <map>
#include <string>
#include <vector>

#include "durable/store.h"
#include "service/state.h"

namespace durable::service {

// Everything durable, in memory.
struct DurableState {
  Meta meta;
  std::map<std::string, Run> runs;
  std::map<std::string, std::string> current;  // workflowId -> runId
  std::map<std::string, std::vector<HistoryEvent>> history;  // runId -> events
};

void PutMeta(WriteBatch& batch, const Meta& meta);
void PutRun(WriteBatch& batch, const Run& run);
void PutCurrent(WriteBatch& batch, const std::string& workflow_id, const std::string& run_id);
void PutEvent(WriteBatch& batch, const std::string& run_id, const HistoryEvent& event);

// Rebuilds the durable state from a snapshot; an empty snapshot gives an
// empty state whose meta.seed is 0 (the caller picks one).
StatusOr<DurableState> LoadState(const StoreSnapshot& snapshot);

}  // namespace durable::service
