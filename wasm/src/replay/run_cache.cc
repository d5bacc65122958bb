#include "replay/run_cache.h"

#include <utility>

namespace durable::replay {

WorkflowRun* RunCache::Find(const std::string& run_id) const {
  auto found = runs_.find(run_id);
  return found == runs_.end() ? nullptr : found->second->get();
}

void RunCache::Touch(const std::string& run_id) {
  auto found = runs_.find(run_id);
  if (found != runs_.end()) order_.splice(order_.begin(), order_, found->second);
}

WorkflowRun& RunCache::Insert(std::unique_ptr<WorkflowRun> run) {
  std::string run_id = run->run_id();
  order_.push_front(std::move(run));
  runs_[run_id] = order_.begin();
  return *order_.front();
}

bool RunCache::Erase(const std::string& run_id) {
  auto found = runs_.find(run_id);
  if (found == runs_.end()) return false;
  order_.erase(found->second);
  runs_.erase(found);
  return true;
}

std::optional<std::string> RunCache::EvictionCandidate() const {
  for (auto run = order_.rbegin(); run != order_.rend(); ++run) {
    if (!(*run)->HasOutstandingActivation()) return (*run)->run_id();
  }
  return std::nullopt;
}

}  // namespace durable::replay
