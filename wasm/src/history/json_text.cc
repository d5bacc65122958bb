#include "history/json_text.h"

namespace durable {
namespace {

constexpr size_t kMaxQuoted = 60;

// A SAX consumer that accepts everything and keeps the parse error, so the
// error's text is available without the parser throwing it.
struct ErrorCatcher : nlohmann::json_sax<Json> {
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    message = e.what();
    return false;
  }
};

std::string ParseErrorMessage(std::string_view text) {
  ErrorCatcher catcher;
  Json::sax_parse(text, &catcher, nlohmann::detail::input_format_t::json, true, false);
  std::string message = catcher.message;
  // Drop nlohmann's "[json.exception.parse_error.101] " tag.
  if (auto tag_end = message.find("] "); message.rfind("[json.exception.", 0) == 0 &&
                                         tag_end != std::string::npos) {
    message.erase(0, tag_end + 2);
  }
  // "last read: '...'" can quote a whole multi-megabyte token.
  if (message.size() > 200) message = message.substr(0, 200) + "...";
  return message;
}

}  // namespace

StatusOr<Json> ParseJsonText(std::string_view text, std::string_view what) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return InvalidArgument(std::string(what) + " is not valid JSON: " + ParseErrorMessage(text));
  }
  if (DeeperThan(value, kMaxJsonDepth)) {
    return InvalidArgument(std::string(what) + " nests more than " +
                           std::to_string(kMaxJsonDepth) + " levels deep");
  }
  return value;
}

bool DeeperThan(const Json& value, int limit) {
  if (!value.is_structured()) return false;
  if (limit <= 0) return true;
  for (const Json& child : value) {
    if (DeeperThan(child, limit - 1)) return true;
  }
  return false;
}

std::string Quote(std::string_view text) {
  bool shortened = text.size() > kMaxQuoted;
  Json literal = std::string(shortened ? text.substr(0, kMaxQuoted) : text);
  // Replacing invalid UTF-8 keeps dump() from throwing on a cut character.
  std::string out = literal.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (shortened) out.insert(out.size() - 1, "...");
  return out;
}

std::string Describe(const Json& value) {
  if (value.is_string()) return Quote(value.get_ref<const std::string&>());
  if (value.is_number() || value.is_boolean()) return value.dump();
  if (value.is_null()) return "null";
  return value.is_object() ? "{...}" : "[...]";
}

}  // namespace durable
