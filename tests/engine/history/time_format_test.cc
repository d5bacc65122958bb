#include <gtest/gtest.h>

#include <random>

#include "durable/history.h"

namespace durable {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// 2024-06-30T00:00:00Z
const TimePoint kJune30 = TimePoint(seconds(1719705600));

void ExpectInvalid(const Status& status, std::initializer_list<std::string_view> words) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  for (std::string_view word : words) {
    EXPECT_NE(status.message().find(word), std::string::npos)
        << "\"" << status.message() << "\" should mention \"" << word << "\"";
  }
}

TEST(FormatDuration, WritesProtoJsonSeconds) {
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(10)), "10s");
  EXPECT_EQ(FormatDuration(seconds(432000)), "432000s");
  EXPECT_EQ(FormatDuration(milliseconds(500)), "0.500s");
  EXPECT_EQ(FormatDuration(milliseconds(2500)), "2.500s");
  EXPECT_EQ(FormatDuration(microseconds(1)), "0.000001s");
  EXPECT_EQ(FormatDuration(nanoseconds(1500)), "0.000001500s");
  EXPECT_EQ(FormatDuration(seconds(1) + nanoseconds(1)), "1.000000001s");
  EXPECT_EQ(FormatDuration(milliseconds(-1500)), "-1.500s");
  EXPECT_EQ(FormatDuration(milliseconds(-500)), "-0.500s");
  EXPECT_EQ(FormatDuration(Duration::max()), "9223372036.854775807s");
}

