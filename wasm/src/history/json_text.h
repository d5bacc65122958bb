// Small helpers for reading JSON from untrusted text without exceptions, and
// for quoting untrusted values in error messages.
#pragma once

#include <string>
#include <string_view>

#include "durable/status.h"
#include "durable/types.h"

namespace durable {

// Deeper documents are refused: nlohmann's dump, copy and comparison recurse,
// so an unbounded depth could overflow the stack (smaller still in WASM).
// Protobuf limits message nesting to 100; JSON adds a level per array.
inline constexpr int kMaxJsonDepth = 256;

// Parses `text`; on failure INVALID_ARGUMENT "<what> is not valid JSON: ...".
StatusOr<Json> ParseJsonText(std::string_view text, std::string_view what);

// True when `value` nests deeper than `limit` levels (scalars are level 0).
bool DeeperThan(const Json& value, int limit);

// For messages: a string as a JSON literal shortened to a readable length,
// a number, boolean or null as itself, an object as {...}, an array as [...].
std::string Describe(const Json& value);
std::string Quote(std::string_view text);

}  // namespace durable
