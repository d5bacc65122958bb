// Durations and timestamps in proto3 JSON form: "10s", "0.500s",
// "2024-06-30T00:00:00.123Z". Fractions use 3, 6 or 9 digits, as protobuf's
// JSON encoder writes them.
#include <chrono>
#include <cstdio>
#include <limits>

#include "durable/history.h"
#include "history/json_text.h"

namespace durable {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kMaxNanos = std::numeric_limits<int64_t>::max();

// ".5", ".500123", ".000000001": the shortest of 0, 3, 6 or 9 digits.
std::string Fraction(int64_t nanos) {
  if (nanos == 0) return "";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, ".%09lld", static_cast<long long>(nanos));
  std::string out = buffer;
  if (nanos % 1'000'000 == 0) return out.substr(0, 4);
  if (nanos % 1'000 == 0) return out.substr(0, 7);
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::optional<int64_t> UnitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return kNanosPerSecond;
  if (unit == "m") return 60 * kNanosPerSecond;
  if (unit == "h") return 3'600 * kNanosPerSecond;
  if (unit == "d") return 86'400 * kNanosPerSecond;
  return std::nullopt;
}

// `count` digits at text[pos...], or nullopt.
std::optional<int> Digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string FormatDuration(Duration d) {
  int64_t seconds = d.count() / kNanosPerSecond;  // both truncate toward zero
  int64_t nanos = d.count() % kNanosPerSecond;
  std::string sign = d.count() < 0 ? "-" : "";
  return sign + std::to_string(seconds < 0 ? -seconds : seconds) +
         Fraction(nanos < 0 ? -nanos : nanos) + "s";
}

StatusOr<Duration> ParseDuration(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument(Quote(text) + " is not a duration: " + why);
  };
  const std::string expected =
      "expected a number and a unit, e.g. \"10s\", \"0.500s\", \"500ms\", \"5m\" or \"1h30m\"";
  const std::string too_long = "it is longer than the limit of about 292 years";
  if (text.empty()) return invalid(expected);
  if (text[0] == '-') return invalid("it is negative");

  // A sequence of <number><unit>, each number with an optional fraction.
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    int64_t whole = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      if (whole > (kMaxNanos - 9) / 10) return invalid(too_long);
      whole = whole * 10 + (text[i] - '0');
    }
    int64_t fraction = 0;
    int64_t scale = 1;  // 10^(fraction digits)
    if (i < text.size() && text[i] == '.') {
      for (++i; i < text.size() && IsDigit(text[i]); ++i) {
        if (scale == kNanosPerSecond) return invalid("more than 9 fractional digits");
        fraction = fraction * 10 + (text[i] - '0');
        scale *= 10;
      }
    }
    bool has_digits = i > start && !(i == start + 1 && text[start] == '.');
    if (!has_digits) return invalid(expected);
    size_t unit_start = i;
    while (i < text.size() && IsLetter(text[i])) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    std::optional<int64_t> unit_nanos = UnitNanos(unit);
    if (!unit_nanos) {
      return invalid(unit.empty() ? "a number lacks its unit (ns, us, ms, s, m, h or d)"
                                  : "unknown unit " + Quote(unit) +
                                        " (use ns, us, ms, s, m, h or d)");
    }
    if (whole > kMaxNanos / *unit_nanos) return invalid(too_long);
    // fraction * unit / scale without overflow: fraction < scale, so the
    // quotient part stays below one unit and the remainder part below 10^18.
    int64_t quotient = *unit_nanos / scale;
    int64_t remainder = fraction * (*unit_nanos % scale);
    if (remainder % scale != 0) return invalid("it is finer than a nanosecond");
    int64_t part = fraction * quotient + remainder / scale;
    int64_t value = whole * *unit_nanos;
    if (value > kMaxNanos - part || total > kMaxNanos - (value + part)) return invalid(too_long);
    total += value + part;
  }
  return Duration(total);
}

std::string FormatTime(TimePoint t) {
  // Integer arithmetic throughout: floor() on the time_point would overflow
  // for instants within a day of the representable minimum.
  int64_t seconds = t.time_since_epoch().count() / kNanosPerSecond;
  int64_t nanos = t.time_since_epoch().count() % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    --seconds;
  }
  int64_t days = seconds / 86'400;
  int64_t second_of_day = seconds % 86'400;
  if (second_of_day < 0) {
    second_of_day += 86'400;
    --days;
  }
  std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days))};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                static_cast<int>(second_of_day % 60));
  return buffer + Fraction(nanos) + "Z";
}

StatusOr<TimePoint> ParseTime(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument(Quote(text) + " is not an RFC 3339 time: " + why);
  };
  const std::string expected = "expected e.g. \"2024-06-30T00:00:00Z\" or \"2024-06-30T02:00:00.5+02:00\"";
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z or +HH:MM / -HH:MM.
  auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' ||
      text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return invalid(expected);
  }
  std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month),
                                   std::chrono::day(*day)};
  if (!date.ok()) return invalid("there is no such date");
  if (*hour > 23 || *minute > 59 || *second > 59) return invalid("there is no such time of day");

  size_t i = 19;
  int64_t nanos = 0;
  if (i < text.size() && text[i] == '.') {
    int64_t scale = kNanosPerSecond;
    for (++i; i < text.size() && IsDigit(text[i]); ++i) {
      if (scale == 1) return invalid("more than 9 fractional digits");
      scale /= 10;
      nanos += (text[i] - '0') * scale;
    }
    if (scale == kNanosPerSecond) return invalid("a '.' must be followed by digits");
  }
  int64_t offset_seconds = 0;
  std::string_view zone = text.substr(i);
  if (zone != "Z" && zone != "z") {
    auto offset_hour = Digits(zone, 1, 2), offset_minute = Digits(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
        !offset_hour || !offset_minute) {
      return invalid("expected \"Z\" or an offset like \"+02:00\" after the time");
    }
    if (*offset_hour > 23 || *offset_minute > 59) return invalid("the offset is out of range");
    offset_seconds = (zone[0] == '+' ? 1 : -1) * (*offset_hour * 3600 + *offset_minute * 60);
  }

  int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  int64_t seconds =
      days * 86'400 + *hour * 3600 + *minute * 60 + *second - offset_seconds;
  // Nanoseconds in an int64 span the years 1677 to 2262. Before 1970, borrow
  // a second so the product does not overflow where the sum would not.
  if (seconds < 0 && nanos > 0) {
    ++seconds;
    nanos -= kNanosPerSecond;
  }
  int64_t total = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &total) ||
      __builtin_add_overflow(total, nanos, &total)) {
    return invalid("it is outside the years 1677 to 2262 that the engine can represent");
  }
  return TimePoint(Duration(total));
}

}  // namespace durable
