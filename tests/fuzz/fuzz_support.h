// What the fuzz targets share: reading fuzz bytes as the hosts' JSON text, and
// failing loudly. A failed property aborts, so libFuzzer keeps the input as a
// crash exactly as it does for a sanitizer report.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "durable/history.h"
#include "durable/status.h"
#include "durable/types.h"

namespace durable::fuzz {

[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::abort();
}

// The engine's promise (status.h): bad input is a Status with a code a
// caller can act on. INTERNAL means a bug, such as an exception the engine
// caught at its boundary instead of checking the input first.
inline void ExpectNoInternalError(const Status& status, std::string_view where) {
  if (status.code() == Code::kInternal) Fail(std::string(where) + ": " + status.ToString());
}

// Parses bytes the way the bindings parse a host's JSON text: no exceptions,
// nullopt for text that is not JSON (the binding refuses it before the engine
// sees it).
inline std::optional<Json> ParseJson(std::string_view text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

// Up to `max_length` fuzz bytes read as JSON text; null when they are not JSON.
inline Json ConsumeJson(FuzzedDataProvider& in, size_t max_length) {
  return ParseJson(in.ConsumeRandomLengthString(max_length)).value_or(Json());
}

// True about once in `n`. Once the input is used up FuzzedDataProvider gives
// the low end of every range, and that must mean the usual choice.
inline bool OneIn(FuzzedDataProvider& in, int n) { return in.ConsumeIntegralInRange(1, n) == n; }

// A string of fuzz bytes as a host can send one: hosts pass JSON text, which
// holds only valid UTF-8, so invalid sequences become U+FFFD.
inline std::string FuzzString(FuzzedDataProvider& in, size_t max_length) {
  const Json text = in.ConsumeRandomLengthString(max_length);
  return Json::parse(text.dump(-1, ' ', false, Json::error_handler_t::replace)).get<std::string>();
}

// Mostly one of `usual` (values the engine knows, so the input reaches past
// validation), sometimes a short string of fuzz bytes.
inline std::string PickString(FuzzedDataProvider& in, std::initializer_list<const char*> usual) {
  if (OneIn(in, 8)) return FuzzString(in, 24);
  return *(usual.begin() + in.ConsumeIntegralInRange<size_t>(0, usual.size() - 1));
}

// A duration as requests and commands spell them, with the odd invalid one.
inline std::string PickDuration(FuzzedDataProvider& in) {
  return PickString(in, {"1s", "2s", "10s", "30s", "0s", "500ms", "1m", "1h30m", "1.5s", "0.000000001s"});
}

// Temporal's Payloads message holding one json/plain payload.
inline Json Payloads(const std::string& value) { return {{"payloads", Json::array({EncodeJsonPayload(value)})}}; }

}  // namespace durable::fuzz
