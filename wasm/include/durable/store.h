// Persistence contract between the engine and whatever stores its state.
//
// Every state change leaves the engine as one WriteBatch of puts and deletes
// on named tables. A host applies each batch atomically, in order, and only
// then delivers the replies that came with it (see engine.h). Restoring an
// engine from the resulting StoreSnapshot yields exactly the state it had.
// The engine chooses the tables and keys; hosts treat them as opaque.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "durable/status.h"
#include "durable/types.h"

namespace durable {

class WriteBatch {
 public:
  struct Op {
    std::string table;
    std::string key;
    std::optional<Json> value;  // nullopt: delete the key
    friend bool operator==(const Op&, const Op&) = default;
  };

  void Put(std::string table, std::string key, Json value);
  void Delete(std::string table, std::string key);
  // Appends other's operations after this batch's own.
  void Append(const WriteBatch& other);
  bool empty() const { return ops_.empty(); }
  const std::vector<Op>& ops() const { return ops_; }

  // [{"table":..,"key":..,"value":..} | {"table":..,"key":..,"delete":true}]
  Json ToJson() const;
  static StatusOr<WriteBatch> FromJson(const Json& json);

  friend bool operator==(const WriteBatch&, const WriteBatch&) = default;

 private:
  std::vector<Op> ops_;
};

// table -> key -> value: what a store holds after applying its batches.
using StoreSnapshot = std::map<std::string, std::map<std::string, Json>>;
void ApplyToSnapshot(const WriteBatch& batch, StoreSnapshot& snapshot);
Json SnapshotToJson(const StoreSnapshot& snapshot);
StatusOr<StoreSnapshot> SnapshotFromJson(const Json& json);

class Store {
 public:
  virtual ~Store() = default;
  // Applies the whole batch or nothing.
  virtual Status Apply(const WriteBatch& batch) = 0;
  virtual StatusOr<StoreSnapshot> Load() const = 0;
};

// Keeps everything in memory: native tests, benchmarks, and the browser's
// fallback when IndexedDB is unavailable.
class MemoryStore final : public Store {
 public:
  Status Apply(const WriteBatch& batch) override;
  StatusOr<StoreSnapshot> Load() const override { return snapshot_; }

 private:
  StoreSnapshot snapshot_;
};

}  // namespace durable
