// engine.wasm: the Embind surface of the engine for browsers and Node.
//
// Everything crosses the boundary as JSON text, so hosts need no knowledge of
// Embind's value types and the same calls work over MessagePorts. No call
// traps: bad input comes back as {"error":{"code":"...","message":"..."}} and
// any exception escaping the engine is caught here and reported as INTERNAL.
//
//   version()                                   -> "0.1.0"
//   methods()                                   -> '["StartWorkflowExecution", ...]'
//   Engine.open(optionsJson, snapshotJson)      -> Engine | '{"error":{...}}'
//   engine.call(callId, method, requestJson)    -> '{"batch":[...],"replies":[...]}'
//   engine.cancel(callId) / engine.tick()       -> the same outcome form
//   engine.nextWakeupMs()                       -> ms since the epoch (virtual time), or -1
//   engine.nowMs()                              -> virtual now, ms since the epoch
//   engine.dumpState()                          -> canonical JSON of the durable state (tests, debugging)
//   importHistory(text) / exportHistory(text)   -> '{"history":{"events":[...]}}' | '{"error":{...}}'
//   WorkerCore.create(optionsJson)              -> WorkerCore | '{"error":{...}}'
//   core.handleWorkflowTask(pollResponseJson)   -> '{"evictions":[...],"activation"|"respond":...}' | error
//   core.completeActivation(completionJson)     -> the same form
//   core.evict(runId)                           -> '{}' | error;  core.cachedRunCount() -> number
//   (see worker_core.h for the JSON shapes)
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "durable/engine.h"
#include "durable/history.h"
#include "durable/status.h"
#include "durable/store.h"
#include "durable/types.h"
#include "durable/worker_core.h"


namespace durable::bindings {
namespace {

// Invalid UTF-8 inside a payload must not turn into an exception on output.
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ErrorJson(const Status& status) {
  return {{"error", {{"code", std::string(CodeName(status.code()))}, {"message", status.message()}}}};
}

std::string ErrorText(const Status& status) { return Dump(ErrorJson(status)); }

// Parses text without throwing; a syntax error becomes INVALID_ARGUMENT.
StatusOr<Json> ParseJson(const std::string& text, std::string_view what) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidArgument(std::string(what) + " is not valid JSON");
  return json;
}

// An outcome that only answers `id` with an error (state untouched).
std::string ErrorOutcome(double id, const Status& status) {
  Json reply = {{"callId", id}};
  reply["error"] = {{"code", std::string(CodeName(status.code()))}, {"message", status.message()}};
  return Dump({{"batch", Json::array()}, {"replies", Json::array({reply})}});
}

Status FromException(std::string_view where) {
  try {
    throw;
  } catch (const std::exception& e) {
    return Internal(std::string(where) + ": " + e.what());
  } catch (...) {
    return Internal(std::string(where) + ": unknown exception");
  }
}

double ToMs(TimePoint t) {
  // Round up: a host that sleeps until this millisecond is never early.
  const auto ns = t.time_since_epoch().count();
  return std::ceil(static_cast<double>(ns) / 1e6);
}

// Call IDs come from JavaScript numbers: non-negative integers below 2^53.
bool ValidCallId(double id) {
  return std::isfinite(id) && id >= 0 && id <= 9007199254740991.0 && std::floor(id) == id;
}

StatusOr<Duration> MsOption(const Json& options, const char* name, Duration fallback) {
  if (!options.contains(name)) return fallback;
  const Json& v = options[name];
  if (!v.is_number() || v.get<double>() < 0) {
    return InvalidArgument(std::string("engine option \"") + name + "\" must be a non-negative number of milliseconds");
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(v.get<double>()));
}

// {"longPollTimeoutMs":60000,"queryTimeoutMs":10000,"maxPayloadBytes":2097152,"seed":"42"}
// All fields optional; unknown fields are an error so typos do not pass silently.
StatusOr<EngineOptions> ParseOptions(const Json& json) {
  EngineOptions options;
  if (json.is_null()) return options;
  if (!json.is_object()) return InvalidArgument("engine options must be a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (key != "longPollTimeoutMs" && key != "queryTimeoutMs" && key != "maxPayloadBytes" && key != "seed") {
      return InvalidArgument("unknown engine option \"" + key + "\"");
    }
  }
  auto long_poll = MsOption(json, "longPollTimeoutMs", options.long_poll_timeout);
  if (!long_poll.ok()) return long_poll.status();
  options.long_poll_timeout = *long_poll;
  auto query = MsOption(json, "queryTimeoutMs", options.query_timeout);
  if (!query.ok()) return query.status();
  options.query_timeout = *query;
  if (json.contains("maxPayloadBytes")) {
    const Json& v = json["maxPayloadBytes"];
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
      return InvalidArgument("engine option \"maxPayloadBytes\" must be a positive integer");
    }
    options.max_payload_bytes = static_cast<size_t>(v.get<int64_t>());
  }
  if (json.contains("seed")) {
    // A decimal string carries all 64 bits; a number is fine below 2^53.
    const Json& v = json["seed"];
    if (v.is_number_unsigned()) {
      options.seed = v.get<uint64_t>();
    } else if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      uint64_t seed = 0;
      if (s.empty() || s.size() > 20) return InvalidArgument("engine option \"seed\" must be a decimal integer");
      for (char c : s) {
        if (c < '0' || c > '9') return InvalidArgument("engine option \"seed\" must be a decimal integer");
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        if (seed > (UINT64_MAX - digit) / 10) return InvalidArgument("engine option \"seed\" is out of range");
        seed = seed * 10 + digit;
      }
      options.seed = seed;
    } else {
      return InvalidArgument("engine option \"seed\" must be a non-negative integer or a decimal string");
    }
  }
  return options;
}

