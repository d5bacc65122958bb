// The retry math on its own: defaults, validation, the backoff formula and
// every reason an attempt is or is not retried.
#include "service/retry_policy.h"

#include <gtest/gtest.h>

namespace durable::service {
namespace {

using std::chrono::seconds;

Json AppFailure(const std::string& type, bool non_retryable = false) {
  return {{"message", "boom"}, {"applicationFailureInfo", {{"type", type}, {"nonRetryable", non_retryable}}}};
}

TEST(RetryPolicyTest, AbsentPolicyGetsTemporalDefaults) {
  auto p = RetryPolicyFromJson(Json());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->initial_interval, seconds(1));
  EXPECT_EQ(p->backoff_coefficient, 2.0);
  EXPECT_EQ(p->maximum_interval, seconds(100));
  EXPECT_EQ(p->maximum_attempts, 0);
  EXPECT_EQ(RetryPolicyToJson(*p),
            (Json{{"initialInterval", "1s"}, {"backoffCoefficient", 2.0}, {"maximumInterval", "100s"}, {"maximumAttempts", 0}}));
}

TEST(RetryPolicyTest, MaximumIntervalDefaultsToHundredTimesInitial) {
  auto p = RetryPolicyFromJson({{"initialInterval", "3s"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->maximum_interval, seconds(300));
}

TEST(RetryPolicyTest, RejectsInvalidPolicies) {
  for (const Json& bad : {Json("1s"), Json{{"initialInterval", 5}}, Json{{"initialInterval", "soon"}},
                          Json{{"initialInterval", "10s"}, {"maximumInterval", "5s"}},
                          Json{{"backoffCoefficient", 0.5}}, Json{{"backoffCoefficient", "2"}},
                          Json{{"maximumAttempts", -1}}, Json{{"maximumAttempts", 1.5}},
                          Json{{"nonRetryableErrorTypes", "ValueError"}},
                          Json{{"nonRetryableErrorTypes", {1}}}}) {
    auto p = RetryPolicyFromJson(bad);
    EXPECT_FALSE(p.ok()) << bad.dump();
    if (!p.ok()) EXPECT_EQ(p.status().code(), Code::kInvalidArgument) << bad.dump();
  }
}

TEST(RetryPolicyTest, BackoffGrowsByTheCoefficientUpToTheMaximum) {
  // The chapter's policy: initial 1 s, maximum 30 s.
  auto p = RetryPolicyFromJson({{"initialInterval", "1s"}, {"maximumInterval", "30s"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(RetryBackoff(*p, 1), seconds(1));
  EXPECT_EQ(RetryBackoff(*p, 2), seconds(2));
  EXPECT_EQ(RetryBackoff(*p, 5), seconds(16));
  EXPECT_EQ(RetryBackoff(*p, 6), seconds(30));
  EXPECT_EQ(RetryBackoff(*p, 10'000), seconds(30));  // no overflow far out
}

TEST(RetryPolicyTest, DecidesEachWayAnAttemptEnds) {
  auto p = RetryPolicyFromJson({{"maximumAttempts", 3}, {"nonRetryableErrorTypes", {"InvalidInvoice"}}});
  ASSERT_TRUE(p.ok());
  const TimePoint now{seconds(1000)};

  RetryDecision retry = DecideRetry(*p, 1, AppFailure("GatewayDown"), true, now, std::nullopt);
  EXPECT_TRUE(retry.retry);
  EXPECT_EQ(retry.backoff, seconds(1));
  EXPECT_EQ(retry.retry_state, "RETRY_STATE_IN_PROGRESS");

  EXPECT_EQ(DecideRetry(*p, 3, AppFailure("GatewayDown"), true, now, std::nullopt).retry_state,
            "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED");
  EXPECT_EQ(DecideRetry(*p, 1, AppFailure("InvalidInvoice"), true, now, std::nullopt).retry_state,
            "RETRY_STATE_NON_RETRYABLE_FAILURE");
  EXPECT_EQ(DecideRetry(*p, 1, AppFailure("GatewayDown", true), true, now, std::nullopt).retry_state,
            "RETRY_STATE_NON_RETRYABLE_FAILURE");
  EXPECT_EQ(DecideRetry(*p, 1, Json(), false, now, std::nullopt).retry_state, "RETRY_STATE_TIMEOUT");
  // The next attempt would start at or after schedule-to-close: no retry.
  EXPECT_EQ(DecideRetry(*p, 1, AppFailure("GatewayDown"), true, now, now + seconds(1)).retry_state,
            "RETRY_STATE_TIMEOUT");
  EXPECT_TRUE(DecideRetry(*p, 1, AppFailure("GatewayDown"), true, now, now + seconds(2)).retry);
}

}  // namespace
}  // namespace durable::service
