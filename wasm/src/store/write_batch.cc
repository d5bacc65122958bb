#include "durable/store.h"

namespace durable {

void WriteBatch::Put(std::string table, std::string key, Json value) {
  ops_.push_back({std::move(table), std::move(key), std::move(value)});
}

void WriteBatch::Delete(std::string table, std::string key) {
  ops_.push_back({std::move(table), std::move(key), std::nullopt});
}

void WriteBatch::Append(const WriteBatch& other) {
  ops_.insert(ops_.end(), other.ops_.begin(), other.ops_.end());
}

Json WriteBatch::ToJson() const {
  Json out = Json::array();
  for (const Op& op : ops_) {
    Json entry = {{"table", op.table}, {"key", op.key}};
    if (op.value) {
      entry["value"] = *op.value;
    } else {
      entry["delete"] = true;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

StatusOr<WriteBatch> WriteBatch::FromJson(const Json& json) {
  if (!json.is_array()) return InvalidArgument("a write batch is a JSON array of operations");
  WriteBatch batch;
  for (size_t i = 0; i < json.size(); ++i) {
    const Json& entry = json[i];
    const std::string where = "write batch operation " + std::to_string(i);
    if (!entry.is_object() || !entry.contains("table") || !entry["table"].is_string() ||
        !entry.contains("key") || !entry["key"].is_string()) {
      return InvalidArgument(where + " needs string fields \"table\" and \"key\"");
    }
    const bool is_delete = entry.value("delete", false) == true;
    if (is_delete == entry.contains("value")) {
      return InvalidArgument(where + " needs exactly one of \"value\" and \"delete\": true");
    }
    if (is_delete) {
      batch.Delete(entry["table"], entry["key"]);
    } else {
      batch.Put(entry["table"], entry["key"], entry["value"]);
    }
  }
  return batch;
}

void ApplyToSnapshot(const WriteBatch& batch, StoreSnapshot& snapshot) {
  for (const WriteBatch::Op& op : batch.ops()) {
    if (op.value) {
      snapshot[op.table][op.key] = *op.value;
    } else if (auto table = snapshot.find(op.table); table != snapshot.end()) {
      table->second.erase(op.key);
    }
  }
}

Json SnapshotToJson(const StoreSnapshot& snapshot) {
  Json out = Json::object();
  for (const auto& [table, rows] : snapshot) {
    Json& t = out[table] = Json::object();
    for (const auto& [key, value] : rows) t[key] = value;
  }
  return out;
}

StatusOr<StoreSnapshot> SnapshotFromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("a store snapshot is a JSON object of tables");
  StoreSnapshot snapshot;
  for (const auto& [table, rows] : json.items()) {
    if (!rows.is_object()) {
      return InvalidArgument("store snapshot table \"" + table + "\" is not an object of rows");
    }
    auto& target = snapshot[table];
    for (const auto& [key, value] : rows.items()) target[key] = value;
  }
  return snapshot;
}

Status MemoryStore::Apply(const WriteBatch& batch) {
  ApplyToSnapshot(batch, snapshot_);
  return Status::Ok();
}

}  // namespace durable