// Accepts {"events":[...]}, a GetWorkflowExecutionHistory response
// {"history":{"events":[...]}}, or either in PascalCase, and returns the
// canonical Temporal document.
std::string HistoryDocument(const std::string& text) {
  try {
    auto json = ParseJson(text, "history");
    if (!json.ok()) return ErrorText(json.status());
    const Json* document = &*json;
    if (document->is_object() && document->contains("history") && (*document)["history"].is_object()) {
      document = &(*document)["history"];
    }
    auto events = ImportHistory(*document);
    if (!events.ok()) return ErrorText(events.status());
    return Dump({{"history", ExportHistory(*events)}});
  } catch (...) {
    return ErrorText(FromException("history codec"));
  }
}

std::string ImportHistoryJs(const std::string& text) { return HistoryDocument(text); }
std::string ExportHistoryJs(const std::string& text) { return HistoryDocument(text); }

std::string VersionJs() { return std::string(EngineVersion()); }

std::string MethodsJs() {
  Json out = Json::array();
  for (const std::string& m : Engine::Methods()) out.push_back(m);
  return Dump(out);
}

class EngineHandle {
 public:
  explicit EngineHandle(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {}

  static emscripten::val Open(const std::string& options_text, const std::string& snapshot_text) {
    try {
      Json options_json = Json::object();
      if (!options_text.empty()) {
        auto parsed = ParseJson(options_text, "engine options");
        if (!parsed.ok()) return emscripten::val(ErrorText(parsed.status()));
        options_json = std::move(*parsed);
      }
      auto options = ParseOptions(options_json);
      if (!options.ok()) return emscripten::val(ErrorText(options.status()));

      StoreSnapshot snapshot;
      if (!snapshot_text.empty()) {
        auto parsed = ParseJson(snapshot_text, "store snapshot");
        if (!parsed.ok()) return emscripten::val(ErrorText(parsed.status()));
        auto restored = SnapshotFromJson(*parsed);
        if (!restored.ok()) return emscripten::val(ErrorText(restored.status()));
        snapshot = std::move(*restored);
      }
      auto engine = Engine::Open(*options, snapshot);
      if (!engine.ok()) return emscripten::val(ErrorText(engine.status()));
      return emscripten::val(std::make_unique<EngineHandle>(std::move(*engine)));
    } catch (...) {
      return emscripten::val(ErrorText(FromException("Engine.open")));
    }
  }

  std::string Call(double id, const std::string& method, const std::string& request_text) {
    if (!ValidCallId(id)) return ErrorOutcome(0, InvalidArgument("call ID must be a non-negative integer"));
    try {
      auto request = ParseJson(request_text, "request for " + method);
      if (!request.ok()) return ErrorOutcome(id, request.status());
      return Dump(engine_->Call(static_cast<CallId>(id), method, *request).ToJson());
    } catch (...) {
      return ErrorOutcome(id, FromException(method));
    }
  }

  std::string Cancel(double id) {
    if (!ValidCallId(id)) return ErrorOutcome(0, InvalidArgument("call ID must be a non-negative integer"));
    try {
      return Dump(engine_->Cancel(static_cast<CallId>(id)).ToJson());
    } catch (...) {
      return Dump({{"batch", Json::array()}, {"replies", Json::array()}, {"error", ErrorJson(FromException("cancel"))["error"]}});
    }
  }

  std::string Tick() {
    try {
      return Dump(engine_->Tick().ToJson());
    } catch (...) {
      return Dump({{"batch", Json::array()}, {"replies", Json::array()}, {"error", ErrorJson(FromException("tick"))["error"]}});
    }
  }

  double NextWakeupMs() const {
    try {
      const auto next = engine_->NextWakeup();
      return next ? ToMs(*next) : -1;
    } catch (...) {
      return -1;
    }
  }

  // The engine's durable state as canonical JSON: equal dumps, equal engines.
  std::string DumpState() const {
    try {
      return Dump(engine_->DumpState());
    } catch (...) {
      return ErrorText(FromException("dumpState"));
    }
  }

  double NowMs() const {
    return std::floor(static_cast<double>(engine_->Now().time_since_epoch().count()) / 1e6);
  }

 private:
  std::unique_ptr<Engine> engine_;
};

// {"identity":"w","taskQueue":"q","stickyTaskQueue":"q-sticky","stickyScheduleToStartTimeoutMs":5000,
//  "maxCachedRuns":100}; all optional, unknown fields are an error.
StatusOr<WorkerCoreOptions> ParseWorkerOptions(const Json& json) {
  WorkerCoreOptions options;
  if (json.is_null()) return options;
  if (!json.is_object()) return InvalidArgument("worker core options must be a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (key == "identity" || key == "taskQueue" || key == "stickyTaskQueue") {
      if (!value.is_string()) return InvalidArgument("worker core option \"" + key + "\" must be a string");
      std::string& target = key == "identity" ? options.identity
                            : key == "taskQueue" ? options.task_queue
                                                 : options.sticky_task_queue;
      target = value.get<std::string>();
    } else if (key == "maxCachedRuns") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1) {
        return InvalidArgument("worker core option \"maxCachedRuns\" must be an integer of at least 1");
      }
      options.max_cached_runs = static_cast<size_t>(value.get<int64_t>());
    } else if (key != "stickyScheduleToStartTimeoutMs") {
      return InvalidArgument("unknown worker core option \"" + key + "\"");
    }
  }
  auto sticky = MsOption(json, "stickyScheduleToStartTimeoutMs", options.sticky_schedule_to_start_timeout);
  if (!sticky.ok()) return sticky.status();
  options.sticky_schedule_to_start_timeout = *sticky;
  return options;
}

