"""durable_lab.checks, the API of a lab's check.py, on CPython: steps and their
verdicts, what a failure says, the attendee's modules and worker entry (with
FakeRpc/FakeCore standing in for the engine), and history helpers. The checks
against the real engine, in Pyodide, are tests/labs/labs.test.ts.
"""

import asyncio
import contextlib
import io
import json
import logging
import os
import sys
import tempfile
import unittest
from datetime import datetime, timedelta, timezone

import _support  # noqa: F401  (puts web/python on sys.path)
from fakes import FakeCore, FakeRpc

from durable_lab import _host
from durable_lab._attendee import import_module, start_worker_entry
from durable_lab._history import History, Outcome, failure_text
from durable_lab._steps import render
from durable_lab.checks import Check, Lab, StepFailure, _LogCapture, _worker_entry_from_argv, expect, expect_equal
from temporalio._internal import host
from temporalio.client import Client
from temporalio.worker import Worker


class NoEngineLab:
    """A StepScope for steps that do not touch the engine."""

    def __init__(self):
        self.begun, self.ended = [], []
        self.notes = []

    def begin(self, step):
        self.begun.append(step.id)

    async def end(self, step):
        self.ended.append(step.id)
        return list(self.notes)


class ProjectDir:
    """The attendee's files in a temporary working directory, importable, and
    gone afterwards (with the modules imported from them)."""

    def __init__(self, test, files):
        self._dir = tempfile.TemporaryDirectory()
        for name, text in files.items():
            path = os.path.join(self._dir.name, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        saved_cwd, saved_path, saved_modules = os.getcwd(), list(sys.path), set(sys.modules)
        os.chdir(self._dir.name)
        sys.path.insert(0, self._dir.name)

        def restore():
            os.chdir(saved_cwd)
            sys.path[:] = saved_path
            for name in set(sys.modules) - saved_modules:
                del sys.modules[name]
            self._dir.cleanup()

        test.addCleanup(restore)


class ChecksTestCase(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.events = []
        _host.install(lambda text: self.events.append(json.loads(text)))
        self.addCleanup(_host.uninstall)

    async def run_check(self, check, lab=None):
        from durable_lab._steps import run_steps

        lab = lab or NoEngineLab()
        with contextlib.redirect_stdout(io.StringIO()):  # the printed report is render()'s, tested below
            counts = await run_steps(check.title, check.steps, lab)
        return counts, {e["result"]["id"]: e["result"] for e in self.events if e["kind"] == "step-result"}


class StepsTest(ChecksTestCase):
    async def test_verdicts_in_order_with_hints_and_skips(self):
        check = Check("demo")

        @check.step("passes", hint="-")
        async def first(lab):
            pass

        @check.step("fails", hint="fix the thing", needs=[first])
        async def second(lab):
            expect_equal("REJECTED", "PAID", "the result")

        @check.step("builds on the failure", hint="-", needs=[first, second])
        async def third(lab):
            raise AssertionError("never runs")

        lab = NoEngineLab()
        counts, results = await self.run_check(check, lab)
        self.assertEqual(counts, {"passed": 1, "failed": 1, "skipped": 1})
        self.assertEqual([e["kind"] for e in self.events],
                         ["plan", "step-started", "step-result", "step-started", "step-result", "step-result", "summary"])
        self.assertEqual(self.events[0]["steps"][1], {"id": "second", "title": "fails", "hint": "fix the thing"})
        self.assertEqual(results["second"]["status"], "failed")
        self.assertEqual(results["second"]["expected"], "the result to be 'PAID'")
        self.assertEqual(results["second"]["happened"], "the result is 'REJECTED'")
        self.assertEqual(results["second"]["hint"], "fix the thing")
        self.assertEqual(results["third"], {"id": "third", "title": "builds on the failure", "status": "skipped",
                                            "reason": "needs \u201cfails\u201d, which did not pass"})
        self.assertEqual(lab.begun, ["first", "second"])
        self.assertEqual(lab.ended, ["first", "second"])

    async def test_exceptions_assertions_and_exits_become_failures(self):
        check = Check("demo")

        @check.step("raises", hint="-")
        async def raises(lab):
            {}["amount"]

        @check.step("asserts", hint="-")
        async def asserts(lab):
            assert 1 == 2, "one is not two"

        @check.step("exits", hint="-")
        async def exits(lab):
            sys.exit(3)

        @check.step("expects", hint="-")
        async def expects(lab):
            expect(False, expected="a timer", happened="no timer")

        _, results = await self.run_check(check)
        self.assertRegex(results["raises"]["happened"], r"^KeyError: 'amount' \(\S*test_checks\.py, line \d+\)$")
        self.assertIn("Traceback", results["raises"]["details"])
        self.assertEqual(results["asserts"]["happened"], "one is not two")
        self.assertEqual(results["exits"]["happened"], "the code called sys.exit(3)")
        self.assertEqual((results["expects"]["expected"], results["expects"]["happened"]), ("a timer", "no timer"))

    async def test_a_step_past_its_time_limit_fails_and_the_next_one_runs(self):
        check = Check("demo", step_timeout=0.05)

        @check.step("hangs", hint="-")
        async def hangs(lab):
            await asyncio.sleep(3600)

        @check.step("runs", hint="-", timeout=5)
        async def runs(lab):
            pass

        counts, results = await self.run_check(check)
        self.assertEqual(results["hangs"]["happened"], "the step did not finish within 0.05 s")
        self.assertEqual(results["runs"]["status"], "passed")
        self.assertEqual(counts["failed"], 1)

    async def test_the_scope_notes_go_under_a_failure(self):
        check = Check("demo")

        @check.step("fails", hint="-")
        async def fails(lab):
            raise StepFailure("nothing paid", details="the traceback")

        lab = NoEngineLab()
        lab.notes = ["Logged while this step ran:\nERROR temporalio.workflow: boom"]
        _, results = await self.run_check(check, lab)
        self.assertEqual(results["fails"]["details"], "the traceback\n\nLogged while this step ran:\nERROR temporalio.workflow: boom")

    def test_declaring_steps_checks_the_check(self):
        check = Check("demo")

        async def elsewhere(lab):
            pass

        with self.assertRaisesRegex(ValueError, "needs elsewhere, which is not an earlier step"):
            check.step("x", hint="-", needs=[elsewhere])(elsewhere)
        with self.assertRaisesRegex(TypeError, "must be an async def"):
            check.step("x", hint="-")(lambda lab: None)
        with self.assertRaisesRegex(ValueError, "a title and a hint"):
            check.step("x", hint=" ")
        check.step("x", hint="-")(elsewhere)
        with self.assertRaisesRegex(ValueError, "two steps are named elsewhere"):
            check.step("y", hint="-")(elsewhere)

    def test_the_usual_worker_step_says_what_to_register(self):
        check = Check("demo")
        worker_runs = check.worker_step(task_queue="q", workflows=["Hello"], activities=["greet", "wave"])
        step = check.steps[0]
        self.assertEqual((step.id, step.title), ("worker_runs", "worker.py runs a Worker on q for Hello and greet and wave"))
        self.assertEqual(step.hint, 'worker.py must create Worker(client, task_queue="q", workflows=[Hello], '
                                    'activities=[greet, wave]) and await worker.run().')

        @check.step("next", hint="-", needs=[worker_runs])
        async def after(lab):
            pass

        self.assertEqual(check.steps[1].needs, ("worker_runs",))

    def test_the_printed_report(self):
        failed = {"kind": "step-result", "result": {"id": "a", "title": "Pays", "status": "failed", "expected": "2 payments",
                                                    "happened": "none", "hint": "call payment_gateway", "details": "log line"}}
        self.assertEqual(render(failed), "FAIL  Pays\n      expected: 2 payments\n      happened: none\n"
                                         "      hint: call payment_gateway\n      log line")
        self.assertEqual(render({"kind": "summary", "passed": 1, "failed": 2, "skipped": 0}), "1 passed, 2 failed, 0 skipped")
        self.assertEqual(render({"kind": "step-started", "id": "a"}), "")

    def test_the_worker_entry_comes_from_argv(self):
        saved = sys.argv
        self.addCleanup(setattr, sys, "argv", saved)
        sys.argv = ["check.py", "--worker", "run_worker.py"]
        self.assertEqual(_worker_entry_from_argv(), "run_worker.py")
        sys.argv = ["check.py"]
        self.assertEqual(_worker_entry_from_argv(), "worker.py")


class AttendeeModulesTest(unittest.TestCase):
    def test_missing_file_syntax_error_and_error_at_import_name_the_file_and_line(self):
        ProjectDir(self, {
            "broken.py": "x = 1\ndef f(:\n",
            "raises.py": "from datetime import datetime\n\nWHEN = timedelta(days=5)\n",
            "fine.py": "VALUE = 7\n",
        })
        with self.assertRaises(StepFailure) as missing:
            import_module("workflows")
        self.assertEqual((missing.exception.happened, missing.exception.expected),
                         ("there is no workflows.py", "a file workflows.py in your project"))
        with self.assertRaises(StepFailure) as syntax:
            import_module("broken")
        self.assertRegex(syntax.exception.happened, r"^importing broken\.py failed: SyntaxError: .* \(broken\.py, line 2\)$")
        with self.assertRaises(StepFailure) as raised:
            import_module("raises")
        self.assertEqual(raised.exception.happened,
                         "importing raises.py failed: NameError: name 'timedelta' is not defined (raises.py, line 3)")
        self.assertIn('File "raises.py", line 3', raised.exception.details)
        self.assertNotIn("_attendee.py", raised.exception.details)
        self.assertEqual(import_module("fine").VALUE, 7)


WORKFLOWS = """from temporalio import workflow


@workflow.defn
class Hello:
    @workflow.signal
    async def Wave(self) -> None:
        pass

    @workflow.run
    async def run(self) -> str:
        return "hi"
"""

WORKER = """import asyncio
from temporalio.client import Client
from temporalio.worker import Worker
from workflows import Hello


async def main():
    client = await Client.connect("localhost:7233")
    print("worker up")
    await Worker(client, task_queue="hello-q", workflows=[Hello]).run()


if __name__ == "__main__":
    asyncio.run(main())
"""


class AttendeeWorkerTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.rpc = FakeRpc()
        host.install(rpc=self.rpc, core_factory=FakeCore)
        self.addCleanup(host.uninstall)

    async def test_runs_the_entry_in_the_background_and_reads_its_registrations(self):
        ProjectDir(self, {"workflows.py": WORKFLOWS, "worker.py": WORKER})
        worker = await start_worker_entry("worker.py", timeout=5)
        self.addAsyncCleanup(worker.stop)
        self.assertEqual((worker.task_queue, worker.workflows, worker.activities), ("hello-q", ["Hello"], []))
        self.assertEqual(worker.signals("Hello"), ["Wave"])
        self.assertIsNone(worker.failure())
        self.assertIs(Worker.__init__, Worker.__dict__["__init__"])  # the recording hook is gone
        worker.expect_registered(task_queue="hello-q", workflows=["Hello"], activities=[])
        with self.assertRaises(StepFailure) as queue:
            worker.expect_registered(task_queue="invoice-task-queue", workflows=[], activities=[])
        self.assertEqual(queue.exception.happened, "worker.py's Worker polls the task queue 'hello-q'")
        with self.assertRaises(StepFailure) as activity:
            worker.expect_registered(task_queue="hello-q", workflows=["Hello"], activities=["payment_gateway"])
        self.assertEqual(activity.exception.happened,
                         "worker.py's Worker does not register the activity payment_gateway (it registers: none)")
        self.assertEqual(activity.exception.expected, "activities=[payment_gateway] in Worker(...)")

    async def test_an_entry_that_fails_or_starts_nothing_says_so(self):
        ProjectDir(self, {
            "workflows.py": WORKFLOWS,
            "empty_worker.py": WORKER.replace("workflows=[Hello]", "workflows=[]"),
            "no_main.py": WORKER.replace('if __name__ == "__main__":\n    asyncio.run(main())\n', ""),
            "typo.py": WORKER.replace("from workflows import Hello", "from workflows import Helo"),
        })
        with self.assertRaises(StepFailure) as empty:
            await start_worker_entry("empty_worker.py", timeout=5)
        self.assertRegex(empty.exception.happened,
                         r"^empty_worker\.py stopped: ValueError: At least one activity or workflow must be specified "
                         r"\(empty_worker\.py, line 10\)$")
        with self.assertRaises(StepFailure) as no_main:
            await start_worker_entry("no_main.py", timeout=5)
        self.assertEqual(no_main.exception.happened, "no_main.py ran to its end without starting anything")
        with self.assertRaises(StepFailure) as typo:
            await start_worker_entry("typo.py", timeout=5)
        self.assertRegex(typo.exception.happened, r"^running typo\.py failed: ImportError: cannot import name 'Helo'")
        with self.assertRaises(StepFailure) as missing:
            await start_worker_entry("worker.py", timeout=5)
        self.assertEqual(missing.exception.happened, "there is no worker.py")
        self.assertIs(asyncio.run, asyncio.runners.run)  # put back after every attempt


class LabClockTest(unittest.IsolatedAsyncioTestCase):
    async def test_now_reads_the_engines_virtual_time(self):
        rpc = FakeRpc()
        rpc.handlers["GetCurrentTime"] = lambda request: {"time": "2030-06-30T12:00:00.250Z"}
        host.install(rpc=rpc, core_factory=FakeCore)
        self.addCleanup(host.uninstall)
        lab = Lab(await Client.connect("durable-lab"), worker_entry="worker.py")
        self.assertEqual(await lab.now(), datetime(2030, 6, 30, 12, 0, 0, 250000, tzinfo=timezone.utc))
        self.assertEqual(rpc.requests("GetCurrentTime"), [{}])


class LabWorkerRestartTest(unittest.IsolatedAsyncioTestCase):
    """stop_worker, and the workflows a step starts elsewhere (lab 06 stops the
    attendee's worker mid-step; lab 05's MCP tools start workflows)."""

    def setUp(self):
        self.rpc = FakeRpc()
        self.rpc.handlers["StartWorkflowExecution"] = lambda request: {"runId": "run-1"}
        host.install(rpc=self.rpc, core_factory=FakeCore)
        self.addCleanup(host.uninstall)

    async def test_stop_worker_then_start_worker_runs_the_entry_again(self):
        ProjectDir(self, {"workflows.py": WORKFLOWS, "worker.py": WORKER})
        lab = Lab(await Client.connect("durable-lab"), worker_entry="worker.py")
        self.addAsyncCleanup(lab.close)
        first = await lab.start_worker(task_queue="hello-q", workflows=["Hello"])
        self.assertIs(await lab.start_worker(task_queue="hello-q"), first)  # reused while it runs
        await lab.stop_worker()
        self.assertIsNotNone(first.failure(), "the stopped worker no longer runs")
        with self.assertRaises(RuntimeError):
            lab.worker  # noqa: B018 - the property raises until a worker runs again
        await lab.stop_worker()  # stopping a stopped worker is harmless
        second = await lab.start_worker(task_queue="hello-q", workflows=["Hello"])
        self.assertIsNot(second, first)
        self.assertIsNone(second.failure())

    async def test_workflows_started_on_a_queue_or_by_the_code_are_terminated_at_the_steps_end(self):
        lab = Lab(await Client.connect("durable-lab"), worker_entry="worker.py")
        lab.begin(_StepStub("s"))
        started = await lab.start_workflow("Hello", id="h-1", task_queue="other-q")
        adopted = lab.get_workflow_handle("invoice-7", run_id="run-7")
        self.assertEqual(self.rpc.requests("StartWorkflowExecution")[0]["taskQueue"]["name"], "other-q")
        self.assertEqual((started.id, adopted.id, adopted.run_id), ("h-1", "invoice-7", "run-7"))
        await lab.end(_StepStub("s"))
        terminated = [r["workflowExecution"] for r in self.rpc.requests("TerminateWorkflowExecution")]
        self.assertEqual(terminated, [{"workflowId": "h-1"}, {"workflowId": "invoice-7", "runId": "run-7"}])


class _StepStub:
    """What Lab.begin and Lab.end read of a step."""

    def __init__(self, id):
        self.id = id


class HistoryTest(unittest.TestCase):
    def test_events_outcomes_and_failures_in_words(self):
        history = History([
            {"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", "eventTime": "2026-01-01T00:00:00Z"},
            {"eventType": "EVENT_TYPE_TIMER_STARTED", "timerStartedEventAttributes": {"startToFireTimeout": "432000s"}},
            {"eventType": "EVENT_TYPE_WORKFLOW_TASK_FAILED", "workflowTaskFailedEventAttributes": {
                "cause": "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND"}},
            {"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED", "eventTime": "2026-01-06T00:00:01Z"},
        ])
        self.assertEqual(history.types[:2], ["WORKFLOW_EXECUTION_STARTED", "TIMER_STARTED"])
        self.assertEqual(history.attributes("TIMER_STARTED"), [{"startToFireTimeout": "432000s"}])
        self.assertEqual(history.close_type, "WORKFLOW_EXECUTION_FAILED")
        self.assertEqual(history.elapsed(), timedelta(days=5, seconds=1))
        self.assertEqual(history.timers(), [timedelta(days=5)])
        self.assertIsNone(history.code_fault(), "new events during a task are not the code's fault")
        failure = {"message": "", "applicationFailureInfo": {"type": "TimeoutError"},
                   "cause": {"message": "", "applicationFailureInfo": {"type": "CancelledError"}}}
        self.assertEqual(failure_text(failure), "TimeoutError (cause: CancelledError)")
        self.assertEqual(Outcome("FAILED", history, failure=failure_text(failure)).describe(),
                         "failed with TimeoutError (cause: CancelledError)")
        self.assertEqual(Outcome("COMPLETED", history, result="PAID").describe(), "completed with 'PAID'")
        self.assertEqual(Outcome("TERMINATED", history).describe(), "was terminated")


class LogCaptureTest(unittest.TestCase):
    def test_keeps_warnings_without_temporalios_run_details(self):
        capture = _LogCapture()
        capture.start()
        try:
            logging.getLogger("lab.test").error("boom ({'run_id': 'r1'})", extra={"temporal_workflow": {"run_id": "r1"}})
            logging.getLogger("lab.test").info("not kept")
        finally:
            self.assertEqual(capture.stop(), "ERROR lab.test: boom")


if __name__ == "__main__":
    unittest.main()
