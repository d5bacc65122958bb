// Typed reads of JSON fields that never throw: every accessor checks the
// field's type first and reports a missing or mistyped field as nullopt or as
// an INVALID_ARGUMENT naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "durable/status.h"
#include "durable/types.h"

namespace durable::replay {

// The field if it is present and not null.
const Json* FindField(const Json& object, std::string_view key);

std::optional<std::string> OptionalString(const Json& object, std::string_view key);
// int64 fields are strings in proto JSON ("5") but numbers in hand-written JSON; both are read.
std::optional<int64_t> OptionalInt64(const Json& object, std::string_view key);

// `context` names the enclosing message in error texts, e.g. "startTimer".
StatusOr<std::string> RequiredString(const Json& object, std::string_view key, std::string_view context);
StatusOr<uint32_t> RequiredSeq(const Json& object, std::string_view key, std::string_view context);
// Absent gives an empty string; present must be a string.
StatusOr<std::string> StringOrEmpty(const Json& object, std::string_view key, std::string_view context);
// Absent gives nullopt; present must be an object.
StatusOr<std::optional<Json>> OptionalObject(const Json& object, std::string_view key,
                                             std::string_view context);
// Absent gives an empty array; present must be an array of objects (payloads).
StatusOr<Json> PayloadList(const Json& object, std::string_view key, std::string_view context);
// Absent gives nullopt; present must be a duration string; the result is canonical ("2s").
StatusOr<std::optional<std::string>> OptionalDuration(const Json& object, std::string_view key,
                                                      std::string_view context);

// Temporal's Payloads message {"payloads":[...]} from a list, and the first
// payload of one (results carry exactly one).
Json ToPayloads(const Json& payload_list);
std::optional<Json> FirstPayload(const Json& object, std::string_view payloads_key);
// The list inside a Payloads field, or an empty list.
Json PayloadListOf(const Json& object, std::string_view payloads_key);

// "5": the form Temporal's JSON uses for int64 fields.
std::string Int64Text(int64_t value);

}  // namespace durable::replay