class WorkerCoreHandle {
 public:
  explicit WorkerCoreHandle(std::unique_ptr<WorkerCore> core) : core_(std::move(core)) {}

  static emscripten::val Create(const std::string& options_text) {
    try {
      Json options_json = Json::object();
      if (!options_text.empty()) {
        auto parsed = ParseJson(options_text, "worker core options");
        if (!parsed.ok()) return emscripten::val(ErrorText(parsed.status()));
        options_json = std::move(*parsed);
      }
      auto options = ParseWorkerOptions(options_json);
      if (!options.ok()) return emscripten::val(ErrorText(options.status()));
      auto core = WorkerCore::Create(*options);
      if (!core.ok()) return emscripten::val(ErrorText(core.status()));
      return emscripten::val(std::make_unique<WorkerCoreHandle>(std::move(*core)));
    } catch (...) {
      return emscripten::val(ErrorText(FromException("WorkerCore.create")));
    }
  }

  std::string HandleWorkflowTask(const std::string& text) {
    return Run(text, "poll response", [this](const Json& j) { return core_->HandleWorkflowTask(j); });
  }

  std::string CompleteActivation(const std::string& text) {
    return Run(text, "activation completion", [this](const Json& j) { return core_->CompleteActivation(j); });
  }

  std::string Evict(const std::string& run_id) {
    try {
      Status status = core_->Evict(run_id);
      return status.ok() ? "{}" : ErrorText(status);
    } catch (...) {
      return ErrorText(FromException("evict"));
    }
  }

  double CachedRunCount() const { return static_cast<double>(core_->CachedRunCount()); }

 private:
  template <class F>
  std::string Run(const std::string& text, std::string_view what, F&& f) {
    try {
      auto input = ParseJson(text, what);
      if (!input.ok()) return ErrorText(input.status());
      StatusOr<Json> result = f(*input);
      if (!result.ok()) return ErrorText(result.status());
      return Dump(*result);
    } catch (...) {
      return ErrorText(FromException(what));
    }
  }

  std::unique_ptr<WorkerCore> core_;
};

}  // namespace
}  // namespace durable::bindings

EMSCRIPTEN_BINDINGS(durable_engine) {
  using namespace durable::bindings;
  emscripten::function("version", &VersionJs);
  emscripten::function("methods", &MethodsJs);
  emscripten::function("importHistory", &ImportHistoryJs);
  emscripten::function("exportHistory", &ExportHistoryJs);
  emscripten::class_<EngineHandle>("Engine")
      .class_function("open", &EngineHandle::Open)
      .function("call", &EngineHandle::Call)
      .function("cancel", &EngineHandle::Cancel)
      .function("tick", &EngineHandle::Tick)
      .function("nextWakeupMs", &EngineHandle::NextWakeupMs)
      .function("nowMs", &EngineHandle::NowMs)
      .function("dumpState", &EngineHandle::DumpState);
  emscripten::class_<WorkerCoreHandle>("WorkerCore")
      .class_function("create", &WorkerCoreHandle::Create)
      .function("handleWorkflowTask", &WorkerCoreHandle::HandleWorkflowTask)
      .function("completeActivation", &WorkerCoreHandle::CompleteActivation)
      .function("evict", &WorkerCoreHandle::Evict)
      .function("cachedRunCount", &WorkerCoreHandle::CachedRunCount);
}
