#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "durable/history.h"
#include "history/timer_activity_history.h"

namespace durable {
namespace {

using fixtures::kTimerActivityHistory;

void ExpectInvalid(const Status& status, std::initializer_list<std::string_view> words) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  for (std::string_view word : words) {
    EXPECT_NE(status.message().find(word), std::string::npos)
        << "\"" << status.message() << "\" should mention \"" << word << "\"";
  }
}

std::vector<HistoryEvent> ImportFixture() {
  StatusOr<std::vector<HistoryEvent>> events = ImportHistoryText(kTimerActivityHistory);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<HistoryEvent>{};
}

Json Fixture() { return Json::parse(kTimerActivityHistory); }

// The fixture with one event changed by `edit`, as text.
std::string EditedFixture(size_t index, const std::function<void(Json&)>& edit) {
  Json document = Fixture();
  edit(document["events"][index]);
  return document.dump();
}

// ---- The realistic history -------------------------------------------------

TEST(ImportHistory, ReadsTheTimerAndActivityHistory) {
  std::vector<HistoryEvent> events = ImportFixture();
  ASSERT_EQ(events.size(), 16u);
  const EventType expected[] = {
      EventType::kWorkflowExecutionStarted, EventType::kWorkflowTaskScheduled,
      EventType::kWorkflowTaskStarted,      EventType::kWorkflowTaskCompleted,
      EventType::kTimerStarted,             EventType::kTimerFired,
      EventType::kWorkflowTaskScheduled,    EventType::kWorkflowTaskStarted,
      EventType::kWorkflowTaskCompleted,    EventType::kActivityTaskScheduled,
      EventType::kActivityTaskStarted,      EventType::kActivityTaskCompleted,
      EventType::kWorkflowTaskScheduled,    EventType::kWorkflowTaskStarted,
      EventType::kWorkflowTaskCompleted,    EventType::kWorkflowExecutionCompleted};
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event_id, static_cast<int64_t>(i + 1));
    EXPECT_EQ(events[i].event_type, expected[i]) << "event " << i + 1;
  }
  EXPECT_EQ(events[0].task_id, 1048576);
  EXPECT_EQ(FormatTime(events[0].event_time), "2024-06-30T00:00:00.120Z");
  EXPECT_EQ(events[5].event_time - events[4].event_time, std::chrono::seconds(2));

  const Json& started = events[0].attributes;
  EXPECT_EQ(started["workflowType"]["name"], "InvoiceWorkflow");
  EXPECT_EQ(started["taskQueue"], Json::parse(R"({"name":"invoices","kind":"TASK_QUEUE_KIND_NORMAL"})"));
  EXPECT_EQ(started["workflowTaskTimeout"], "10s");
  EXPECT_EQ(started["attempt"], 1);
  StatusOr<Json> input = DecodeJsonPayload(started["input"]["payloads"][0]);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  EXPECT_EQ(*input, "INV-1");

  EXPECT_EQ(events[4].attributes,
            Json::parse(R"({"timerId":"1","startToFireTimeout":"2s","workflowTaskCompletedEventId":"4"})"));
  const Json& scheduled = events[9].attributes;
  EXPECT_EQ(scheduled["activityType"]["name"], "charge_invoice");
  EXPECT_EQ(scheduled["retryPolicy"]["maximumAttempts"], 5);
  StatusOr<Json> activity_input = DecodeJsonPayload(scheduled["input"]["payloads"][0]);
  ASSERT_TRUE(activity_input.ok());
  EXPECT_EQ(*activity_input, Json::parse(R"({"amount":120,"customer":"ACME"})"));
  StatusOr<Json> result = DecodeJsonPayload(events[15].attributes["result"]["payloads"][0]);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "done: INV-1");
}

TEST(ExportHistory, WritesTheImportedDocumentBackExactly) {
  EXPECT_EQ(ExportHistory(ImportFixture()), Fixture());
}

