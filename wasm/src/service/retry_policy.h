// Temporal's activity RetryPolicy: defaults, validation and the backoff
// formula, as pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "durable/status.h"
#include "durable/types.h"

namespace durable::service {

struct RetryPolicy {
  Duration initial_interval = std::chrono::seconds(1);
  double backoff_coefficient = 2.0;
  Duration maximum_interval{0};  // filled in: 100 x initial_interval
  int32_t maximum_attempts = 0;  // 0: unlimited
  std::vector<std::string> non_retryable_error_types;
};

// From the request's retryPolicy (null or absent: all defaults), with
// Temporal's defaults filled in and its validation rules.
StatusOr<RetryPolicy> RetryPolicyFromJson(const Json& json);
// As written in ActivityTaskScheduled.retryPolicy.
Json RetryPolicyToJson(const RetryPolicy& policy);

// What happens after attempt `attempt` failed (or timed out).
struct RetryDecision {
  bool retry = false;
  Duration backoff{0};
  std::string retry_state;  // RETRY_STATE_* written on the closing event
};

// failure: the Temporal Failure of the attempt (its applicationFailureInfo
// decides non-retryable errors). retryable_timeout: false for timeouts that
// never retry. deadline: schedule-to-close expiry, if any.
RetryDecision DecideRetry(const RetryPolicy& policy, int32_t attempt, const Json& failure,
                          bool retryable_timeout, TimePoint now, std::optional<TimePoint> deadline);

// min(initial * coefficient^(attempt-1), maximum).
Duration RetryBackoff(const RetryPolicy& policy, int32_t attempt);

}  // namespace durable::service
