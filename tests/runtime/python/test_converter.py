"""Payload and failure conversion."""

import base64
import json
import unittest
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Dict, List, Optional

from _support import payload

from temporalio.common import RetryPolicy
from temporalio.converter import DataConverter
from temporalio.exceptions import (ActivityError, ApplicationError, CancelledError, ChildWorkflowError, RetryState,
                                   TimeoutError as TemporalTimeoutError, TimeoutType)
from temporalio._internal import proto

pc = DataConverter.default.payload_converter
fc = DataConverter.default.failure_converter


class Color(Enum):
    RED = "red"


@dataclass
class Line:
    description: str
    amount: int
    due: Optional[datetime] = None


@dataclass
class Invoice:
    invoice_id: str
    lines: List[Line] = field(default_factory=list)
    color: Color = Color.RED
    tags: Dict[str, int] = field(default_factory=dict)


def encoding(p):
    return base64.b64decode(p["metadata"]["encoding"]).decode()


class PayloadTest(unittest.TestCase):
    def test_json_payload_shape(self):
        (p,) = pc.to_payloads([{"b": 1, "a": [1, 2]}])
        self.assertEqual(encoding(p), "json/plain")
        self.assertEqual(base64.b64decode(p["data"]).decode(), '{"a":[1,2],"b":1}')  # compact, sorted

    def test_none_and_bytes(self):
        none, raw = pc.to_payloads([None, b"\x00\x01"])
        self.assertEqual(encoding(none), "binary/null")
        self.assertNotIn("data", none)
        self.assertEqual(encoding(raw), "binary/plain")
        self.assertEqual(pc.from_payloads([none, raw]), [None, b"\x00\x01"])

    def test_dataclass_round_trip_with_hints(self):
        inv = Invoice("INV-1", [Line("Widget", 100, datetime(2024, 6, 30, tzinfo=timezone.utc))], tags={"x": 1})
        (p,) = pc.to_payloads([inv])
        as_json = json.loads(base64.b64decode(p["data"]))
        self.assertEqual(as_json["lines"][0]["due"], "2024-06-30T00:00:00+00:00")
        self.assertEqual(as_json["color"], "red")
        back = pc.from_payloads([p], [Invoice])[0]
        self.assertEqual(back, inv)
        self.assertIsInstance(back.lines[0].due, datetime)

    def test_without_hint_is_plain_json(self):
        self.assertEqual(pc.from_payloads([payload({"a": 1})]), [{"a": 1}])

    def test_optional_and_type_errors(self):
        self.assertIsNone(pc.from_payloads([payload(None)], [Optional[int]])[0])
        with self.assertRaises(RuntimeError):
            pc.from_payloads([payload("x")], [int])

    def test_datetime_hint_accepts_z(self):
        self.assertEqual(pc.from_payloads([payload("2024-06-30T00:00:00Z")], [datetime])[0],
                         datetime(2024, 6, 30, tzinfo=timezone.utc))


class ProtoTest(unittest.TestCase):
    def test_durations(self):
        self.assertEqual(proto.duration(timedelta(days=5)), "432000s")
        self.assertEqual(proto.duration(timedelta(milliseconds=1500)), "1.500s")
        self.assertEqual(proto.duration(0.000001), "0.000001s")
        self.assertEqual(proto.parse_duration("1.500s"), timedelta(milliseconds=1500))
        self.assertEqual(proto.parse_duration("432000s"), timedelta(days=5))
        with self.assertRaises(ValueError):
            proto.parse_duration("5 days")

    def test_timestamps(self):
        dt = proto.parse_timestamp("2026-01-01T00:00:01.123456789Z")
        self.assertEqual(dt, datetime(2026, 1, 1, 0, 0, 1, 123456, tzinfo=timezone.utc))
        self.assertEqual(proto.timestamp(dt), "2026-01-01T00:00:01.123456Z")

    def test_retry_policy_json(self):
        rp = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30), maximum_attempts=3)
        self.assertEqual(rp._to_json(), {"initialInterval": "1s", "backoffCoefficient": 2.0,
                                         "maximumInterval": "30s", "maximumAttempts": 3})
        self.assertEqual(RetryPolicy._from_json(rp._to_json()), rp)
        with self.assertRaises(ValueError):
            RetryPolicy(maximum_attempts=-1)._to_json()


