"""The attendee's code as a check runs it.

Their modules are imported from the working directory, and their worker entry
(worker.py) runs in the background of the check the way ``python worker.py``
runs it, so a check exercises exactly the Worker they wrote: its task queue,
its registrations, its imports. Whatever goes wrong is a ``StepFailure`` that
names the file and line.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import importlib
import os
from types import ModuleType
from typing import Any, Callable, Iterator, List, Optional, Sequence

from temporalio.worker import Worker

from durable_lab._failure import StepFailure, describe_exception


def import_module(name: str) -> ModuleType:
    """The attendee's module ``name`` ("workflows", "mcp_servers.invoice")."""
    path = name.replace(".", "/") + ".py"
    if not os.path.isfile(path):
        raise StepFailure(f"there is no {path}", expected=f"a file {path} in your project")
    try:
        return importlib.import_module(name)
    except Exception as err:  # noqa: BLE001 - any error at import is the attendee's to fix
        happened, details = describe_exception(err)
        raise StepFailure(f"importing {path} failed: {happened}", details=details) from None


class AttendeeWorker:
    """The Worker that the attendee's worker entry created, running in the check."""

    def __init__(self, entry: str, worker: Worker, main: "asyncio.Task[Any]") -> None:
        self.entry = entry
        self._worker = worker
        self._main = main

    @property
    def task_queue(self) -> str:
        return self._worker.task_queue

    # The registrations are the Worker's own tables; this package and
    # temporalio are one runtime, so reading them is fair.
    @property
    def workflows(self) -> List[str]:
        return sorted(self._worker._workflows)

    @property
    def activities(self) -> List[str]:
        return sorted(self._worker._activities)

    def signals(self, workflow: str) -> List[str]:
        return sorted(self._worker._workflows[workflow].signals)

    def queries(self, workflow: str) -> List[str]:
        return sorted(self._worker._workflows[workflow].queries)

    def expect_registered(self, *, task_queue: str, workflows: Sequence[str], activities: Sequence[str]) -> None:
        if self.task_queue != task_queue:
            raise StepFailure(f"{self.entry}'s Worker polls the task queue {self.task_queue!r}",
                              expected=f"Worker(..., task_queue={task_queue!r}, ...)")
        for kind, wanted, registered in (("workflow", workflows, self.workflows),
                                         ("activity", activities, self.activities)):
            missing = [name for name in wanted if name not in registered]
            if missing:
                listed = ", ".join(registered) or "none"
                raise StepFailure(
                    f"{self.entry}'s Worker does not register the {kind} {', '.join(missing)} (it registers: {listed})",
                    expected=f"{'workflows' if kind == 'workflow' else 'activities'}=[{', '.join(wanted)}] in Worker(...)")

    def failure(self) -> Optional[StepFailure]:
        """Why the worker is no longer running, or None while it runs."""
        return _ended(self.entry, self._main) if self._main.done() else None

    async def stop(self) -> None:
        self._main.cancel()
        with contextlib.suppress(BaseException):
            await self._main


async def start_worker_entry(entry: str, *, timeout: float) -> AttendeeWorker:
    """Runs ``entry`` as ``__main__`` and waits until the Worker it creates polls."""
    if not os.path.isfile(entry):
        raise StepFailure(f"there is no {entry}", expected=f"{entry}, the script that runs your worker")
    created: List[Worker] = []
    with _recording_workers(created):
        main = _run_in_background(entry)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (created and created[-1]._started):
            if main.done():
                raise _ended(entry, main)
            if loop.time() > deadline:
                main.cancel()
                raise StepFailure(f"{entry} did not start a Worker within {timeout:g} s",
                                  expected=f"{entry} to create a Worker and await worker.run()")
            await asyncio.sleep(0.02)
    return AttendeeWorker(entry, created[-1], main)


@contextlib.contextmanager
def _recording_workers(created: List[Worker]) -> Iterator[None]:
    original: Callable[..., None] = Worker.__init__

    def recording_init(self: Worker, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        created.append(self)

    Worker.__init__ = recording_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        Worker.__init__ = original  # type: ignore[method-assign]


def _run_in_background(entry: str) -> "asyncio.Task[Any]":
    """Executes the script; its ``asyncio.run(main())`` starts ``main()`` as a
    task of the check's own loop and returns, instead of blocking the check."""
    with open(entry, encoding="utf-8") as f:
        source = f.read()
    started: List["asyncio.Task[Any]"] = []

    def run_in_background(main: Any, **_options: Any) -> "asyncio.Task[Any]":
        started.append(asyncio.ensure_future(main))
        return started[-1]

    saved = asyncio.run
    asyncio.run = run_in_background  # type: ignore[assignment]
    try:
        exec(compile(source, entry, "exec"), {"__name__": "__main__", "__file__": entry, "__builtins__": builtins})
    except Exception as err:  # noqa: BLE001 - a syntax or import error is the attendee's to fix
        happened, details = describe_exception(err)
        raise StepFailure(f"running {entry} failed: {happened}", details=details) from None
    finally:
        asyncio.run = saved  # type: ignore[assignment]
    if not started:
        raise StepFailure(f"{entry} ran to its end without starting anything",
                          expected=f'{entry} to end with asyncio.run(...) of the coroutine that runs the Worker'
                                   ' (under if __name__ == "__main__":)')
    return started[0]


def _ended(entry: str, main: "asyncio.Task[Any]") -> StepFailure:
    if main.cancelled():
        return StepFailure(f"{entry}'s worker was cancelled")
    err = main.exception()
    if err is None:
        return StepFailure(f"{entry}'s main coroutine returned, so its Worker no longer runs",
                           expected=f"{entry} to await worker.run()")
    happened, details = describe_exception(err)
    return StepFailure(f"{entry} stopped: {happened}", details=details)