TEST(ExportHistory, RoundTripsThroughText) {
  std::vector<HistoryEvent> events = ImportFixture();
  StatusOr<std::vector<HistoryEvent>> again = ImportHistoryText(ExportHistory(events).dump(2));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, events);
}

// ---- Single events ---------------------------------------------------------

TEST(EventToJson, WritesTemporalsFieldsAndSpelling) {
  HistoryEvent event;
  event.event_id = 5;
  event.event_time = TimePoint(std::chrono::seconds(1719705600) + std::chrono::nanoseconds(123456789));
  event.event_type = EventType::kTimerStarted;
  event.task_id = 1048587;
  event.attributes = {{"timerId", "1"}, {"startToFireTimeout", "2s"}, {"workflowTaskCompletedEventId", "4"}};
  EXPECT_EQ(EventToJson(event), Json::parse(R"({
    "eventId": "5",
    "eventTime": "2024-06-30T00:00:00.123456789Z",
    "eventType": "EVENT_TYPE_TIMER_STARTED",
    "taskId": "1048587",
    "timerStartedEventAttributes": {"timerId": "1", "startToFireTimeout": "2s", "workflowTaskCompletedEventId": "4"}
  })"));

  // proto3 JSON leaves out a zero taskId, and Temporal's readers default it.
  event.task_id = 0;
  EXPECT_FALSE(EventToJson(event).contains("taskId"));
  StatusOr<HistoryEvent> back = EventFromJson(EventToJson(event));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, event);
}

TEST(EventFromJson, ReadsOneEventInEitherSpelling) {
  StatusOr<HistoryEvent> canonical = EventFromJson(Fixture()["events"][5]);
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  StatusOr<HistoryEvent> legacy = EventFromJson(Json::parse(R"({
    "EventId": 6, "EventTime": "2024-06-30T00:00:02.150Z", "EventType": "TimerFired", "TaskId": 1048590,
    "TimerFiredEventAttributes": {"TimerId": "1", "StartedEventId": 5}
  })"));
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(*legacy, *canonical);
  EXPECT_EQ(legacy->attributes["startedEventId"], "5");
}

TEST(EventFromJson, LabelsErrorsWithoutAPosition) {
  Json event = Fixture()["events"][4];
  event["eventTime"] = "soon";
  ExpectInvalid(EventFromJson(event).status(), {"event (eventId 5): eventTime \"soon\" is not an RFC 3339 time"});
  ExpectInvalid(EventFromJson(Json::array()).status(), {"event: must be an object, not [...]"});
}

// ---- Accepted variations ---------------------------------------------------

TEST(ImportHistory, AcceptsABareArrayOfEvents) {
  StatusOr<std::vector<HistoryEvent>> events = ImportHistory(Fixture()["events"]);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, ImportFixture());
}

TEST(ImportHistory, AcceptsNumbersWhereProtoJsonWritesStrings) {
  Json document = Fixture();
  for (Json& event : document["events"]) {
    event["eventId"] = std::stoll(event["eventId"].get<std::string>());
    event["taskId"] = std::stoll(event["taskId"].get<std::string>());
  }
  document["events"][4]["timerStartedEventAttributes"]["workflowTaskCompletedEventId"] = 4;
  document["events"][4]["eventType"] = 17;  // the enum's number
  document["events"][5]["eventType"] = "18";
  StatusOr<std::vector<HistoryEvent>> events = ImportHistory(document);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, ImportFixture());
}

TEST(ImportHistory, WritesDurationsAndTimesInProtoJsonForm) {
  Json document = Fixture();
  Json& started = document["events"][0]["workflowExecutionStartedEventAttributes"];
  started["workflowExecutionExpirationTime"] = "2024-07-05T02:00:00.5+02:00";
  started["workflowTaskTimeout"] = "10000ms";
  document["events"][4]["timerStartedEventAttributes"]["startToFireTimeout"] = "2.0s";
  document["events"][9]["activityTaskScheduledEventAttributes"]["retryPolicy"]["maximumInterval"] = "1m40s";
  document["events"][0]["eventTime"] = "2024-06-30T02:00:00.12+02:00";
  StatusOr<std::vector<HistoryEvent>> events = ImportHistory(document);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ((*events)[0].attributes["workflowExecutionExpirationTime"], "2024-07-05T00:00:00.500Z");
  EXPECT_EQ((*events)[0].attributes["workflowTaskTimeout"], "10s");
  EXPECT_EQ((*events)[4].attributes["startToFireTimeout"], "2s");
  EXPECT_EQ((*events)[9].attributes["retryPolicy"]["maximumInterval"], "100s");
  EXPECT_EQ((*events)[0].event_time, ImportFixture()[0].event_time);
}

