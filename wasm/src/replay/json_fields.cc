#include "replay/json_fields.h"

#include <charconv>
#include <limits>

#include "durable/history.h"

namespace durable::replay {
namespace {

std::string FieldName(std::string_view context, std::string_view key) {
  std::string name(context);
  name += '.';
  name += key;
  return name;
}

}  // namespace

const Json* FindField(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> OptionalString(const Json& object, std::string_view key) {
  const Json* field = FindField(object, key);
  if (field == nullptr || !field->is_string()) return std::nullopt;
  return field->get<std::string>();
}

std::optional<int64_t> OptionalInt64(const Json& object, std::string_view key) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return std::nullopt;
  if (field->is_number_integer()) {
    if (field->is_number_unsigned() &&
        field->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return field->get<int64_t>();
  }
  if (field->is_string()) {
    const std::string& text = field->get_ref<const std::string&>();
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

StatusOr<std::string> RequiredString(const Json& object, std::string_view key, std::string_view context) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return InvalidArgument(FieldName(context, key) + " is required");
  if (!field->is_string()) return InvalidArgument(FieldName(context, key) + " must be a string");
  return field->get<std::string>();
}

StatusOr<uint32_t> RequiredSeq(const Json& object, std::string_view key, std::string_view context) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return InvalidArgument(FieldName(context, key) + " is required");
  if (!field->is_number_integer() || field->get<int64_t>() < 0 ||
      field->get<int64_t>() > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument(FieldName(context, key) + " must be an integer from 0 to 4294967295");
  }
  return static_cast<uint32_t>(field->get<int64_t>());
}

StatusOr<std::string> StringOrEmpty(const Json& object, std::string_view key, std::string_view context) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return std::string();
  if (!field->is_string()) return InvalidArgument(FieldName(context, key) + " must be a string");
  return field->get<std::string>();
}

StatusOr<std::optional<Json>> OptionalObject(const Json& object, std::string_view key,
                                             std::string_view context) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return std::optional<Json>();
  if (!field->is_object()) return InvalidArgument(FieldName(context, key) + " must be an object");
  return std::optional<Json>(*field);
}

StatusOr<Json> PayloadList(const Json& object, std::string_view key, std::string_view context) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return Json::array();
  if (!field->is_array()) return InvalidArgument(FieldName(context, key) + " must be an array of payloads");
  for (const Json& payload : *field) {
    if (!payload.is_object()) {
      return InvalidArgument(FieldName(context, key) + " must be an array of payloads");
    }
  }
  return *field;
}

StatusOr<std::optional<std::string>> OptionalDuration(const Json& object, std::string_view key,
                                                      std::string_view context) {
  const Json* field = FindField(object, key);
  if (field == nullptr) return std::optional<std::string>();
  if (!field->is_string()) {
    return InvalidArgument(FieldName(context, key) + " must be a duration string such as \"2s\"");
  }
  StatusOr<Duration> duration = ParseDuration(field->get_ref<const std::string&>());
  if (!duration.ok()) {
    return InvalidArgument(FieldName(context, key) + ": " + duration.status().message());
  }
  if (duration->count() < 0) return InvalidArgument(FieldName(context, key) + " must not be negative");
  return std::optional<std::string>(FormatDuration(*duration));
}

Json ToPayloads(const Json& payload_list) { return Json{{"payloads", payload_list}}; }

Json PayloadListOf(const Json& object, std::string_view payloads_key) {
  const Json* payloads = FindField(object, payloads_key);
  if (payloads == nullptr) return Json::array();
  const Json* list = FindField(*payloads, "payloads");
  if (list == nullptr || !list->is_array()) return Json::array();
  return *list;
}

std::optional<Json> FirstPayload(const Json& object, std::string_view payloads_key) {
  Json list = PayloadListOf(object, payloads_key);
  if (list.empty()) return std::nullopt;
  return list.front();
}

std::string Int64Text(int64_t value) { return std::to_string(value); }

}  // namespace durable::replay
