// The engine's server role: Temporal's WorkflowService, in one process.
//
// An Engine is a deterministic state machine. Its inputs are RPC calls (named
// after WorkflowService RPCs, JSON in, JSON out), cancellations of calls whose
// caller went away, and ticks of the virtual clock. Each input returns an
// Outcome: the WriteBatch that records the state change and the replies that
// are now ready. The host must commit the batch (see store.h) before it
// delivers any of the replies, so nothing is acknowledged that could be lost.
//
// Long-polling calls (PollWorkflowTaskQueue, PollActivityTaskQueue,
// QueryWorkflow, GetWorkflowExecutionHistory with waitNewEvent) may get their
// reply in the outcome of a later input; nothing spins while they wait.
//
// The host also asks NextWakeup() after every input and calls Tick() no later
// than then, so timers, timeouts and retries fire on time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/clock.h"
#include "durable/status.h"
#include "durable/store.h"
#include "durable/types.h"

namespace durable {

// Chosen by the host; unique among calls that have not been answered yet.
using CallId = uint64_t;

struct Reply {
  CallId call_id = 0;
  Status status;  // not OK: the call failed with this code and message
  Json response;  // the response message when status is OK

  // {"callId":7,"response":{...}} or {"callId":7,"error":{"code":"NOT_FOUND","message":"..."}}
  Json ToJson() const;
};

struct Outcome {
  WriteBatch batch;            // commit first...
  std::vector<Reply> replies;  // ...then deliver these, in order

  // {"batch":[...],"replies":[...]}
  Json ToJson() const;
};

struct EngineOptions {
  const WallClock* wall_clock = nullptr;  // not owned; null means SystemWallClock()
  // How long a poll waits for a task before it is answered with an empty
  // response, as Temporal's frontend does; callers then poll again.
  Duration long_poll_timeout = std::chrono::seconds(60);
  // How long a query waits for a worker to answer it.
  Duration query_timeout = std::chrono::seconds(10);
  // Requests and payloads larger than this fail with RESOURCE_EXHAUSTED.
  size_t max_payload_bytes = 2 * 1024 * 1024;
  // Seeds run IDs and other generated identifiers; 0 draws one at first open.
  // The seed in use is stored, so a restored engine continues the sequence.
  // At most kMaxSeed: a JavaScript host's store reads it as a double, and a
  // seed changed by that rounding would repeat run IDs already given out.
  uint64_t seed = 0;
};

inline constexpr uint64_t kMaxSeed = (uint64_t{1} << 53) - 1;

class Engine {
 public:
  // Opens an engine on a store's committed state (empty for a new one).
  // Overdue timers and expired task deadlines are handled by the first Tick().
  static StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                                const StoreSnapshot& restored);

  virtual ~Engine() = default;

  // Handles one RPC, e.g. Call(1, "StartWorkflowExecution", {...}). Unknown
  // methods and malformed requests are answered with an error reply; the
  // engine's state is then untouched.
  virtual Outcome Call(CallId id, std::string_view method, const Json& request) = 0;
  // The caller of a pending long poll went away; it gets no reply. A query it
  // asked is dropped; a task already handed out is not taken back.
  virtual Outcome Cancel(CallId id) = 0;
  // Fires every timer, timeout, retry and poll deadline due at Now().
  virtual Outcome Tick() = 0;
  // When Tick() next has work to do; nullopt if nothing is scheduled.
  virtual std::optional<TimePoint> NextWakeup() const = 0;
  virtual TimePoint Now() const = 0;
  // A canonical JSON dump of the durable state (what a restore rebuilds):
  // equal dumps mean equal engines. For tests and debugging views.
  virtual Json DumpState() const = 0;

  // Every RPC name Call() accepts.
  static const std::vector<std::string>& Methods();
};

// The engine's version, shown by the site and checked by hosts.
std::string_view EngineVersion();

}  // namespace durable
