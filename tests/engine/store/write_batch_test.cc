#include <gtest/gtest.h>

#include "durable/store.h"

namespace durable {
namespace {

TEST(WriteBatchTest, JsonRoundTrip) {
  WriteBatch batch;
  batch.Put("executions", "run-1", Json{{"status", "RUNNING"}});
  batch.Delete("timers", "run-1/3");
  auto parsed = WriteBatch::FromJson(batch.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, batch);
}

TEST(WriteBatchTest, RejectsMalformedOperations) {
  EXPECT_EQ(WriteBatch::FromJson(Json::object()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(WriteBatch::FromJson(Json::array({{{"table", "t"}}})).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(WriteBatch::FromJson(Json::array({{{"table", "t"}, {"key", "k"}}})).status().code(),
            Code::kInvalidArgument);
  Json both = Json::array({{{"table", "t"}, {"key", "k"}, {"value", 1}, {"delete", true}}});
  EXPECT_EQ(WriteBatch::FromJson(both).status().code(), Code::kInvalidArgument);
}

TEST(MemoryStoreTest, AppliesPutsAndDeletesInOrder) {
  MemoryStore store;
  WriteBatch first;
  first.Put("t", "a", 1);
  first.Put("t", "b", 2);
  ASSERT_TRUE(store.Apply(first).ok());
  WriteBatch second;
  second.Delete("t", "a");
  second.Put("t", "b", 3);
  second.Delete("missing-table", "x");
  ASSERT_TRUE(store.Apply(second).ok());
  auto snapshot = store.Load();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->at("t").size(), 1u);
  EXPECT_EQ(snapshot->at("t").at("b"), 3);
}

TEST(StoreSnapshotTest, JsonRoundTripAndValidation) {
  StoreSnapshot snapshot{{"meta", {{"clock", Json{{"offsetNanos", 5}}}}}};
  auto parsed = SnapshotFromJson(SnapshotToJson(snapshot));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, snapshot);
  EXPECT_FALSE(SnapshotFromJson(Json::array()).ok());
  EXPECT_FALSE(SnapshotFromJson(Json{{"meta", 3}}).ok());
}

}  // namespace
}  // namespace durable
