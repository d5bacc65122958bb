#include <gtest/gtest.h>

#include "durable/history.h"
#include "history/base64.h"

namespace durable {
namespace {

void ExpectInvalid(const Status& status, std::initializer_list<std::string_view> words) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  for (std::string_view word : words) {
    EXPECT_NE(status.message().find(word), std::string::npos)
        << "\"" << status.message() << "\" should mention \"" << word << "\"";
  }
}

Json PayloadWith(std::string_view encoding, std::string_view data) {
  return {{"metadata", {{"encoding", Base64Encode(encoding)}}}, {"data", Base64Encode(data)}};
}

TEST(Base64, MatchesRfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
      {"json/plain", "anNvbi9wbGFpbg=="}, {"binary/null", "YmluYXJ5L251bGw="}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::string(plain));
  }
}

TEST(Base64, RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t length = 0; length <= bytes.size(); length += 37) {
    std::string_view prefix(bytes.data(), length);
    EXPECT_EQ(Base64Decode(Base64Encode(prefix)), std::string(prefix)) << length;
  }
  EXPECT_EQ(Base64Encode("\xff\xfe\xfd"), "//79");
}

TEST(Base64, RejectsMalformedText) {
  for (std::string_view text : {"Zg=", "Zg", "Z===", "====", "Zm9v!A==", "Zg==Zg==", "=Zg=", "Zm 9v",
                                "Zm9v\n", "-_8=", "Zm9vYmFy="}) {
    EXPECT_EQ(Base64Decode(text), std::nullopt) << text;
  }
}

TEST(JsonPayload, EncodesLikeThePythonSdk) {
  Json payload = EncodeJsonPayload("INV-1");
  EXPECT_EQ(payload, Json::parse(R"({"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IklOVi0xIg=="})"));

  // Compact, keys sorted, non-ASCII escaped as json.dumps does by default.
  Json object = EncodeJsonPayload(Json::parse(R"({"customer":"ACME","amount":120,"note":"café","tags":[1,2.5,null,true]})"));
  EXPECT_EQ(Base64Decode(object["data"].get<std::string>()),
            R"({"amount":120,"customer":"ACME","note":"caf\u00e9","tags":[1,2.5,null,true]})");
}

TEST(JsonPayload, EncodingNeverThrowsOnInvalidUtf8) {
  Json payload = EncodeJsonPayload(std::string("bad \xff byte"));
  EXPECT_EQ(Base64Decode(payload["data"].get<std::string>()), "\"bad \\ufffd byte\"");
}

TEST(JsonPayload, RoundTrips) {
  for (const Json& value : {Json("INV-1"), Json(42), Json(-1.5), Json(true), Json(nullptr), Json::array(),
                            Json::parse(R"({"a":{"b":[1,"x",{"c":null}]}})")}) {
    StatusOr<Json> decoded = DecodeJsonPayload(EncodeJsonPayload(value));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, value);
  }
}

TEST(JsonPayload, DecodesBinaryNullWithOrWithoutData) {
  Json without_data = {{"metadata", {{"encoding", "YmluYXJ5L251bGw="}}}};
  StatusOr<Json> decoded = DecodeJsonPayload(without_data);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->is_null());
  decoded = DecodeJsonPayload(PayloadWith("binary/null", ""));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->is_null());
}

TEST(JsonPayload, ReportsWhatIsWrong) {
  ExpectInvalid(DecodeJsonPayload(Json("IklOVi0xIg==")).status(), {"payload must be an object", "\"IklOVi0xIg==\""});
  ExpectInvalid(DecodeJsonPayload(Json::object()).status(), {"no metadata.encoding"});
  ExpectInvalid(DecodeJsonPayload({{"metadata", Json::object()}, {"data", "IklOVi0xIg=="}}).status(),
                {"no metadata.encoding"});
  ExpectInvalid(DecodeJsonPayload({{"metadata", "json/plain"}}).status(), {"no metadata.encoding"});
  ExpectInvalid(DecodeJsonPayload({{"metadata", {{"encoding", "json/plain"}}}, {"data", "IklOVi0xIg=="}}).status(),
                {"metadata.encoding \"json/plain\" is not base64"});
  ExpectInvalid(DecodeJsonPayload({{"metadata", {{"encoding", 7}}}}).status(), {"metadata.encoding 7 is not base64"});
  ExpectInvalid(DecodeJsonPayload(PayloadWith("binary/protobuf", "x")).status(),
                {"\"binary/protobuf\" is not supported", "json/plain"});
  ExpectInvalid(DecodeJsonPayload({{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}}).status(), {"has no data"});
  ExpectInvalid(DecodeJsonPayload({{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "not base64!"}}).status(),
                {"data \"not base64!\" is not base64"});
  ExpectInvalid(DecodeJsonPayload(PayloadWith("json/plain", "{oops")).status(), {"payload data is not valid JSON"});
  ExpectInvalid(DecodeJsonPayload(PayloadWith("json/plain", "")).status(), {"payload data is not valid JSON"});
}

TEST(JsonPayload, RefusesDataNestedTooDeeply) {
  std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  ExpectInvalid(DecodeJsonPayload(PayloadWith("json/plain", deep)).status(), {"nests more than 256 levels"});
  std::string fine = std::string(200, '[') + std::string(200, ']');
  EXPECT_TRUE(DecodeJsonPayload(PayloadWith("json/plain", fine)).ok());
}

}  // namespace
}  // namespace durable
