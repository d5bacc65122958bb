// Reading request JSON without ever throwing: each getter checks the type and
// reports a field-named INVALID_ARGUMENT.
#pragma once

#include <string>

#include "durable/status.h"
#include "durable/types.h"

namespace durable::service {

// A string field; absent or null gives "" unless required.
Status GetString(const Json& obj, const char* key, std::string& out, bool required = false);
// {"name": "..."} objects such as workflowType and taskQueue.
Status GetName(const Json& obj, const char* key, std::string& out, bool required = false);
// A duration string ("10s"); absent or null gives 0.
Status GetDuration(const Json& obj, const char* key, Duration& out);
Status GetBool(const Json& obj, const char* key, bool& out);
Status GetInt(const Json& obj, const char* key, int64_t& out);
// An object field; absent gives null (a reference to a static null).
StatusOr<const Json*> GetObject(const Json& obj, const char* key, bool required = false);
// Optional payload-ish field copied as is (objects only); absent gives null.
StatusOr<Json> GetOptional(const Json& obj, const char* key);

}  // namespace durable::service

namespace durable::service {
// proto3 JSON writes int64 fields (event IDs) as decimal strings.
inline std::string IdString(int64_t id) { return std::to_string(id); }
}  // namespace durable::service
