// Payloads as Temporal's default data converter writes them: metadata
// "encoding" and data are bytes, so both appear base64-encoded in JSON.
#include "durable/history.h"
#include "history/base64.h"
#include "history/json_text.h"

namespace durable {
namespace {

constexpr std::string_view kJsonPlain = "json/plain";
constexpr std::string_view kBinaryNull = "binary/null";

}  // namespace

Json EncodeJsonPayload(const Json& value) {
  // Compact, sorted keys (nlohmann objects are sorted), non-ASCII escaped:
  // the bytes Python's json.dumps(separators=(",", ":"), sort_keys=True)
  // gives, which is what the Python SDK writes.
  std::string data = value.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
  return {{"metadata", {{"encoding", Base64Encode(kJsonPlain)}}}, {"data", Base64Encode(data)}};
}

StatusOr<Json> DecodeJsonPayload(const Json& payload) {
  if (!payload.is_object()) {
    return InvalidArgument("payload must be an object, not " + Describe(payload));
  }
  auto metadata = payload.find("metadata");
  if (metadata == payload.end() || !metadata->is_object() || !metadata->contains("encoding")) {
    return InvalidArgument("payload has no metadata.encoding");
  }
  const Json& encoding_field = *metadata->find("encoding");
  std::optional<std::string> encoding;
  if (encoding_field.is_string()) encoding = Base64Decode(encoding_field.get_ref<const std::string&>());
  if (!encoding) {
    return InvalidArgument("payload metadata.encoding " + Describe(encoding_field) +
                           " is not base64");
  }
  if (*encoding == kBinaryNull) return Json(nullptr);
  if (*encoding != kJsonPlain) {
    return InvalidArgument("payload encoding " + Quote(*encoding) +
                           " is not supported (only json/plain and binary/null are)");
  }
  auto data_field = payload.find("data");
  if (data_field == payload.end()) return InvalidArgument("json/plain payload has no data");
  std::optional<std::string> data;
  if (data_field->is_string()) data = Base64Decode(data_field->get_ref<const std::string&>());
  if (!data) return InvalidArgument("payload data " + Describe(*data_field) + " is not base64");
  return ParseJsonText(*data, "payload data");
}

}  // namespace durable
