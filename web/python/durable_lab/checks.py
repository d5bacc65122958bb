"""Lab checks: the API a lab's ``check.py`` is written with.

    from durable_lab.checks import Check, expect_equal

    check = Check("Durable timers and retries")

    @check.step("worker.py runs a Worker for the invoice workflow",
                hint="In worker.py, register InvoiceWorkflow and payment_gateway.")
    async def worker_runs(lab):
        await lab.start_worker(task_queue="invoice-task-queue",
                               workflows=["InvoiceWorkflow"], activities=["payment_gateway"])

    @check.step("The workflow completes", hint="...", needs=[worker_runs])
    async def completes(lab):
        handle = await lab.start_workflow("InvoiceWorkflow", {"lines": []})
        expect_equal(await lab.result(handle), "COMPLETED", "the workflow's result")

    if __name__ == "__main__":
        check.run()

Steps run in the order they are declared, each against the attendee's own
code: their worker entry (worker.py) runs in the background of the check, on
a private engine the host gives the check process (fresh and in memory, so
the attendee's own workflows are never touched and time can be skipped
freely). A step fails on ``StepFailure`` (raised by ``expect``,
``expect_equal`` and the ``Lab`` helpers), on any exception, or after its time
limit; its report then carries what was expected, what happened, and its hint.
labs/README.md documents this for instructors.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import sys
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, Sequence

from temporalio._internal import proto
from temporalio.client import Client, WorkflowHandle
from temporalio.common import _arg_unset
from temporalio.service import RPCError

from durable_lab._attendee import AttendeeWorker, import_module, start_worker_entry
from durable_lab._failure import StepFailure
from durable_lab._history import History, Outcome, failure_text
from durable_lab._steps import Step, run_steps

__all__ = ["Check", "Lab", "StepFailure", "AttendeeWorker", "History", "Outcome",
           "expect", "expect_equal", "duration"]

DEFAULT_STEP_TIMEOUT = 30.0
_WORKER_START_TIMEOUT = 15.0
_POLL_SECONDS = 0.05


class Check:
    """A lab's check: ordered steps, each with a title and a hint."""

    def __init__(self, title: str, *, step_timeout: float = DEFAULT_STEP_TIMEOUT) -> None:
        if not title.strip():
            raise ValueError("a check needs a title")
        self.title = title
        self.step_timeout = step_timeout
        self._steps: List[Step] = []

    @property
    def steps(self) -> List[Step]:
        return list(self._steps)

    def step(self, title: str, *, hint: str, needs: Sequence[Callable[..., Any]] = (),
             timeout: Optional[float] = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declares the next step: ``async def name(lab)``.

        ``hint`` tells the attendee what to fix when the step fails. ``needs``
        lists earlier steps this one builds on: if one of them did not pass,
        this one is skipped. ``timeout`` (seconds of real time) bounds it.
        """
        if not title.strip() or not hint.strip():
            raise ValueError("a step needs a title and a hint")
        declared = {s.fn: s.id for s in self._steps}

        def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
            if not inspect.iscoroutinefunction(fn):
                raise TypeError(f"step {fn.__name__} must be an async def taking the lab")
            if fn.__name__ in declared.values():
                raise ValueError(f"two steps are named {fn.__name__}")
            unknown = [getattr(n, "__name__", repr(n)) for n in needs if n not in declared]
            if unknown:
                raise ValueError(f"step {fn.__name__} needs {', '.join(unknown)}, which is not an earlier step of this check")
            self._steps.append(Step(id=fn.__name__, title=title, hint=hint, fn=fn,
                                    needs=tuple(declared[n] for n in needs),
                                    timeout=timeout or self.step_timeout))
            return fn

        return declare

    def worker_step(self, *, task_queue: str, workflows: Sequence[str] = (),
                    activities: Sequence[str] = ()) -> Callable[..., Any]:
        """Declares the usual first step: the worker script runs a Worker on
        ``task_queue`` that registers these workflows and activities. Returns
        the step, for ``needs=[...]``."""
        entry = _worker_entry_from_argv()
        registered = [f"{kind}=[{', '.join(names)}]" for kind, names in (("workflows", workflows), ("activities", activities)) if names]

        async def worker_runs(lab: Lab) -> None:
            await lab.start_worker(task_queue=task_queue, workflows=workflows, activities=activities)

        return self.step(f"{entry} runs a Worker on {task_queue} for {' and '.join([*workflows, *activities])}",
                         hint=f'{entry} must create Worker(client, task_queue="{task_queue}", {", ".join(registered)}) '
                              "and await worker.run().")(worker_runs)

    def run(self) -> None:
        """Runs the check as the script (``python check.py --worker worker.py``).

        The exit code is 1 when a step failed, where ``asyncio.run`` blocks
        (JSPI); hosts read the verdicts from the check events either way."""
        counts = asyncio.run(self.run_async())
        if counts["failed"]:
            raise SystemExit(1)

    async def run_async(self) -> Dict[str, int]:
        """Runs every step; returns {"passed", "failed", "skipped"}."""
        try:
            client = await Client.connect("durable-lab")
        except RuntimeError as err:
            raise RuntimeError(f"a check runs inside Durable Lab, which gives it a private engine: {err}") from None
        lab = Lab(client, worker_entry=_worker_entry_from_argv())
        try:
            return await run_steps(self.title, self._steps, lab)
        finally:
            await lab.close()


class Lab:
    """What each step gets: the attendee's code and the check's private engine."""

    def __init__(self, client: Client, *, worker_entry: str) -> None:
        self.client = client
        self.worker_entry = worker_entry
        self._worker: Optional[AttendeeWorker] = None
        self._worker_failure: Optional[StepFailure] = None
        self._step: Optional[Step] = None
        self._started: List[WorkflowHandle] = []
        self._logs = _LogCapture()
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ the code

    def module(self, name: str) -> Any:
        """The attendee's module ("workflows"), imported from their files."""
        return import_module(name)

    async def start_worker(self, *, task_queue: str, workflows: Sequence[str] = (),
                           activities: Sequence[str] = ()) -> AttendeeWorker:
        """Runs the worker entry in the background (once per check, or again
        after ``stop_worker``) and checks that its Worker polls ``task_queue``
        and registers these names."""
        if self._worker is None and self._worker_failure is None:
            try:
                self._worker = await start_worker_entry(self.worker_entry, timeout=_WORKER_START_TIMEOUT)
            except StepFailure as failure:
                self._worker_failure = failure
        if self._worker_failure is not None:
            raise self._worker_failure
        assert self._worker is not None
        self._raise_if_worker_stopped()
        self._worker.expect_registered(task_queue=task_queue, workflows=workflows, activities=activities)
        return self._worker

    @property
    def worker(self) -> AttendeeWorker:
        """The attendee's running worker, once a step has started it."""
        if self._worker is None:
            raise RuntimeError("start the worker first: await lab.start_worker(...) in this step or one it needs")
        return self._worker

    async def stop_worker(self) -> None:
        """Stops the worker entry, as Kill on the Processes page stops the
        worker: its polls end and the workflows it had in memory are gone; the
        workflows go on waiting on the engine. The next ``start_worker`` runs
        the entry again, so the workflows it then runs are replayed from their
        histories."""
        worker, self._worker = self._worker, None
        if worker is not None:
            await worker.stop()

    # ------------------------------------------------------------ workflows

    async def start_workflow(self, workflow: str, arg: Any = _arg_unset, *, id: Optional[str] = None,
                             task_queue: Optional[str] = None) -> WorkflowHandle:
        """Starts ``workflow`` on ``task_queue`` (by default the worker's); the
        step's end terminates it if it is still running then."""
        step = self._step.id if self._step else "check"
        handle = await self.client.start_workflow(workflow, arg, id=id or f"{step}-{next(self._ids)}",
                                                  task_queue=task_queue or self.worker.task_queue)
        self._started.append(handle)
        return handle

    def get_workflow_handle(self, workflow_id: str, *, run_id: Optional[str] = None) -> WorkflowHandle:
        """A handle on a workflow started by the attendee's code (an MCP tool,
        say); like ``start_workflow``'s, the step's end terminates it if it is
        still running then."""
        handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
        self._started.append(handle)
        return handle

    async def history(self, handle: WorkflowHandle) -> History:
        return History((await handle.fetch_history()).events)

    async def wait_for_event(self, handle: WorkflowHandle, event_type: str, *, count: int = 1,
                             timeout: float = 10.0) -> History:
        """Waits until the history has ``count`` ``event_type`` events ("TIMER_STARTED")."""
        return await self._watch(handle, lambda h: h.count(event_type) >= count,
                                 waiting_for=f"a {event_type} event" if count == 1 else f"{count} {event_type} events",
                                 timeout=timeout)

    async def outcome(self, handle: WorkflowHandle, *, timeout: float = 20.0) -> Outcome:
        """Waits until the workflow ends, or its code fails a workflow task."""
        history = await self._watch(handle, lambda h: self._settled(h) is not None,
                                    waiting_for="the workflow to finish", timeout=timeout)
        settled = self._settled(history)
        assert settled is not None
        return settled

    async def result(self, handle: WorkflowHandle, *, timeout: float = 20.0) -> Any:
        """The workflow's result; a StepFailure if it did not complete."""
        outcome = await self.outcome(handle, timeout=timeout)
        if outcome.status != "COMPLETED":
            raise StepFailure(f"the workflow {outcome.describe()}", expected="the workflow to complete",
                              details=outcome.stack_trace)
        return outcome.result

    # ------------------------------------------------------------ time

    async def now(self) -> datetime:
        """The engine's virtual time (UTC): what ``workflow.now()`` reads, moved on by skipping."""
        reply = await self.client._call("GetCurrentTime", {})
        time = proto.parse_timestamp(reply.get("time"))
        if time is None:
            raise RuntimeError(f"GetCurrentTime answered without a time: {reply}")
        return time

    async def skip_time(self, duration: timedelta) -> None:
        """Moves the engine's clock ahead: timers that come due fire."""
        await self.client._call("SkipTime", {"duration": proto.duration(duration)})

    @contextlib.asynccontextmanager
    async def skipping_time(self) -> AsyncIterator[None]:
        """Auto time skipping inside the block: whenever nothing runs, the
        clock jumps to the next timer, so a 5-day wait takes no time."""
        await self.client._call("SetAutoTimeSkipping", {"enabled": True})
        try:
            yield
        finally:
            await self.client._call("SetAutoTimeSkipping", {"enabled": False})

    # ------------------------------------------------------------ StepScope

    def begin(self, step: Step) -> None:
        self._step = step
        self._started = []
        self._logs.start()

    async def end(self, step: Step) -> List[str]:
        logged = self._logs.stop()
        # A workflow left running would wake up in a later step's time skipping.
        for handle in self._started:
            with contextlib.suppress(RPCError):
                await handle.terminate(reason=f"the check's step {step.id} is over")
        self._step = None
        return [f"Logged while this step ran:\n{logged}"] if logged else []

    async def close(self) -> None:
        if self._worker is not None:
            await self._worker.stop()

    # ------------------------------------------------------------ internals

    async def _watch(self, handle: WorkflowHandle, done: Callable[[History], bool], *, waiting_for: str,
                     timeout: float) -> History:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            history = await self.history(handle)
            if done(history):
                return history
            settled = self._settled(history)
            if settled is not None:
                raise StepFailure(f"the workflow {settled.describe()}, before {waiting_for}",
                                  details=settled.stack_trace)
            self._raise_if_worker_stopped()
            if loop.time() > deadline:
                raise StepFailure(f"gave up waiting for {waiting_for} after {timeout:g} s; {history.describe_end()}")
            await asyncio.sleep(_POLL_SECONDS)

    def _settled(self, history: History) -> Optional[Outcome]:
        close = history.close_type
        if close is not None:
            attrs = history.attributes(close)[0]
            status = close.removeprefix("WORKFLOW_EXECUTION_")
            if status == "COMPLETED":
                payloads = (attrs.get("result") or {}).get("payloads") or []
                result = self.client.data_converter.payload_converter.from_payloads(payloads[:1])[0] if payloads else None
                return Outcome(status, history, result=result)
            failure = attrs.get("failure") or {}
            return Outcome(status, history, failure=failure_text(failure) or attrs.get("reason") or None,
                           stack_trace=failure.get("stackTrace") or None)
        fault = history.code_fault()
        if fault is not None:
            failure = fault.get("failure") or {}
            return Outcome("TASK_FAILED", history, failure=failure_text(failure),
                           stack_trace=failure.get("stackTrace") or None)
        return None

    def _raise_if_worker_stopped(self) -> None:
        failure = self._worker.failure() if self._worker is not None else None
        if failure is not None:
            raise failure


def expect(condition: object, *, expected: str, happened: str) -> None:
    """Fails the step unless ``condition`` holds."""
    if not condition:
        raise StepFailure(happened, expected=expected)


def expect_equal(actual: Any, wanted: Any, what: str) -> None:
    """Fails the step unless ``actual == wanted``; ``what`` names the value."""
    if actual != wanted:
        raise StepFailure(f"{what} is {actual!r}", expected=f"{what} to be {wanted!r}")


def duration(value: Any) -> Optional[timedelta]:
    """A duration as history JSON writes it ("2s", "1.500s") as a timedelta."""
    return proto.parse_duration(value)


class _LogCapture(logging.Handler):
    """Warnings and errors logged during a step (say, the workflow's own
    "Failed to process line item"), shown under the step's failure."""

    _MAX_LINES = 12

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self._lines) >= self._MAX_LINES:
            return
        text = record.getMessage()
        # temporalio's loggers append the run's details (IDs, attempt): noise in a short report.
        for context in (getattr(record, "temporal_workflow", None), getattr(record, "temporal_activity", None)):
            if context is not None:
                text = text.removesuffix(f" ({context})")
        self._lines.append(f"{record.levelname} {record.name}: {text}")

    def start(self) -> None:
        self._lines = []
        logging.getLogger().addHandler(self)

    def stop(self) -> str:
        logging.getLogger().removeHandler(self)
        return "\n".join(self._lines)


def _worker_entry_from_argv() -> str:
    """``--worker worker.py`` (the host passes lab.json's "worker"); default worker.py."""
    args = sys.argv[1:]
    if "--worker" in args and args.index("--worker") + 1 < len(args):
        return args[args.index("--worker") + 1]
    return "worker.py"
