// Vocabulary types shared by every part of the engine.
#pragma once

#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace durable {

// Requests, responses, event attributes and stored records are JSON documents
// shaped like Temporal's proto3 JSON (camelCase field names).
using Json = nlohmann::json;

// Time in the engine is virtual (see clock.h) and kept in nanoseconds, as
// Temporal's timestamps and durations are.
using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Duration>;

}  // namespace durable
