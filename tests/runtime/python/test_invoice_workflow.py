"""The chapter's InvoiceWorkflow, driven by hand-written activations."""

import unittest

from _support import (RUN_ID, activation, commands, fire_timer, init_job, kinds, payload, query_job,
                      resolve_activity_failed, resolve_activity_ok, signal_job, value)

import chapter_cells
from temporalio import workflow
from temporalio._internal.workflow_instance import WorkflowInstance

INVOICE = {
    "invoice_id": "INV-100",
    "customer": "ACME Corp",
    "lines": [
        {"description": "Widget A", "amount": 100, "due_date": "2024-06-30T00:00:00Z"},
        {"description": "Widget B", "amount": 200, "due_date": "2024-07-05T00:00:00Z"},
    ],
}


def start():
    defn = workflow._Definition.from_class(chapter_cells.InvoiceWorkflow)
    first = activation(init_job("InvoiceWorkflow", INVOICE))
    inst = WorkflowInstance(defn, first, task_queue="invoice-task-queue")
    return inst, inst.activate(first)


def query(inst, query_id="q1"):
    done = inst.activate(activation(query_job(query_id, "GetInvoiceStatus")))
    (cmd,) = commands(done)
    assert cmd["respondToQuery"]["queryId"] == query_id
    return value(cmd["respondToQuery"]["succeeded"]["response"])


class InvoiceWorkflowTest(unittest.TestCase):
    def test_first_activation_starts_the_five_day_timer(self):
        inst, done = start()
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "432000s"}}])
        self.assertEqual(query(inst), "PENDING-APPROVAL")

    def test_approve_then_timers_and_activities_then_paid(self):
        inst, _ = start()
        done = inst.activate(activation(signal_job("ApproveInvoice"), timestamp="2026-01-01T00:01:00Z"))
        self.assertEqual(commands(done), [
            {"cancelTimer": {"seq": 1}},
            {"startTimer": {"seq": 2, "startToFireTimeout": "2s"}},
        ])
        self.assertEqual(query(inst), "APPROVED")

        done = inst.activate(activation(fire_timer(2), timestamp="2026-01-01T00:01:02Z"))
        (cmd,) = commands(done)
        act = cmd["scheduleActivity"]
        self.assertEqual(act["seq"], 1)
        self.assertEqual(act["activityId"], "1")
        self.assertEqual(act["activityType"], "payment_gateway")
        self.assertEqual(act["taskQueue"], "invoice-task-queue")
        self.assertEqual([value(p) for p in act["arguments"]], [INVOICE["lines"][0]])
        self.assertEqual(act["startToCloseTimeout"], "30s")
        self.assertEqual(act["retryPolicy"], {
            "initialInterval": "1s", "backoffCoefficient": 2.0, "maximumInterval": "30s", "maximumAttempts": 3})

        done = inst.activate(activation(resolve_activity_ok(1, True)))
        self.assertEqual(commands(done), [{"startTimer": {"seq": 3, "startToFireTimeout": "2s"}}])
        done = inst.activate(activation(fire_timer(3)))
        self.assertEqual(kinds(done), ["scheduleActivity"])
        self.assertEqual(commands(done)[0]["scheduleActivity"]["seq"], 2)
        done = inst.activate(activation(resolve_activity_ok(2, True)))
        (cmd,) = commands(done)
        self.assertEqual(value(cmd["completeWorkflowExecution"]["result"]), "PAID")
        self.assertEqual(query(inst), "PAID")  # queries still work on the closed run

    def test_failed_activity_is_caught_by_the_workflow(self):
        inst, _ = start()
        inst.activate(activation(signal_job("ApproveInvoice")))
        inst.activate(activation(fire_timer(2)))
        failure = {"message": "Activity task failed", "activityFailureInfo": {
            "scheduledEventId": "5", "startedEventId": "6", "activityType": {"name": "payment_gateway"},
            "activityId": "1", "retryState": "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED"},
            "cause": {"message": "card declined", "applicationFailureInfo": {"type": "ValueError"}}}
        done = inst.activate(activation(resolve_activity_failed(1, failure)))
        # except Exception in the workflow swallowed the ActivityError: next line's timer.
        self.assertEqual(commands(done), [{"startTimer": {"seq": 3, "startToFireTimeout": "2s"}}])

    def test_reject(self):
        inst, _ = start()
        done = inst.activate(activation(signal_job("RejectInvoice")))
        self.assertEqual(commands(done)[0], {"cancelTimer": {"seq": 1}})
        self.assertEqual(value(commands(done)[1]["completeWorkflowExecution"]["result"]), "REJECTED")
        self.assertEqual(query(inst), "REJECTED")

    def test_signal_in_first_activation_runs_before_the_workflow(self):
        defn = workflow._Definition.from_class(chapter_cells.InvoiceWorkflow)
        first = activation(init_job("InvoiceWorkflow", INVOICE), signal_job("ApproveInvoice"))
        inst = WorkflowInstance(defn, first, task_queue="q")
        # The condition already holds: the 5-day timer (seq 1) is started and
        # cancelled inside the activation, so neither command leaves it; the
        # seq stays used, so a replay numbers the same way.
        self.assertEqual(commands(inst.activate(first)), [{"startTimer": {"seq": 2, "startToFireTimeout": "2s"}}])

    def test_five_days_without_signal_fails_the_workflow_with_timeout(self):
        inst, _ = start()
        done = inst.activate(activation(fire_timer(1), timestamp="2026-01-06T00:00:00Z"))
        (cmd,) = commands(done)
        failure = cmd["failWorkflowExecution"]["failure"]
        self.assertEqual(failure["applicationFailureInfo"]["type"], "TimeoutError")
        self.assertIn("chapter_cells.py", failure["stackTrace"])  # the user's own file

    def test_unknown_query_fails_the_query_only(self):
        inst, _ = start()
        done = inst.activate(activation(query_job("q9", "Nope")))
        (cmd,) = commands(done)
        self.assertEqual(cmd["respondToQuery"]["queryId"], "q9")
        self.assertIn("known queries: [GetInvoiceStatus]", cmd["respondToQuery"]["failed"]["message"])

    def test_replay_gives_the_same_commands(self):
        # The same activations into a fresh instance reproduce the same commands.
        script = [
            activation(signal_job("ApproveInvoice")),
            activation(fire_timer(2)),
            activation(resolve_activity_ok(1, True)),
        ]
        runs = []
        for _ in range(2):
            inst, first = start()
            runs.append([commands(first)] + [commands(inst.activate(a)) for a in script])
        self.assertEqual(runs[0], runs[1])


if __name__ == "__main__":
    unittest.main()
