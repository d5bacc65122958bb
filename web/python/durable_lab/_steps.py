"""Runs a check's steps in order and reports each one as it ends.

A step passes when it returns. It fails on ``StepFailure``, on any other
exception (told through the attendee's files), or when it outlives its time
limit. A step whose ``needs`` did not all pass is skipped, because its verdict
would only repeat the earlier failure. Every event goes to the host
(``_host.send``) and is printed as text, so the output of a check reads like a
test run.

Nothing here touches the engine: the ``Lab`` (checks.py) plugs in as the
``StepScope``, so the unit tests run this on CPython.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Sequence, Tuple

from durable_lab import _host
from durable_lab._failure import StepFailure, describe_exception


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    hint: str
    fn: Callable[[Any], Awaitable[None]]
    needs: Tuple[str, ...]
    timeout: float


class StepScope(Protocol):
    """What runs around each step; it is also the argument the step gets."""

    def begin(self, step: Step) -> None: ...

    async def end(self, step: Step) -> List[str]:
        """Cleans up after the step; returns notes (say, error logs) for a failure's details."""
        ...


async def run_steps(title: str, steps: Sequence[Step], scope: StepScope) -> Dict[str, int]:
    """Runs ``steps`` in order; returns the counts also sent as the summary."""
    _publish({"kind": "plan", "title": title,
              "steps": [{"id": s.id, "title": s.title, "hint": s.hint} for s in steps]})
    titles = {s.id: s.title for s in steps}
    passed: set = set()
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for step in steps:
        blocked = [titles[n] for n in step.needs if n not in passed]
        if blocked:
            verdict: Dict[str, Any] = {"status": "skipped", "reason": "needs " + ", ".join(
                f"\u201c{t}\u201d" for t in blocked) + (", which did not pass" if len(blocked) == 1 else ", which did not all pass")}
        else:
            _publish({"kind": "step-started", "id": step.id})
            verdict = await _run_step(step, scope)
        if verdict["status"] == "passed":
            passed.add(step.id)
        counts[verdict["status"]] += 1
        _publish({"kind": "step-result", "result": {"id": step.id, "title": step.title, **verdict}})
    _publish({"kind": "summary", **counts})
    return counts


async def _run_step(step: Step, scope: StepScope) -> Dict[str, Any]:
    started = time.monotonic()
    scope.begin(step)
    try:
        failure = await _failure_within_time_limit(step, scope)
    finally:
        notes = await scope.end(step)
    verdict: Dict[str, Any] = {"seconds": round(time.monotonic() - started, 3)}
    if failure is None:
        return {"status": "passed", **verdict}
    verdict.update(status="failed", hint=step.hint, happened=failure.happened)
    if failure.expected:
        verdict["expected"] = failure.expected
    details = "\n\n".join(part for part in [failure.details, *notes] if part)
    if details:
        verdict["details"] = details
    return verdict


async def _failure_within_time_limit(step: Step, scope: StepScope) -> Optional[StepFailure]:
    task = asyncio.ensure_future(_guarded(step, scope))
    try:
        done, _ = await asyncio.wait({task}, timeout=step.timeout)
    except asyncio.CancelledError:  # the whole check is being stopped
        task.cancel()
        raise
    if not done:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        return StepFailure(f"the step did not finish within {step.timeout:g} s",
                           expected="the code to finish its work in time (an endless loop or wait?)")
    if task.cancelled():
        return StepFailure("the step was cancelled before it finished")
    err = task.exception()
    if err is None:
        return None
    if isinstance(err, StepFailure):
        return err
    happened, details = describe_exception(err)
    if isinstance(err, AssertionError) and str(err):
        happened = str(err)  # a check's own `assert ..., "message"` says it best
    return StepFailure(happened, details=details)


async def _guarded(step: Step, scope: StepScope) -> None:
    # asyncio lets SystemExit and KeyboardInterrupt escape from a task and stop
    # the whole loop; from the attendee's code they are just one more failure.
    try:
        await step.fn(scope)
    except (SystemExit, KeyboardInterrupt) as err:
        code = getattr(err, "code", None)
        raise StepFailure(f"the code called sys.exit({code!r})" if isinstance(err, SystemExit)
                          else "the code raised KeyboardInterrupt") from None


def _publish(event: Dict[str, Any]) -> None:
    _host.send(event)
    text = render(event)
    if text:
        print(text, flush=True)


def render(event: Dict[str, Any]) -> str:
    """One check event as the text a person reads in the console."""
    kind = event.get("kind")
    if kind == "plan":
        return f"Checking: {event['title']} ({len(event['steps'])} steps)"
    if kind == "step-result":
        r = event["result"]
        label = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[r["status"]]
        lines = [f"{label}  {r['title']}"]
        if r["status"] == "skipped":
            lines.append(f"      {r['reason']}")
        for key in ("expected", "happened", "hint"):
            if r.get(key):
                lines.append(f"      {key}: {r[key]}")
        if r.get("details"):
            lines.extend("      " + line for line in r["details"].splitlines())
        return "\n".join(lines)
    if kind == "summary":
        return f"{event['passed']} passed, {event['failed']} failed, {event['skipped']} skipped"
    return ""