TEST(ImportHistory, SkipsEventFieldsTheEngineDoesNotModel) {
  Json document = Fixture();
  document["events"][0]["version"] = "0";
  document["events"][0]["workerMayIgnore"] = false;
  document["events"][1]["links"] = Json::array();
  StatusOr<std::vector<HistoryEvent>> events = ImportHistory(document);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, ImportFixture());
}

// The older spelling: PascalCase keys, bare PascalCase enum values, numbers
// for int64 fields. Map keys (payload metadata, memo, search attributes,
// headers) are user data and keep their spelling.
Json ToLegacySpelling(const Json& value, bool is_map = false) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(ToLegacySpelling(item));
    return out;
  }
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [key, child] : value.items()) {
    std::string legacy_key = key;
    if (!is_map) legacy_key[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(key[0])));
    bool child_is_map = key == "metadata" || key == "fields" || key == "indexedFields";
    Json legacy = ToLegacySpelling(child, child_is_map);
    if (key == "eventType") {
      // "EVENT_TYPE_TIMER_STARTED" -> "TimerStarted"
      std::string pascal;
      bool word_start = true;
      for (char c : child.get<std::string>().substr(std::string_view("EVENT_TYPE_").size())) {
        if (c == '_') {
          word_start = true;
          continue;
        }
        pascal += word_start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        word_start = false;
      }
      legacy = pascal;
    } else if (key == "kind") {
      legacy = child == "TASK_QUEUE_KIND_NORMAL" ? "Normal" : "Sticky";
    } else if (key == "eventId" || key == "taskId" ||
               (key.size() > 7 && key.substr(key.size() - 7) == "EventId")) {
      legacy = std::stoll(child.get<std::string>());
    }
    out[legacy_key] = legacy;
  }
  return out;
}

TEST(ImportHistory, AcceptsTheWholeDocumentInTheOlderSpelling) {
  Json legacy = ToLegacySpelling(Fixture());
  ASSERT_TRUE(legacy.contains("Events"));
  ASSERT_EQ(legacy["Events"][0]["EventType"], "WorkflowExecutionStarted");
  ASSERT_EQ(legacy["Events"][0]["WorkflowExecutionStartedEventAttributes"]["TaskQueue"]["Kind"], "Normal");
  ASSERT_EQ(legacy["Events"][4]["TimerStartedEventAttributes"]["WorkflowTaskCompletedEventId"], 4);
  StatusOr<std::vector<HistoryEvent>> events = ImportHistoryText(legacy.dump());
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, ImportFixture());
  EXPECT_EQ(ExportHistory(*events), Fixture());
}

