#include "service/retry_policy.h"

#include <cmath>

#include "durable/history.h"

namespace durable::service {

StatusOr<RetryPolicy> RetryPolicyFromJson(const Json& json) {
  RetryPolicy p;
  if (json.is_null()) {
    p.maximum_interval = 100 * p.initial_interval;
    return p;
  }
  if (!json.is_object()) return InvalidArgument("retryPolicy must be an object");
  auto duration = [&](const char* key, Duration& out) -> Status {
    if (!json.contains(key) || json[key].is_null()) return Status::Ok();
    if (!json[key].is_string()) return InvalidArgument(std::string("retryPolicy.") + key + " must be a duration string");
    StatusOr<Duration> d = ParseDuration(json[key].get<std::string>());
    if (!d.ok()) return InvalidArgument(std::string("retryPolicy.") + key + ": " + d.status().message());
    if (d->count() < 0) return InvalidArgument(std::string("retryPolicy.") + key + " cannot be negative");
    out = *d;
    return Status::Ok();
  };
  Duration initial{0};
  DURABLE_RETURN_IF_ERROR(duration("initialInterval", initial));
  if (initial.count() > 0) p.initial_interval = initial;
  DURABLE_RETURN_IF_ERROR(duration("maximumInterval", p.maximum_interval));
  if (p.maximum_interval.count() == 0) p.maximum_interval = 100 * p.initial_interval;
  if (p.maximum_interval < p.initial_interval) {
    return InvalidArgument("retryPolicy.maximumInterval cannot be less than initialInterval");
  }
  if (json.contains("backoffCoefficient") && !json["backoffCoefficient"].is_null()) {
    if (!json["backoffCoefficient"].is_number()) return InvalidArgument("retryPolicy.backoffCoefficient must be a number");
    const double c = json["backoffCoefficient"].get<double>();
    if (c != 0) p.backoff_coefficient = c;
    if (p.backoff_coefficient < 1) return InvalidArgument("retryPolicy.backoffCoefficient cannot be less than 1");
  }
  if (json.contains("maximumAttempts") && !json["maximumAttempts"].is_null()) {
    if (!json["maximumAttempts"].is_number_integer()) return InvalidArgument("retryPolicy.maximumAttempts must be an integer");
    const int64_t m = json["maximumAttempts"].get<int64_t>();
    if (m < 0 || m > INT32_MAX) return InvalidArgument("retryPolicy.maximumAttempts cannot be negative");
    p.maximum_attempts = static_cast<int32_t>(m);
  }
  if (json.contains("nonRetryableErrorTypes") && !json["nonRetryableErrorTypes"].is_null()) {
    const Json& types = json["nonRetryableErrorTypes"];
    if (!types.is_array()) return InvalidArgument("retryPolicy.nonRetryableErrorTypes must be an array of strings");
    for (const Json& t : types) {
      if (!t.is_string()) return InvalidArgument("retryPolicy.nonRetryableErrorTypes must be an array of strings");
      p.non_retryable_error_types.push_back(t.get<std::string>());
    }
  }
  return p;
}

Json RetryPolicyToJson(const RetryPolicy& p) {
  Json out = {{"initialInterval", FormatDuration(p.initial_interval)},
              {"backoffCoefficient", p.backoff_coefficient},
              {"maximumInterval", FormatDuration(p.maximum_interval)},
              {"maximumAttempts", p.maximum_attempts}};
  if (!p.non_retryable_error_types.empty()) out["nonRetryableErrorTypes"] = p.non_retryable_error_types;
  return out;
}

Duration RetryBackoff(const RetryPolicy& p, int32_t attempt) {
  const double initial = static_cast<double>(p.initial_interval.count());
  const double scaled = initial * std::pow(p.backoff_coefficient, attempt - 1);
  const double cap = static_cast<double>(p.maximum_interval.count());
  return Duration(static_cast<int64_t>(std::min(scaled, cap)));
}

RetryDecision DecideRetry(const RetryPolicy& p, int32_t attempt, const Json& failure, bool retryable_timeout,
                          TimePoint now, std::optional<TimePoint> deadline) {
  RetryDecision d;
  if (!retryable_timeout) {
    d.retry_state = "RETRY_STATE_TIMEOUT";
    return d;
  }
  if (failure.is_object() && failure.contains("applicationFailureInfo") &&
      failure["applicationFailureInfo"].is_object()) {
    const Json& info = failure["applicationFailureInfo"];
    const bool flagged = info.contains("nonRetryable") && info["nonRetryable"] == true;
    const std::string type = info.contains("type") && info["type"].is_string() ? info["type"].get<std::string>() : "";
    bool listed = false;
    for (const std::string& t : p.non_retryable_error_types) listed = listed || t == type;
    if (flagged || listed) {
      d.retry_state = "RETRY_STATE_NON_RETRYABLE_FAILURE";
      return d;
    }
  }
  if (p.maximum_attempts > 0 && attempt >= p.maximum_attempts) {
    d.retry_state = "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED";
    return d;
  }
  d.backoff = RetryBackoff(p, attempt);
  if (deadline && now + d.backoff >= *deadline) {
    d.retry_state = "RETRY_STATE_TIMEOUT";
    return d;
  }
  d.retry = true;
  d.retry_state = "RETRY_STATE_IN_PROGRESS";
  return d;
}

}  // namespace durable::service
