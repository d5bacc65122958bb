// The sticky cache: workflow runs kept between their workflow tasks, so a
// task of a cached run replays only its new events. Least recently used runs
// leave first when it is full.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "replay/workflow_run.h"

namespace durable::replay {

class RunCache {
 public:
  explicit RunCache(size_t capacity) : capacity_(capacity) {}

  // Looks a run up without changing its place in the LRU order.
  WorkflowRun* Find(const std::string& run_id) const;
  // Marks a cached run as the most recently used.
  void Touch(const std::string& run_id);
  // Adds a run as the most recently used; the caller made room for it.
  WorkflowRun& Insert(std::unique_ptr<WorkflowRun> run);
  bool Erase(const std::string& run_id);

  // The run to evict to make room: the least recently used one that is not
  // waiting for an activation's completion; nullopt when every run is busy.
  std::optional<std::string> EvictionCandidate() const;

  size_t size() const { return runs_.size(); }
  bool full() const { return runs_.size() >= capacity_; }

 private:
  using Order = std::list<std::unique_ptr<WorkflowRun>>;  // most recently used first
  size_t capacity_;
  Order order_;
  std::unordered_map<std::string, Order::iterator> runs_;
};

}  // namespace durable::replay