TEST(ImportHistory, ConvertsOlderEnumValuesAndKeepsMapKeys) {
  constexpr std::string_view kLegacy = R"json({"Events": [
    {"EventId": "1", "EventTime": "2021-03-01T10:00:00Z", "EventType": "WorkflowExecutionStarted",
     "WorkflowExecutionStartedEventAttributes": {
       "WorkflowType": {"Name": "Greet"},
       "TaskQueue": {"Name": "greetings", "Kind": "Normal"},
       "Initiator": "Workflow",
       "Memo": {"Fields": {"CustomerName": {"Metadata": {"encoding": "anNvbi9wbGFpbg=="}, "Data": "IkJvYiI="}}},
       "SearchAttributes": {"IndexedFields": {"CustomKeywordField": {"Metadata": {"encoding": "anNvbi9wbGFpbg=="}, "Data": "IkJvYiI="}}},
       "Header": {"Fields": {"Trace-Id": {"Metadata": {"encoding": "anNvbi9wbGFpbg=="}, "Data": "IkJvYiI="}}}}},
    {"EventId": "2", "EventTime": "2021-03-01T10:00:00Z", "EventType": "WorkflowTaskFailed",
     "WorkflowTaskFailedEventAttributes": {"ScheduledEventId": 1, "StartedEventId": 1, "Cause": "UnhandledCommand"}},
    {"EventId": "3", "EventTime": "2021-03-01T10:00:00Z", "EventType": "ActivityTaskTimedOut",
     "ActivityTaskTimedOutEventAttributes": {"ScheduledEventId": "1", "RetryState": "Timeout",
       "Failure": {"Message": "activity timeout", "TimeoutFailureInfo": {"TimeoutType": "StartToClose"},
                   "Cause": {"Message": "inner", "TimeoutFailureInfo": {"TimeoutType": "Heartbeat"}}}}},
    {"EventId": "4", "EventTime": "2021-03-01T10:00:00Z", "EventType": "MarkerRecorded",
     "MarkerRecordedEventAttributes": {"MarkerName": "Version", "Details": {"ChangeId": {"Payloads": []}}}},
    {"EventId": "5", "EventTime": "2021-03-01T10:00:00Z", "EventType": "WorkflowExecutionCancelRequested",
     "WorkflowExecutionCancelRequestedEventAttributes": {"Cause": "Customer cancelled"}}
  ]})json";
  StatusOr<std::vector<HistoryEvent>> events = ImportHistoryText(kLegacy);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  const Json& started = (*events)[0].attributes;
  EXPECT_EQ(started["taskQueue"], Json::parse(R"({"name":"greetings","kind":"TASK_QUEUE_KIND_NORMAL"})"));
  EXPECT_EQ(started["initiator"], "CONTINUE_AS_NEW_INITIATOR_WORKFLOW");
  Json payload = Json::parse(R"({"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkJvYiI="})");
  EXPECT_EQ(started["memo"]["fields"]["CustomerName"], payload);
  EXPECT_EQ(started["searchAttributes"]["indexedFields"]["CustomKeywordField"], payload);
  EXPECT_EQ(started["header"]["fields"]["Trace-Id"], payload);
  EXPECT_EQ((*events)[1].attributes,
            Json::parse(R"({"scheduledEventId":"1","startedEventId":"1","cause":"WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND"})"));
  const Json& timed_out = (*events)[2].attributes;
  EXPECT_EQ(timed_out["retryState"], "RETRY_STATE_TIMEOUT");
  EXPECT_EQ(timed_out["failure"]["timeoutFailureInfo"]["timeoutType"], "TIMEOUT_TYPE_START_TO_CLOSE");
  EXPECT_EQ(timed_out["failure"]["cause"]["timeoutFailureInfo"]["timeoutType"], "TIMEOUT_TYPE_HEARTBEAT");
  EXPECT_EQ((*events)[3].attributes, Json::parse(R"({"markerName":"Version","details":{"ChangeId":{"payloads":[]}}})"));
  // A cancel request's cause is the requester's free text, not an enum.
  EXPECT_EQ((*events)[4].attributes["cause"], "Customer cancelled");
}

// ---- Errors ----------------------------------------------------------------

TEST(ImportHistory, RejectsAGapInEventIds) {
  Json document = Fixture();
  document["events"].erase(2);
  ExpectInvalid(ImportHistory(document).status(),
                {"event 3 (eventId 4)", "expected eventId 3", "without gaps"});
}