def raise_and_catch(err):
    try:
        raise err
    except BaseException as caught:  # noqa: BLE001
        return caught


class FailureTest(unittest.TestCase):
    def test_plain_exception_becomes_application_failure_named_after_the_class(self):
        f = fc.to_failure(raise_and_catch(ValueError("card declined")), pc)
        self.assertEqual(f["message"], "card declined")
        self.assertEqual(f["applicationFailureInfo"], {"type": "ValueError", "nonRetryable": False})
        self.assertIn("test_converter.py", f["stackTrace"])

    def test_application_error_fields_and_round_trip(self):
        err = raise_and_catch(ApplicationError("no funds", "d1", 2, type="Funds", non_retryable=True,
                                               next_retry_delay=timedelta(seconds=3)))
        f = fc.to_failure(err, pc)
        self.assertEqual(f["applicationFailureInfo"]["type"], "Funds")
        self.assertTrue(f["applicationFailureInfo"]["nonRetryable"])
        self.assertEqual(f["applicationFailureInfo"]["nextRetryDelay"], "3s")
        back = fc.from_failure(f, pc)
        self.assertIsInstance(back, ApplicationError)
        self.assertEqual((back.message, back.type, back.non_retryable, list(back.details)),
                         ("no funds", "Funds", True, ["d1", 2]))

    def test_cause_chain(self):
        try:
            try:
                raise KeyError("inner")
            except KeyError as inner:
                raise ApplicationError("outer") from inner
        except ApplicationError as err:
            f = fc.to_failure(err, pc)
        self.assertEqual(f["cause"]["applicationFailureInfo"]["type"], "KeyError")
        back = fc.from_failure(f, pc)
        self.assertEqual(back.cause.type, "KeyError")

    def test_activity_failure_from_the_engine(self):
        f = {"message": "Activity task failed", "activityFailureInfo": {
            "scheduledEventId": "5", "startedEventId": "6", "identity": "w", "activityType": {"name": "payment_gateway"},
            "activityId": "1", "retryState": "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED"},
            "cause": {"message": "activity StartToClose timeout", "timeoutFailureInfo": {"timeoutType": "TIMEOUT_TYPE_START_TO_CLOSE"}}}
        err = fc.from_failure(f, pc)
        self.assertIsInstance(err, ActivityError)
        self.assertEqual((err.scheduled_event_id, err.activity_type, err.retry_state),
                         (5, "payment_gateway", RetryState.MAXIMUM_ATTEMPTS_REACHED))
        self.assertIsInstance(err.cause, TemporalTimeoutError)
        self.assertEqual(err.cause.type, TimeoutType.START_TO_CLOSE)
        # Unchanged errors off the wire are sent back exactly as received.
        self.assertEqual(fc.to_failure(err, pc), f)

    def test_child_and_cancelled(self):
        f = {"message": "x", "childWorkflowExecutionFailureInfo": {
            "workflowExecution": {"workflowId": "c", "runId": "r"}, "workflowType": {"name": "Child"}},
            "cause": {"message": "Cancelled", "canceledFailureInfo": {"details": {"payloads": [payload("why")]}}}}
        err = fc.from_failure(f, pc)
        self.assertIsInstance(err, ChildWorkflowError)
        self.assertEqual((err.workflow_id, err.run_id, err.workflow_type), ("c", "r", "Child"))
        self.assertIsInstance(err.cause, CancelledError)
        self.assertEqual(list(err.cause.details), ["why"])


if __name__ == "__main__":
    unittest.main()