TEST(ParseDuration, AcceptsProtoJsonAndHumanForms) {
  struct Case {
    std::string_view text;
    Duration expected;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"0s", seconds(0)},
           {"10s", seconds(10)},
           {"432000s", seconds(432000)},
           {"0.500s", milliseconds(500)},
           {"0.5s", milliseconds(500)},
           {".5s", milliseconds(500)},
           {"1.000000001s", seconds(1) + nanoseconds(1)},
           {"500ms", milliseconds(500)},
           {"250us", microseconds(250)},
           {"7ns", nanoseconds(7)},
           {"5m", minutes(5)},
           {"1h", hours(1)},
           {"5d", hours(120)},
           {"1h30m", minutes(90)},
           {"1.5h", minutes(90)},
           {"2m3.25s", milliseconds(123250)},
           {"1.5us", nanoseconds(1500)},
           {"9223372036.854775807s", Duration::max()},
       }) {
    StatusOr<Duration> parsed = ParseDuration(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(ParseDuration, RoundTripsWithFormat) {
  for (Duration d : {Duration(0), Duration(1), Duration(999'999'999), Duration(1'000'000'000),
                     Duration(123'456'789'012), Duration::max()}) {
    StatusOr<Duration> parsed = ParseDuration(FormatDuration(d));
    ASSERT_TRUE(parsed.ok()) << FormatDuration(d);
    EXPECT_EQ(*parsed, d);
  }
}

TEST(ParseDuration, RejectsNegativesAndGarbage) {
  ExpectInvalid(ParseDuration("-5s").status(), {"\"-5s\"", "negative"});
  ExpectInvalid(ParseDuration("").status(), {"\"\"", "not a duration"});
  ExpectInvalid(ParseDuration("soon").status(), {"\"soon\"", "e.g. \"10s\""});
  ExpectInvalid(ParseDuration("10").status(), {"\"10\"", "unit"});
  ExpectInvalid(ParseDuration("5x").status(), {"unknown unit \"x\""});
  ExpectInvalid(ParseDuration("5sec").status(), {"unknown unit \"sec\""});
  ExpectInvalid(ParseDuration("s").status(), {"\"s\"", "not a duration"});
  ExpectInvalid(ParseDuration(".s").status(), {"not a duration"});
  ExpectInvalid(ParseDuration("+5s").status(), {"\"+5s\""});
  ExpectInvalid(ParseDuration(" 5s").status(), {"not a duration"});
  ExpectInvalid(ParseDuration("5s ").status(), {"not a duration"});
  ExpectInvalid(ParseDuration("1.0000000001s").status(), {"more than 9 fractional digits"});
  ExpectInvalid(ParseDuration("1.5ns").status(), {"finer than a nanosecond"});
  ExpectInvalid(ParseDuration("9223372036.854775808s").status(), {"292 years"});
  ExpectInvalid(ParseDuration("99999999999999999999s").status(), {"292 years"});
  ExpectInvalid(ParseDuration("300000d").status(), {"292 years"});
  ExpectInvalid(ParseDuration("9223372036s1s").status(), {"292 years"});
  // A long input is quoted only in part.
  std::string long_text(10'000, '9');
  StatusOr<Duration> long_result = ParseDuration(long_text + "x");
  ExpectInvalid(long_result.status(), {"..."});
  EXPECT_LT(long_result.status().message().size(), 300u);
}

TEST(FormatTime, WritesRfc3339Utc) {
  EXPECT_EQ(FormatTime(TimePoint()), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTime(kJune30), "2024-06-30T00:00:00Z");
  EXPECT_EQ(FormatTime(kJune30 + nanoseconds(123456789)), "2024-06-30T00:00:00.123456789Z");
  EXPECT_EQ(FormatTime(kJune30 + microseconds(123456)), "2024-06-30T00:00:00.123456Z");
  EXPECT_EQ(FormatTime(kJune30 + milliseconds(120)), "2024-06-30T00:00:00.120Z");
  EXPECT_EQ(FormatTime(kJune30 + hours(23) + minutes(59) + seconds(59)), "2024-06-30T23:59:59Z");
  EXPECT_EQ(FormatTime(TimePoint(seconds(951782400))), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatTime(TimePoint(nanoseconds(-1))), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(FormatTime(TimePoint::min()), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(FormatTime(TimePoint::max()), "2262-04-11T23:47:16.854775807Z");
}

TEST(ParseTime, AcceptsUtcAndOffsets) {
  struct Case {
    std::string_view text;
    TimePoint expected;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2024-06-30T00:00:00Z", kJune30},
           {"2024-06-30t00:00:00z", kJune30},
           {"2024-06-30T00:00:00.5Z", kJune30 + milliseconds(500)},
           {"2024-06-30T00:00:00.123456789Z", kJune30 + nanoseconds(123456789)},
           {"2024-06-30T02:00:00+02:00", kJune30},
           {"2024-06-29T18:30:00-05:30", kJune30},
           {"2024-06-30T00:00:00.25+00:00", kJune30 + milliseconds(250)},
           {"2024-02-29T00:00:00Z", TimePoint(seconds(1709164800))},
           {"1969-12-31T23:59:59.999999999Z", TimePoint(nanoseconds(-1))},
           {"1677-09-21T00:12:43.145224192Z", TimePoint::min()},
           {"2262-04-11T23:47:16.854775807Z", TimePoint::max()},
       }) {
    StatusOr<TimePoint> parsed = ParseTime(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(ParseTime, RoundTripsWithFormat) {
  std::mt19937_64 random(20240630);
  std::uniform_int_distribution<int64_t> nanos(Duration::min().count(), Duration::max().count());
  for (int i = 0; i < 2000; ++i) {
    TimePoint t{Duration(nanos(random))};
    StatusOr<TimePoint> parsed = ParseTime(FormatTime(t));
    ASSERT_TRUE(parsed.ok()) << FormatTime(t) << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, t) << FormatTime(t);
  }
}

TEST(ParseTime, RejectsWhatIsNotRfc3339) {
  ExpectInvalid(ParseTime("yesterday").status(), {"\"yesterday\" is not an RFC 3339 time"});
  ExpectInvalid(ParseTime("").status(), {"not an RFC 3339 time"});
  ExpectInvalid(ParseTime("2024-06-30").status(), {"e.g. \"2024-06-30T00:00:00Z\""});
  ExpectInvalid(ParseTime("2024-06-30 00:00:00Z").status(), {"not an RFC 3339 time"});
  ExpectInvalid(ParseTime("2024-06-30T00:00:00").status(), {"\"Z\" or an offset"});
  ExpectInvalid(ParseTime("2024-06-30T00:00:00+2:00").status(), {"\"Z\" or an offset"});
  ExpectInvalid(ParseTime("2024-06-30T00:00:00Z ").status(), {"\"Z\" or an offset"});
  ExpectInvalid(ParseTime("2024-06-30T00:00:00+24:00").status(), {"offset is out of range"});
  ExpectInvalid(ParseTime("2024-13-01T00:00:00Z").status(), {"no such date"});
  ExpectInvalid(ParseTime("2023-02-29T00:00:00Z").status(), {"no such date"});
  ExpectInvalid(ParseTime("2024-06-00T00:00:00Z").status(), {"no such date"});
  ExpectInvalid(ParseTime("2024-06-30T24:00:00Z").status(), {"no such time of day"});
  ExpectInvalid(ParseTime("2024-06-30T23:60:00Z").status(), {"no such time of day"});
  ExpectInvalid(ParseTime("2024-06-30T23:59:60Z").status(), {"no such time of day"});
  ExpectInvalid(ParseTime("2024-06-30T00:00:00.Z").status(), {"followed by digits"});
  ExpectInvalid(ParseTime("2024-06-30T00:00:00.1234567890Z").status(), {"more than 9 fractional digits"});
  ExpectInvalid(ParseTime("9999-12-31T00:00:00Z").status(), {"1677 to 2262"});
  ExpectInvalid(ParseTime("1600-01-01T00:00:00Z").status(), {"1677 to 2262"});
  ExpectInvalid(ParseTime("2262-04-11T23:47:16.854775808Z").status(), {"1677 to 2262"});
  ExpectInvalid(ParseTime("-024-06-30T00:00:00Z").status(), {"not an RFC 3339 time"});
}

}  // namespace
}  // namespace durable