TEST(ImportHistory, RejectsADuplicateEventId) {
  std::string text = EditedFixture(3, [](Json& event) { event["eventId"] = "3"; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 4 (eventId 3)", "repeats an earlier event's ID"});
}

TEST(ImportHistory, RejectsAnUnknownEventType) {
  std::string text = EditedFixture(5, [](Json& event) { event["eventType"] = "EVENT_TYPE_TIMER_EXPLODED"; });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 6 (eventId 6)", "eventType \"EVENT_TYPE_TIMER_EXPLODED\" is not a known event type"});
  text = EditedFixture(5, [](Json& event) { event["eventType"] = 0; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 6 (eventId 6)", "eventType 0 is not a known"});
  text = EditedFixture(5, [](Json& event) { event.erase("eventType"); });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 6 (eventId 6): eventType is missing"});
}

TEST(ImportHistory, RejectsMissingOrMismatchedAttributes) {
  std::string text = EditedFixture(5, [](Json& event) { event.erase("timerFiredEventAttributes"); });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 6 (eventId 6): timerFiredEventAttributes is missing"});

  text = EditedFixture(5, [](Json& event) {
    event["timerStartedEventAttributes"] = event["timerFiredEventAttributes"];
    event.erase("timerFiredEventAttributes");
  });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 6 (eventId 6)", "has timerStartedEventAttributes", "EVENT_TYPE_TIMER_FIRED",
                 "timerFiredEventAttributes"});

  text = EditedFixture(5, [](Json& event) { event["timerStartedEventAttributes"] = Json::object(); });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 6 (eventId 6)", "exactly one attributes object"});

  text = EditedFixture(5, [](Json& event) { event["timerFiredEventAttributes"] = "fired"; });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 6 (eventId 6): timerFiredEventAttributes must be an object, not \"fired\""});
}

TEST(ImportHistory, RejectsAFirstEventThatDoesNotStartAWorkflow) {
  Json document = Fixture();
  document["events"].erase(0);
  for (size_t i = 0; i < document["events"].size(); ++i) document["events"][i]["eventId"] = std::to_string(i + 1);
  ExpectInvalid(ImportHistory(document).status(),
                {"event 1 (eventId 1)", "first event must be EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
                 "not EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"});
}

TEST(ImportHistory, RejectsBadTimes) {
  std::string text = EditedFixture(2, [](Json& event) { event["eventTime"] = "yesterday"; });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 3 (eventId 3): eventTime \"yesterday\" is not an RFC 3339 time"});
  text = EditedFixture(2, [](Json& event) { event["eventTime"] = 1719705600; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 3 (eventId 3): eventTime 1719705600 is not an RFC 3339"});
  text = EditedFixture(2, [](Json& event) { event.erase("eventTime"); });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 3 (eventId 3): eventTime is missing"});
  text = EditedFixture(0, [](Json& event) {
    event["workflowExecutionStartedEventAttributes"]["workflowExecutionExpirationTime"] = "next week";
  });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 1 (eventId 1)", "workflowExecutionStartedEventAttributes.workflowExecutionExpirationTime",
                 "\"next week\" is not an RFC 3339 time"});
}

TEST(ImportHistory, RejectsBadDurations) {
  std::string text = EditedFixture(4, [](Json& event) { event["timerStartedEventAttributes"]["startToFireTimeout"] = "soon"; });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 5 (eventId 5): timerStartedEventAttributes.startToFireTimeout \"soon\" is not a duration"});
  text = EditedFixture(9, [](Json& event) {
    event["activityTaskScheduledEventAttributes"]["retryPolicy"]["initialInterval"] = "-1s";
  });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 10 (eventId 10)", "activityTaskScheduledEventAttributes.retryPolicy.initialInterval", "negative"});
  text = EditedFixture(1, [](Json& event) { event["workflowTaskScheduledEventAttributes"]["startToCloseTimeout"] = 10; });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 2 (eventId 2)", "startToCloseTimeout 10 is not a duration string"});
}

