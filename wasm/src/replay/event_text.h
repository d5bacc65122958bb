// How the replay core names history events in nondeterminism messages.
#pragma once

#include <string>

#include "durable/history.h"

namespace durable::replay {

// "TimerStarted (timerId 1)", "ActivityTaskScheduled (activityType payment_gateway, activityId 2)":
// the short event type plus the attributes a workflow author recognises.
std::string DescribeEvent(const HistoryEvent& event);

}  // namespace durable::replay
