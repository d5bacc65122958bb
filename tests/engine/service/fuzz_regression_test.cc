// Inputs the RPC fuzzer (tests/fuzz/rpc_fuzzer.cc) found, and their kin, each
// kept in tests/fuzz/corpus/rpc/ under the name its test gives.
#include "harness.h"
#include "restore_check.h"

namespace durable::testing {
namespace {

// A harness whose workflow "wf" has its first workflow task started.
class StartedTask : public ::testing::Test {
 protected:
  void SetUp() override {
    h.Start("wf");
    token = h.PollWorkflowTask()["taskToken"];
  }
  void ExpectRestoreKeepsState() {
    auto engine = Engine::Open(h.options(), *h.store().Load());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    EXPECT_EQ(RestoreDifference(h.engine(), **engine), "");
  }

  Harness h;
  std::string token;
};

// regression-task-failed-cause.txt: a cause that is not a known enum name was
// written as sent, and a restore read it back in the importer's spelling
// ("WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW__TASK__..."), so the restored engine
// differed from the one that wrote the store.
TEST_F(StartedTask, AnUnknownFailureCauseReadsBackTheSameAfterARestore) {
  h.Ok("RespondWorkflowTaskFailed", {{"taskToken", token},
                                     {"cause", "WORKFLOW_TASK_FAILED_8888CAUSE_NON_DETERMINISTIC_ERROR"},
                                     {"failure", {{"Message", "nondeterminism"}}}});
  const std::vector<Json> events = h.History("wf");
  ASSERT_EQ(events[3]["eventType"], "EVENT_TYPE_WORKFLOW_TASK_FAILED");
  const Json& failed = Attrs(events[3]);
  EXPECT_EQ(failed["cause"], "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW__TASK__FAILED_8888_CAUSE__NON__DETERMINISTIC__ERROR");
  EXPECT_EQ(failed["failure"], Json({{"message", "nondeterminism"}}));
  ExpectRestoreKeepsState();
}

// regression-unreadable-failure.txt: the same flaw, worse. Request data the
// importer refuses (here a Failure's duration field that is no duration) made
// the store unreadable: the engine could not open it again. Such a request is
// refused now, and nothing is written.
TEST_F(StartedTask, DataHistoryCannotHoldIsRefusedAndNotStored) {
  Status s = h.Err("RespondWorkflowTaskFailed",
                   {{"taskToken", token},
                    {"failure", {{"message", "x"}, {"applicationFailureInfo", {{"nextRetryDelay", "soon"}}}}}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("nextRetryDelay"), std::string::npos) << s.message();
  ExpectRestoreKeepsState();
}

// regression-list-page-overflow.bin (as found), reduced to one call each in
// regression-{list,history}-page-overflow.txt: a page token and a page size
// near INT64_MAX were added unchecked, a signed overflow (undefined behaviour:
// UBSan stops engine-asan without the fix). Now they give the page past the end.
TEST(PageBounds, ListWithAPageTokenNearInt64MaxIsAnEmptyPage) {
  Harness h;
  h.Start("wf");
  Json r = h.Ok("ListWorkflowExecutions", {{"nextPageToken", "9223372036854775807"}, {"pageSize", 1}});
  EXPECT_EQ(r, Json({{"executions", Json::array()}}));
  r = h.Ok("ListWorkflowExecutions", {{"nextPageToken", "1"}, {"pageSize", "9223372036854775807"}});
  EXPECT_EQ(r, Json({{"executions", Json::array()}}));
}

TEST(PageBounds, HistoryWithAPageTokenNearInt64MaxIsAnEmptyPage) {
  Harness h;
  h.Start("wf");
  Json r = h.Ok("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", "wf"}}},
                                                {"nextPageToken", "9223372036854775807"},
                                                {"maximumPageSize", 5}});
  EXPECT_EQ(r["history"]["events"], Json::array());
  r = h.Ok("GetWorkflowExecutionHistory", {{"execution", {{"workflowId", "wf"}}},
                                           {"nextPageToken", "2"},
                                           {"maximumPageSize", "9223372036854775807"}});
  ASSERT_EQ(r["history"]["events"].size(), 1u);
  EXPECT_EQ(r["history"]["events"][0]["eventId"], "2");
}

}  // namespace
}  // namespace durable::testing