TEST(ImportHistory, RejectsBadIds) {
  std::string text = EditedFixture(1, [](Json& event) { event["eventId"] = Json::object(); });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2: eventId {...} is not a positive integer"});
  text = EditedFixture(1, [](Json& event) { event["eventId"] = "0"; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2: eventId \"0\" is not a positive integer"});
  text = EditedFixture(1, [](Json& event) { event["eventId"] = "2.0"; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2: eventId \"2.0\" is not a positive integer"});
  text = EditedFixture(1, [](Json& event) { event["eventId"] = "99999999999999999999"; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2: eventId", "not a positive integer"});
  text = EditedFixture(1, [](Json& event) { event.erase("eventId"); });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2: eventId is missing"});
  text = EditedFixture(1, [](Json& event) { event["EventId"] = "2"; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2 (eventId 2): eventId is given twice"});
  text = EditedFixture(1, [](Json& event) { event["taskId"] = "many"; });
  ExpectInvalid(ImportHistoryText(text).status(), {"event 2 (eventId 2): taskId \"many\" is not an integer"});
  text = EditedFixture(5, [](Json& event) { event["timerFiredEventAttributes"]["startedEventId"] = "five"; });
  ExpectInvalid(ImportHistoryText(text).status(),
                {"event 6 (eventId 6): timerFiredEventAttributes.startedEventId \"five\" is not an event ID"});
  text = EditedFixture(5, [](Json& event) {
    event["timerFiredEventAttributes"]["StartedEventId"] = "5";
  });
  ExpectInvalid(ImportHistoryText(text).status(), {"timerFiredEventAttributes.startedEventId is given twice"});
}

TEST(ImportHistory, RejectsDocumentsOfTheWrongShape) {
  ExpectInvalid(ImportHistoryText("{\"events\": [").status(), {"history is not valid JSON", "line 1"});
  ExpectInvalid(ImportHistoryText("").status(), {"history is not valid JSON"});
  ExpectInvalid(ImportHistoryText("\"events\"").status(), {"history must be an object with an \"events\" array", "not \"events\""});
  ExpectInvalid(ImportHistoryText("42").status(), {"history must be an object", "not 42"});
  ExpectInvalid(ImportHistoryText("{\"history\": {}}").status(), {"history must be an object with an \"events\" array"});
  ExpectInvalid(ImportHistoryText("{\"events\": {}}").status(), {"\"events\" must be an array, not {...}"});
  ExpectInvalid(ImportHistoryText("{\"events\": []}").status(), {"history has no events"});
  ExpectInvalid(ImportHistoryText("[]").status(), {"history has no events"});
  ExpectInvalid(ImportHistoryText("[5]").status(), {"event 1: must be an object, not 5"});
}

TEST(ImportHistory, RejectsThreeMegabytesOfGarbage) {
  std::mt19937 random(7);
  std::string garbage(3 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(random());
  StatusOr<std::vector<HistoryEvent>> result = ImportHistoryText(garbage);
  ExpectInvalid(result.status(), {"history is not valid JSON"});
  EXPECT_LT(result.status().message().size(), 400u);

  // An unterminated 3 MB string: the parser's "last read" must not be echoed whole.
  std::string long_string = "{\"events\": \"" + std::string(3 << 20, 'x');
  result = ImportHistoryText(long_string);
  ExpectInvalid(result.status(), {"history is not valid JSON"});
  EXPECT_LT(result.status().message().size(), 400u);
}

TEST(ImportHistory, RejectsNestingDeeperThanTheEngineHandles) {
  std::string deep = "{\"events\": " + std::string(200'000, '[') + std::string(200'000, ']') + "}";
  ExpectInvalid(ImportHistoryText(deep).status(), {"history nests more than 256 levels deep"});

  // The same through ImportHistory, for documents parsed elsewhere.
  Json nested = Json::array();
  for (int i = 0; i < 100'000; ++i) {
    Json outer = Json::array();
    outer.push_back(std::move(nested));
    nested = std::move(outer);
  }
  Json document = Fixture();
  document["events"][4]["timerStartedEventAttributes"]["nested"] = std::move(nested);
  ExpectInvalid(ImportHistory(document).status(),
                {"event 5 (eventId 5): timerStartedEventAttributes.nested", "nests more than 256 levels deep"});
}

}  // namespace
}  // namespace durable
