#include "service/persistence.h"

#include <cstdio>

namespace durable::service {
namespace {

constexpr char kMeta[] = "meta";
constexpr char kMetaKey[] = "engine";
constexpr char kExecutions[] = "executions";
constexpr char kCurrent[] = "current";
constexpr char kHistory[] = "history";

// Zero-padded so a store's key order is event order.
std::string HistoryKey(const std::string& run_id, int64_t event_id) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(event_id));
  return run_id + "/" + digits;
}

const std::map<std::string, Json>* Table(const StoreSnapshot& snapshot, const char* name) {
  auto it = snapshot.find(name);
  return it == snapshot.end() ? nullptr : &it->second;
}

}  // namespace

void PutMeta(WriteBatch& batch, const Meta& meta) { batch.Put(kMeta, kMetaKey, MetaToJson(meta)); }
void PutRun(WriteBatch& batch, const Run& run) { batch.Put(kExecutions, run.run_id, RunToJson(run)); }
void PutCurrent(WriteBatch& batch, const std::string& workflow_id, const std::string& run_id) {
  batch.Put(kCurrent, workflow_id, run_id);
}
void PutEvent(WriteBatch& batch, const std::string& run_id, const HistoryEvent& event) {
  batch.Put(kHistory, HistoryKey(run_id, event.event_id), EventToJson(event));
}

StatusOr<DurableState> LoadState(const StoreSnapshot& snapshot) {
  DurableState state;
  if (const auto* meta = Table(snapshot, kMeta)) {
    if (auto it = meta->find(kMetaKey); it != meta->end()) {
      StatusOr<Meta> m = MetaFromJson(it->second);
      if (!m.ok()) return m.status();
      state.meta = *m;
    }
  }
  if (const auto* executions = Table(snapshot, kExecutions)) {
    for (const auto& [run_id, value] : *executions) {
      StatusOr<Run> run = RunFromJson(value);
      if (!run.ok()) return run.status();
      state.history[run_id];
      state.runs.emplace(run_id, std::move(*run));
    }
  }
  if (const auto* current = Table(snapshot, kCurrent)) {
    for (const auto& [workflow_id, value] : *current) {
      if (!value.is_string() || !state.runs.count(value.get<std::string>())) {
        return Internal("stored current run of workflow " + workflow_id + " is unknown");
      }
      state.current[workflow_id] = value.get<std::string>();
    }
  }
  if (const auto* history = Table(snapshot, kHistory)) {
    // Keys sort by run, then by event ID.
    for (const auto& [key, value] : *history) {
      const std::string run_id = key.substr(0, key.rfind('/'));
      auto events = state.history.find(run_id);
      if (events == state.history.end()) return Internal("stored history event " + key + " has no run");
      StatusOr<HistoryEvent> event = EventFromJson(value);
      if (!event.ok()) return event.status();
      if (event->event_id != static_cast<int64_t>(events->second.size()) + 1) {
        return Internal("stored history of run " + run_id + " has a gap before event " + key);
      }
      events->second.push_back(std::move(*event));
    }
  }
  for (const auto& [run_id, run] : state.runs) {
    if (static_cast<int64_t>(state.history[run_id].size()) + 1 != run.next_event_id) {
      return Internal("stored history of run " + run_id + " does not match its state");
    }
  }
  return state;
}

}  // namespace durable::service
