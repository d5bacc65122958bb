// Bringing an event's `*EventAttributes` object to the one spelling the engine
// works with, whichever spelling the imported document used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "durable/history.h"

namespace durable {

// "WorkflowType" -> "workflowType"; camelCase keys come back unchanged.
std::string CamelCaseKey(std::string_view key);

// An int64 as proto3 JSON may spell it: a JSON integer or a decimal string.
std::optional<int64_t> JsonInt64(const Json& value);

// Returns the attributes with camelCase field names, enum values in their
// proto names ("Normal" -> "TASK_QUEUE_KIND_NORMAL"), durations and times
// in proto JSON form ("1m" -> "60s", "+02:00" offsets -> "Z") and every
// `*EventId` field as a decimal string. Errors name the field's path, which
// starts at `path` ("timerStartedEventAttributes").
StatusOr<Json> NormalizeAttributes(EventType type, const Json& attributes, const std::string& path);

}  // namespace durable
