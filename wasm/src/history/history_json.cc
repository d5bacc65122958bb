// Events and histories in Temporal's history JSON, as `temporal workflow show
// --output json` and the Web UI's download write them.
#include "durable/history.h"
#include "history/attributes.h"
#include "history/json_text.h"

namespace durable {
namespace {

// "event 3 (eventId 3)": the position (from 1) and, once known, the ID.
std::string Label(std::optional<size_t> position, std::optional<int64_t> event_id) {
  // Appended piece by piece: g++ 12 gives a false -Wrestrict warning for
  // " " + std::to_string(...) (GCC bug 105329).
  std::string label = "event";
  if (position) label.append(" ").append(std::to_string(*position));
  if (event_id) label.append(" (eventId ").append(std::to_string(*event_id)).append(")");
  return label;
}

StatusOr<HistoryEvent> DecodeEvent(const Json& json, std::optional<size_t> position) {
  std::string label = Label(position, std::nullopt);
  auto invalid = [&label](const std::string& problem) {
    return InvalidArgument(label + ": " + problem);
  };
  if (!json.is_object()) return invalid("must be an object, not " + Describe(json));

  // Collect the fields under their camelCase names. Fields the engine does not
  // model (version, workerMayIgnore, userMetadata, links, ...) are skipped.
  const Json* id = nullptr;
  const Json* time = nullptr;
  const Json* type = nullptr;
  const Json* task = nullptr;
  const Json* attributes = nullptr;
  std::string attributes_name;
  std::string repeated;  // reported once the label can carry the eventId
  for (const auto& [raw_key, value] : json.items()) {
    std::string key = CamelCaseKey(raw_key);
    const Json** slot = key == "eventId"     ? &id
                        : key == "eventTime" ? &time
                        : key == "eventType" ? &type
                        : key == "taskId"    ? &task
                                             : nullptr;
    constexpr std::string_view kAttributesSuffix = "EventAttributes";
    if (key.size() > kAttributesSuffix.size() &&
        std::string_view(key).substr(key.size() - kAttributesSuffix.size()) == kAttributesSuffix) {
      if (attributes) {
        repeated = "has both " + attributes_name + " and " + key +
                   "; an event has exactly one attributes object";
      }
      attributes = &value;
      attributes_name = key;
    } else if (slot) {
      if (*slot) repeated = key + " is given twice";
      *slot = &value;
    }
  }

  HistoryEvent event;
  if (!id) return invalid("eventId is missing");
  std::optional<int64_t> event_id = JsonInt64(*id);
  if (!event_id || *event_id < 1) return invalid("eventId " + Describe(*id) + " is not a positive integer");
  event.event_id = *event_id;
  label = Label(position, event_id);
  if (!repeated.empty()) return invalid(repeated);

  if (!type) return invalid("eventType is missing");
  std::optional<EventType> event_type;
  if (type->is_string()) {
    event_type = ParseEventType(type->get_ref<const std::string&>());
  } else if (type->is_number_integer()) {
    event_type = ParseEventType(type->dump());
  }
  if (!event_type) return invalid("eventType " + Describe(*type) + " is not a known event type");
  event.event_type = *event_type;

  if (!time) return invalid("eventTime is missing");
  if (!time->is_string()) return invalid("eventTime " + Describe(*time) + " is not an RFC 3339 time string");
  StatusOr<TimePoint> event_time = ParseTime(time->get_ref<const std::string&>());
  if (!event_time.ok()) return invalid("eventTime " + event_time.status().message());
  event.event_time = *event_time;

  // proto3 JSON leaves out a zero taskId.
  if (task) {
    std::optional<int64_t> task_id = JsonInt64(*task);
    if (!task_id) return invalid("taskId " + Describe(*task) + " is not an integer");
    event.task_id = *task_id;
  }

  // Temporal writes the attributes of every event type, even when empty.
  std::string expected(AttributesFieldName(event.event_type));
  if (!attributes) return invalid(expected + " is missing");
  if (attributes_name != expected) {
    return invalid("has " + attributes_name + ", but a " +
                   std::string(EventTypeName(event.event_type)) + " event has " + expected);
  }
  StatusOr<Json> normalized = CanonicalAttributes(event.event_type, *attributes);
  if (!normalized.ok()) return invalid(normalized.status().message());
  event.attributes = *std::move(normalized);
  return event;
}

}  // namespace

Json EventToJson(const HistoryEvent& event) {
  Json json = {{"eventId", std::to_string(event.event_id)},
               {"eventTime", FormatTime(event.event_time)},
               {"eventType", EventTypeName(event.event_type)}};
  // proto3 JSON leaves out a zero taskId.
  if (event.task_id != 0) json["taskId"] = std::to_string(event.task_id);
  std::string_view attributes = AttributesFieldName(event.event_type);
  if (!attributes.empty()) json[std::string(attributes)] = event.attributes;
  return json;
}

StatusOr<HistoryEvent> EventFromJson(const Json& json) { return DecodeEvent(json, std::nullopt); }

StatusOr<Json> CanonicalAttributes(EventType type, const Json& attributes) {
  std::string field(AttributesFieldName(type));
  if (!attributes.is_object()) return InvalidArgument(field + " must be an object, not " + Describe(attributes));
  return NormalizeAttributes(type, attributes, field);
}

Json ExportHistory(const std::vector<HistoryEvent>& events) {
  Json array = Json::array();
  for (const HistoryEvent& event : events) array.push_back(EventToJson(event));
  return {{"events", std::move(array)}};
}

StatusOr<std::vector<HistoryEvent>> ImportHistory(const Json& document) {
  const Json* events = document.is_array() ? &document : nullptr;
  if (document.is_object()) {
    for (const auto& [key, value] : document.items()) {
      if (CamelCaseKey(key) == "events") events = &value;
    }
  }
  if (!events) {
    return InvalidArgument("history must be an object with an \"events\" array (or an array of events), not " +
                           Describe(document));
  }
  if (!events->is_array()) {
    return InvalidArgument("history's \"events\" must be an array, not " + Describe(*events));
  }
  if (events->empty()) {
    return InvalidArgument("history has no events; it must start with " +
                           std::string(EventTypeName(EventType::kWorkflowExecutionStarted)));
  }

  std::vector<HistoryEvent> out;
  out.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    StatusOr<HistoryEvent> event = DecodeEvent((*events)[i], i + 1);
    if (!event.ok()) return event.status();
    auto expected_id = static_cast<int64_t>(i + 1);
    std::string label = Label(i + 1, event->event_id);
    if (event->event_id < expected_id) {
      return InvalidArgument(label + ": eventId " + std::to_string(event->event_id) +
                             " repeats an earlier event's ID; event IDs run 1, 2, 3, ...");
    }
    if (event->event_id > expected_id) {
      return InvalidArgument(label + ": expected eventId " + std::to_string(expected_id) +
                             "; event IDs run 1, 2, 3, ... without gaps");
    }
    if (i == 0 && event->event_type != EventType::kWorkflowExecutionStarted) {
      return InvalidArgument(label + ": the first event must be " +
                             std::string(EventTypeName(EventType::kWorkflowExecutionStarted)) +
                             ", not " + std::string(EventTypeName(event->event_type)));
    }
    out.push_back(*std::move(event));
  }
  return out;
}

StatusOr<std::vector<HistoryEvent>> ImportHistoryText(std::string_view text) {
  StatusOr<Json> document = ParseJsonText(text, "history");
  if (!document.ok()) return document.status();
  return ImportHistory(*document);
}

}  // namespace durable
