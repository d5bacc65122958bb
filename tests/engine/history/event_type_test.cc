#include <gtest/gtest.h>

#include <string>

#include "durable/history.h"

namespace durable {
namespace {

constexpr int kLastEventType = 40;

// "EVENT_TYPE_TIMER_STARTED" -> "TimerStarted", spelled out independently
// of the engine's table.
std::string PascalFromProtoName(std::string_view proto_name) {
  std::string out;
  bool start_word = true;
  for (char c : proto_name.substr(std::string_view("EVENT_TYPE_").size())) {
    if (c == '_') {
      start_word = true;
    } else {
      out += start_word ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      start_word = false;
    }
  }
  return out;
}

TEST(EventType, KnownNames) {
  EXPECT_EQ(EventTypeName(EventType::kWorkflowExecutionStarted), "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED");
  EXPECT_EQ(EventTypeName(EventType::kTimerStarted), "EVENT_TYPE_TIMER_STARTED");
  EXPECT_EQ(EventTypeName(EventType::kActivityTaskCancelRequested),
            "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED");
  EXPECT_EQ(EventTypeName(EventType::kWorkflowExecutionContinuedAsNew),
            "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW");
  EXPECT_EQ(EventTypeName(EventType::kUpsertWorkflowSearchAttributes),
            "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES");
  EXPECT_EQ(AttributesFieldName(EventType::kWorkflowExecutionStarted),
            "workflowExecutionStartedEventAttributes");
  EXPECT_EQ(AttributesFieldName(EventType::kRequestCancelExternalWorkflowExecutionInitiated),
            "requestCancelExternalWorkflowExecutionInitiatedEventAttributes");
}

TEST(EventType, EveryTypeParsesInBothSpellingsAndByNumber) {
  for (int number = 1; number <= kLastEventType; ++number) {
    auto type = static_cast<EventType>(number);
    std::string proto_name(EventTypeName(type));
    SCOPED_TRACE(proto_name);
    ASSERT_EQ(proto_name.rfind("EVENT_TYPE_", 0), 0u);
    ASSERT_NE(proto_name, "EVENT_TYPE_UNSPECIFIED");
    std::string pascal = PascalFromProtoName(proto_name);

    EXPECT_EQ(ParseEventType(proto_name), type);
    EXPECT_EQ(ParseEventType(pascal), type);
    EXPECT_EQ(ParseEventType(std::to_string(number)), type);

    std::string attributes = pascal + "EventAttributes";
    attributes[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(attributes[0])));
    EXPECT_EQ(AttributesFieldName(type), attributes);
  }
}

TEST(EventType, NamesAreDistinct) {
  for (int a = 1; a <= kLastEventType; ++a) {
    for (int b = a + 1; b <= kLastEventType; ++b) {
      EXPECT_NE(EventTypeName(static_cast<EventType>(a)), EventTypeName(static_cast<EventType>(b)));
    }
  }
}

TEST(EventType, RejectsUnknownSpellings) {
  for (std::string_view name : {"", "EVENT_TYPE_UNSPECIFIED", "Unspecified", "0", "41", "-1", "17x",
                                "timerStarted", "TIMER_STARTED", "EVENT_TYPE_TIMER_STARTED ",
                                "EventTypeTimerStarted", "99999999999999999999"}) {
    EXPECT_EQ(ParseEventType(name), std::nullopt) << name;
  }
}

TEST(EventType, OutOfRangeValuesHaveNoNames) {
  EXPECT_EQ(EventTypeName(EventType::kUnspecified), "EVENT_TYPE_UNSPECIFIED");
  EXPECT_EQ(AttributesFieldName(EventType::kUnspecified), "");
  EXPECT_EQ(EventTypeName(static_cast<EventType>(99)), "EVENT_TYPE_UNSPECIFIED");
  EXPECT_EQ(AttributesFieldName(static_cast<EventType>(99)), "");
  EXPECT_EQ(EventTypeName(static_cast<EventType>(-3)), "EVENT_TYPE_UNSPECIFIED");
}

}  // namespace
}  // namespace durable
