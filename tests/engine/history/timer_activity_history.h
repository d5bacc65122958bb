// A hand-written history in Temporal's JSON for a workflow that starts, sleeps
// 2 s on a timer, runs one activity and completes, spelled the way
// `temporal workflow show --output json` writes it (Python SDK worker).
// Payloads: input "INV-1"; activity input {"amount":120,"customer":"ACME"};
// activity result "charged INV-1"; workflow result "done: INV-1".
#pragma once

#include <string_view>

namespace durable::fixtures {

inline constexpr std::string_view kTimerActivityHistory = R"json({
  "events": [
    {
      "eventId": "1",
      "eventTime": "2024-06-30T00:00:00.120Z",
      "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
      "taskId": "1048576",
      "workflowExecutionStartedEventAttributes": {
        "workflowType": {"name": "InvoiceWorkflow"},
        "taskQueue": {"name": "invoices", "kind": "TASK_QUEUE_KIND_NORMAL"},
        "input": {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IklOVi0xIg=="}]},
        "workflowExecutionTimeout": "0s",
        "workflowRunTimeout": "0s",
        "workflowTaskTimeout": "10s",
        "originalExecutionRunId": "5c1f0d1e-6d5a-4f0b-9a57-0c8f3b7d2e11",
        "identity": "1234@laptop",
        "firstExecutionRunId": "5c1f0d1e-6d5a-4f0b-9a57-0c8f3b7d2e11",
        "attempt": 1,
        "firstWorkflowTaskBackoff": "0s",
        "header": {},
        "workflowId": "invoice-INV-1"
      }
    },
    {
      "eventId": "2",
      "eventTime": "2024-06-30T00:00:00.120Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
      "taskId": "1048577",
      "workflowTaskScheduledEventAttributes": {
        "taskQueue": {"name": "invoices", "kind": "TASK_QUEUE_KIND_NORMAL"},
        "startToCloseTimeout": "10s",
        "attempt": 1
      }
    },
    {
      "eventId": "3",
      "eventTime": "2024-06-30T00:00:00.135Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_STARTED",
      "taskId": "1048582",
      "workflowTaskStartedEventAttributes": {
        "scheduledEventId": "2",
        "identity": "1234@laptop",
        "requestId": "0f6d9e54-4c1b-4c52-b2a4-2a7f3c9d8e01",
        "historySizeBytes": "312"
      }
    },
    {
      "eventId": "4",
      "eventTime": "2024-06-30T00:00:00.150Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
      "taskId": "1048586",
      "workflowTaskCompletedEventAttributes": {
        "scheduledEventId": "2",
        "startedEventId": "3",
        "identity": "1234@laptop",
        "sdkMetadata": {"langUsedFlags": [1], "sdkName": "temporal-python", "sdkVersion": "1.7.0"},
        "meteringMetadata": {}
      }
    },
    {
      "eventId": "5",
      "eventTime": "2024-06-30T00:00:00.150Z",
      "eventType": "EVENT_TYPE_TIMER_STARTED",
      "taskId": "1048587",
      "timerStartedEventAttributes": {
        "timerId": "1",
        "startToFireTimeout": "2s",
        "workflowTaskCompletedEventId": "4"
      }
    },
    {
      "eventId": "6",
      "eventTime": "2024-06-30T00:00:02.150Z",
      "eventType": "EVENT_TYPE_TIMER_FIRED",
      "taskId": "1048590",
      "timerFiredEventAttributes": {"timerId": "1", "startedEventId": "5"}
    },
    {
      "eventId": "7",
      "eventTime": "2024-06-30T00:00:02.150Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
      "taskId": "1048591",
      "workflowTaskScheduledEventAttributes": {
        "taskQueue": {"name": "laptop-1234-9e0d6c1a", "kind": "TASK_QUEUE_KIND_STICKY", "normalName": "invoices"},
        "startToCloseTimeout": "10s",
        "attempt": 1
      }
    },
    {
      "eventId": "8",
      "eventTime": "2024-06-30T00:00:02.161Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_STARTED",
      "taskId": "1048595",
      "workflowTaskStartedEventAttributes": {
        "scheduledEventId": "7",
        "identity": "1234@laptop",
        "requestId": "7d3a2b1c-0e9f-4a8b-8c7d-6e5f4a3b2c1d",
        "historySizeBytes": "768"
      }
    },
    {
      "eventId": "9",
      "eventTime": "2024-06-30T00:00:02.170Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
      "taskId": "1048599",
      "workflowTaskCompletedEventAttributes": {
        "scheduledEventId": "7",
        "startedEventId": "8",
        "identity": "1234@laptop",
        "sdkMetadata": {},
        "meteringMetadata": {}
      }
    },
    {
      "eventId": "10",
      "eventTime": "2024-06-30T00:00:02.170Z",
      "eventType": "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
      "taskId": "1048600",
      "activityTaskScheduledEventAttributes": {
        "activityId": "1",
        "activityType": {"name": "charge_invoice"},
        "taskQueue": {"name": "invoices", "kind": "TASK_QUEUE_KIND_NORMAL"},
        "header": {},
        "input": {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJhbW91bnQiOjEyMCwiY3VzdG9tZXIiOiJBQ01FIn0="}]},
        "scheduleToCloseTimeout": "0s",
        "scheduleToStartTimeout": "0s",
        "startToCloseTimeout": "30s",
        "heartbeatTimeout": "0s",
        "workflowTaskCompletedEventId": "9",
        "retryPolicy": {
          "initialInterval": "1s",
          "backoffCoefficient": 2,
          "maximumInterval": "100s",
          "maximumAttempts": 5
        }
      }
    },
    {
      "eventId": "11",
      "eventTime": "2024-06-30T00:00:02.182Z",
      "eventType": "EVENT_TYPE_ACTIVITY_TASK_STARTED",
      "taskId": "1048605",
      "activityTaskStartedEventAttributes": {
        "scheduledEventId": "10",
        "identity": "1234@laptop",
        "requestId": "3b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
        "attempt": 1
      }
    },
    {
      "eventId": "12",
      "eventTime": "2024-06-30T00:00:02.197Z",
      "eventType": "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
      "taskId": "1048606",
      "activityTaskCompletedEventAttributes": {
        "result": {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "ImNoYXJnZWQgSU5WLTEi"}]},
        "scheduledEventId": "10",
        "startedEventId": "11",
        "identity": "1234@laptop"
      }
    },
    {
      "eventId": "13",
      "eventTime": "2024-06-30T00:00:02.197Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
      "taskId": "1048607",
      "workflowTaskScheduledEventAttributes": {
        "taskQueue": {"name": "laptop-1234-9e0d6c1a", "kind": "TASK_QUEUE_KIND_STICKY", "normalName": "invoices"},
        "startToCloseTimeout": "10s",
        "attempt": 1
      }
    },
    {
      "eventId": "14",
      "eventTime": "2024-06-30T00:00:02.205123Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_STARTED",
      "taskId": "1048611",
      "workflowTaskStartedEventAttributes": {
        "scheduledEventId": "13",
        "identity": "1234@laptop",
        "requestId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "historySizeBytes": "1536"
      }
    },
    {
      "eventId": "15",
      "eventTime": "2024-06-30T00:00:02.213456789Z",
      "eventType": "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
      "taskId": "1048615",
      "workflowTaskCompletedEventAttributes": {
        "scheduledEventId": "13",
        "startedEventId": "14",
        "identity": "1234@laptop",
        "sdkMetadata": {},
        "meteringMetadata": {}
      }
    },
    {
      "eventId": "16",
      "eventTime": "2024-06-30T00:00:02.213456789Z",
      "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
      "taskId": "1048616",
      "workflowExecutionCompletedEventAttributes": {
        "result": {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "ImRvbmU6IElOVi0xIg=="}]},
        "workflowTaskCompletedEventId": "15"
      }
    }
  ]
})json";

}  // namespace durable::fixtures
