"""The currency exercise's solution (labs/07-currency-exercise, solution/ over starter/): the
CurrencyConversionWorkflow driven by hand-written activations, and its
activities run with a hand-made activity context.

Synchronous (also run inside Pyodide).
"""

import importlib.util
import unittest
from unittest import mock

from _support import activation, commands, fire_timer, init_job, query_job, resolve_activity_ok, signal_job, value
from test_mcp_schema import completed, currency_lab_file

from temporalio import activity, workflow
from temporalio._internal.workflow_instance import WorkflowInstance
from temporalio.exceptions import ApplicationError

REQUEST = {"amount": 250, "currency": "EUR"}
CONVERSION = {"amount": 250, "currency": "EUR", "rate": 1.08, "converted_amount": 270.0, "target_currency": "USD"}


def load(name, **modules):
    """A solution file as a module; ``modules`` stand in for what it imports."""
    spec = importlib.util.spec_from_file_location(f"currency_{name}", currency_lab_file(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict("sys.modules", modules):
        spec.loader.exec_module(module)
    return module


activities = load("activities")
workflows = load("workflows", activities=activities)


def run_activity(fn, arg, attempt=1, workflow_id="conversion-1"):
    info = activity.Info(
        activity_id="1", activity_type=fn.__name__, attempt=attempt, current_attempt_scheduled_time=None,
        heartbeat_details=[], heartbeat_timeout=None, is_local=False, schedule_to_close_timeout=None,
        scheduled_time=None, start_to_close_timeout=None, started_time=None, task_queue="currency-task-queue",
        task_token=b"t", workflow_id=workflow_id, workflow_namespace="default", workflow_run_id="run-1",
        workflow_type="CurrencyConversionWorkflow")
    token = activity._current.set(activity._Context(info=info, heartbeat=lambda *details: None))
    try:
        return completed(fn(arg))
    finally:
        activity._current.reset(token)


class ConvertActivityTest(unittest.TestCase):
    def test_rates_to_usd(self):
        self.assertEqual(run_activity(activities.convert, REQUEST), CONVERSION)
        self.assertEqual(run_activity(activities.convert, {"amount": 1000, "currency": "jpy"})["converted_amount"], 6.7)
        self.assertLessEqual({"EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "INR", "MXN"}, set(activities.RATES_TO_USD))

    def test_bad_input_fails_for_good(self):
        for request, kind, message in [({"amount": 5, "currency": "XYZ"}, "UnknownCurrency", "Unknown currency 'XYZ'"),
                                       ({"amount": "5", "currency": "EUR"}, "InvalidAmount", "must be a number"),
                                       ({"amount": -1, "currency": "EUR"}, "InvalidAmount", "at least 0")]:
            with self.assertRaises(ApplicationError) as caught:
                run_activity(activities.convert, request)
            self.assertTrue(caught.exception.non_retryable)
            self.assertEqual(caught.exception.type, kind)
            self.assertIn(message, str(caught.exception))

    def test_injected_failures_fail_the_first_attempts_only(self):
        request = {**REQUEST, "fail_attempts": 2}
        for attempt in (1, 2):
            with self.assertRaisesRegex(RuntimeError, f"simulated failure of attempt {attempt}"):
                run_activity(activities.convert, request, attempt=attempt)
        self.assertEqual(run_activity(activities.convert, request, attempt=3)["converted_amount"], 270.0)

    def test_add_to_database_is_idempotent_per_workflow(self):
        activities.DATABASE.clear()
        for _ in range(2):
            self.assertEqual(run_activity(activities.add_to_database, CONVERSION, workflow_id="conversion-7"),
                             "conversion-7")
        self.assertEqual(activities.DATABASE, {"conversion-7": CONVERSION})


def start():
    defn = workflow._Definition.from_class(workflows.CurrencyConversionWorkflow)
    first = activation(init_job("CurrencyConversionWorkflow", REQUEST))
    inst = WorkflowInstance(defn, first, task_queue="currency-task-queue")
    return inst, inst.activate(first)


def amount(inst):
    (cmd,) = commands(inst.activate(activation(query_job("q", "GetConversionAmount"))))
    return value(cmd["respondToQuery"]["succeeded"]["response"])


class CurrencyWorkflowTest(unittest.TestCase):
    def test_convert_is_retried_per_the_policy(self):
        inst, done = start()
        (cmd,) = commands(done)
        act = cmd["scheduleActivity"]
        self.assertEqual((act["activityType"], act["taskQueue"]), ("convert", "currency-task-queue"))
        self.assertEqual([value(p) for p in act["arguments"]], [REQUEST])
        self.assertEqual(act["retryPolicy"], {"initialInterval": "1s", "backoffCoefficient": 2.0,
                                              "maximumInterval": "30s", "maximumAttempts": 5})
        self.assertIsNone(amount(inst))

    def test_confirmed_then_added_to_the_database(self):
        inst, _ = start()
        done = inst.activate(activation(resolve_activity_ok(1, CONVERSION)))
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "432000s"}}])
        self.assertEqual(amount(inst), 270.0)

        done = inst.activate(activation(signal_job("ConfirmDatabaseAdd")))
        cancel, schedule = commands(done)
        self.assertEqual(cancel, {"cancelTimer": {"seq": 1}})
        self.assertEqual(schedule["scheduleActivity"]["activityType"], "add_to_database")
        self.assertEqual([value(p) for p in schedule["scheduleActivity"]["arguments"]], [CONVERSION])

        (cmd,) = commands(inst.activate(activation(resolve_activity_ok(2, "conversion-1"))))
        self.assertEqual(value(cmd["completeWorkflowExecution"]["result"]),
                         {"status": "ADDED_TO_DATABASE", "record_id": "conversion-1", **CONVERSION})

    def test_five_days_without_confirmation(self):
        inst, _ = start()
        inst.activate(activation(resolve_activity_ok(1, CONVERSION)))
        (cmd,) = commands(inst.activate(activation(fire_timer(1), timestamp="2026-01-06T00:00:00Z")))
        self.assertEqual(value(cmd["completeWorkflowExecution"]["result"]), {"status": "EXPIRED", **CONVERSION})


if __name__ == "__main__":
    unittest.main()
