#include "replay/machine_support.h"

#include <string>

#include "replay/event_text.h"

namespace durable::replay {

Status EventNotAllowed(const HistoryEvent& event, std::string_view subject, std::string_view state) {
  return FailedPrecondition("event " + std::to_string(event.event_id) + " is " + DescribeEvent(event) +
                            " but " + std::string(subject) + " is " + std::string(state));
}

Status EventMismatch(const HistoryEvent& event, std::string_view produced) {
  return FailedPrecondition("event " + std::to_string(event.event_id) + " is " + DescribeEvent(event) +
                            " but the workflow produced " + std::string(produced));
}

}  // namespace durable::replay
