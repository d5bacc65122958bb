#include "history/attributes.h"

#include <charconv>
#include <limits>

#include "history/json_text.h"

namespace durable {
namespace {

// google.protobuf.Duration and Timestamp fields of the event attributes and
// the messages inside them (RetryPolicy, Failure, ResetPoints).
constexpr std::string_view kDurationFields[] = {
    "workflowExecutionTimeout", "workflowRunTimeout",     "workflowTaskTimeout",
    "scheduleToCloseTimeout",   "scheduleToStartTimeout", "startToCloseTimeout",
    "heartbeatTimeout",         "startToFireTimeout",     "backoffStartInterval",
    "firstWorkflowTaskBackoff", "initialInterval",        "maximumInterval",
    "nextRetryDelay"};
constexpr std::string_view kTimeFields[] = {"workflowExecutionExpirationTime", "createTime",
                                            "expireTime"};

// Fields that are protobuf maps: their keys are user data (search attribute
// names, header keys, marker detail names) and keep their spelling.
constexpr std::string_view kMapFields[] = {"metadata", "fields", "indexedFields"};

template <size_t N>
bool Contains(const std::string_view (&names)[N], std::string_view name) {
  for (std::string_view candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

// Enum fields whose older exports used bare PascalCase values ("Normal"), with
// the prefix that turns such a value into the proto name. `cause` is an enum
// only in the event types listed by CausePrefix.
struct EnumField {
  std::string_view parent;  // empty: any parent
  std::string_view field;
  std::string_view prefix;
};
constexpr EnumField kEnumFields[] = {
    {"taskQueue", "kind", "TASK_QUEUE_KIND"},
    {"", "initiator", "CONTINUE_AS_NEW_INITIATOR"},
    {"", "retryState", "RETRY_STATE"},
    {"", "parentClosePolicy", "PARENT_CLOSE_POLICY"},
    {"", "workflowIdReusePolicy", "WORKFLOW_ID_REUSE_POLICY"},
    {"", "timeoutType", "TIMEOUT_TYPE"},
};

std::string_view CausePrefix(EventType type) {
  switch (type) {
    case EventType::kWorkflowTaskFailed:
      return "WORKFLOW_TASK_FAILED_CAUSE";
    case EventType::kRequestCancelExternalWorkflowExecutionFailed:
      return "CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE";
    case EventType::kSignalExternalWorkflowExecutionFailed:
      return "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE";
    case EventType::kStartChildWorkflowExecutionFailed:
      return "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE";
    default:
      return "";
  }
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// "TimedOut" -> "TIMED_OUT"; a run of capitals stays one word.
std::string UpperSnake(std::string_view pascal) {
  std::string out;
  for (size_t i = 0; i < pascal.size(); ++i) {
    bool starts_word = IsUpper(pascal[i]) && i > 0 && !IsUpper(pascal[i - 1]);
    if (starts_word) out += '_';
    out += static_cast<char>(pascal[i] >= 'a' && pascal[i] <= 'z' ? pascal[i] - 32 : pascal[i]);
  }
  return out;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

class Normalizer {
 public:
  explicit Normalizer(EventType type) : type_(type) {}

  // `parent` is the field holding `value`'s object; `is_map` says that
  // `value` is a protobuf map.
  StatusOr<Json> Value(const Json& value, const std::string& path, std::string_view parent,
                       bool is_map, int depth) const {
    if (depth > kMaxJsonDepth) {
      return InvalidArgument(path + " nests more than " + std::to_string(kMaxJsonDepth) +
                             " levels deep");
    }
    if (value.is_array()) {
      Json out = Json::array();
      for (size_t i = 0; i < value.size(); ++i) {
        auto item = Value(value[i], path + "[" + std::to_string(i) + "]", parent, false, depth + 1);
        if (!item.ok()) return item.status();
        out.push_back(*std::move(item));
      }
      return out;
    }
    if (!value.is_object()) return value;
    Json out = Json::object();
    for (const auto& [raw_key, child] : value.items()) {
      std::string key = is_map ? raw_key : CamelCaseKey(raw_key);
      std::string child_path = path + "." + key;
      if (out.contains(key)) return InvalidArgument(child_path + " is given twice");
      // MarkerRecorded's top-level `details` is map<string, Payloads>.
      bool child_is_map = !is_map && (Contains(kMapFields, key) ||
                                      (depth == 0 && key == "details" &&
                                       type_ == EventType::kMarkerRecorded));
      auto normalized = Value(child, child_path, key, child_is_map, depth + 1);
      if (!normalized.ok()) return normalized.status();
      if (!is_map) {
        DURABLE_RETURN_IF_ERROR(FixScalar(key, parent, depth, child_path, *normalized));
      }
      out[key] = *std::move(normalized);
    }
    return out;
  }

 private:
  Status FixScalar(const std::string& key, std::string_view parent, int depth,
                   const std::string& path, Json& value) const {
    if (value.is_null()) return Status::Ok();
    if (Contains(kDurationFields, key)) {
      auto parsed = value.is_string() ? ParseDuration(value.get_ref<const std::string&>())
                                      : StatusOr<Duration>(InvalidArgument(
                                            Describe(value) + " is not a duration string"));
      if (!parsed.ok()) return InvalidArgument(path + " " + parsed.status().message());
      value = FormatDuration(*parsed);
    } else if (Contains(kTimeFields, key)) {
      auto parsed = value.is_string() ? ParseTime(value.get_ref<const std::string&>())
                                      : StatusOr<TimePoint>(InvalidArgument(
                                            Describe(value) + " is not an RFC 3339 time string"));
      if (!parsed.ok()) return InvalidArgument(path + " " + parsed.status().message());
      value = FormatTime(*parsed);
    } else if (EndsWith(key, "EventId")) {
      // int64 fields are strings in proto3 JSON; older or hand-written
      // documents may use numbers.
      std::optional<int64_t> id = JsonInt64(value);
      if (!id) return InvalidArgument(path + " " + Describe(value) + " is not an event ID");
      value = std::to_string(*id);
    } else if (value.is_string()) {
      std::string_view prefix = depth == 0 && key == "cause" ? CausePrefix(type_) : "";
      for (const EnumField& field : kEnumFields) {
        if (key == field.field && (field.parent.empty() || parent == field.parent)) {
          prefix = field.prefix;
        }
      }
      const auto& text = value.get_ref<const std::string&>();
      if (!prefix.empty() && !text.empty() && IsUpper(text[0]) && text.rfind(prefix, 0) != 0) {
        value = std::string(prefix) + "_" + UpperSnake(text);
      }
    }
    return Status::Ok();
  }

  EventType type_;
};

}  // namespace

std::string CamelCaseKey(std::string_view key) {
  std::string out(key);
  if (!out.empty() && IsUpper(out[0])) out[0] = static_cast<char>(out[0] + 32);
  return out;
}

std::optional<int64_t> JsonInt64(const Json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<int64_t>();
  if (value.is_number_unsigned()) {
    auto number = value.get<uint64_t>();
    if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(number);
  }
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  int64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

StatusOr<Json> NormalizeAttributes(EventType type, const Json& attributes, const std::string& path) {
  return Normalizer(type).Value(attributes, path, "", false, 0);
}

}  // namespace durable
