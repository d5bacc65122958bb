// Base64 with the standard alphabet and '=' padding (RFC 4648 section 4), the
// form proto3 JSON uses for bytes fields such as a payload's data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace durable {

std::string Base64Encode(std::string_view bytes);
// nullopt unless `text` is padded standard base64 and nothing else.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace durable
