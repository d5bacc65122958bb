// What the per-command state machines share.
//
// A machine reports a history event that its state does not allow as a
// non-OK Status; the run turns that text into a nondeterminism failure of the
// workflow task. Resolutions for the workflow code are appended to Jobs.
#pragma once

#include <string_view>
#include <vector>

#include "durable/history.h"
#include "durable/status.h"

namespace durable::replay {

// Activation jobs, each {"<jobKind>":{...}}.
using Jobs = std::vector<Json>;

// "event 9 is ActivityTaskCompleted but <subject> is <state>"
Status EventNotAllowed(const HistoryEvent& event, std::string_view subject, std::string_view state);

// "event 5 is TimerStarted (timerId 1) but the workflow produced <produced>"
Status EventMismatch(const HistoryEvent& event, std::string_view produced);

}  // namespace durable::replay
