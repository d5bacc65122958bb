// HistoryEvent values for driving one state machine directly.
#pragma once

#include <string>

#include "durable/history.h"

namespace durable::replay_test {

inline HistoryEvent Event(int64_t id, EventType type, Json attributes = Json::object()) {
  HistoryEvent event;
  event.event_id = id;
  event.event_type = type;
  event.attributes = std::move(attributes);
  return event;
}

}  // namespace durable::replay_test
