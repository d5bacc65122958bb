"""Deadlock detection for workflow activations without threads.

The official SDK runs each activation on a thread and gives up waiting after
2 seconds. Pyodide has no threads, so the check has to run inside the
workflow's own execution: while an activation runs we install a
``sys.settrace`` function. Its "call" hook returns a line tracer only for
frames of user code (files outside this package and outside the standard
library, where ``asyncio`` lives), so the runtime itself is not slowed down.
The line tracer counts line events and every ``_CHECK_EVERY`` lines compares
``time.monotonic()`` with the activation's deadline; when it has passed it
records the user's stack and raises ``PotentialDeadlockError`` (a
BaseException, so ``except Exception`` in user code cannot swallow it) in the
user's frame. That interrupts ``while True: pass`` and any other loop in
workflow code (a backward jump to a line is a line event).

Limits, by design: one long call into C (``time.sleep(10)``, a huge ``sorted``)
is not interrupted; it is reported at the next line of user code after it
returns. A workflow that catches BaseException and loops again is no longer
traced (CPython unsets a trace function that raises), so it hangs. Tracing
replaces any debugger's trace function for the duration of the activation and
restores it afterwards.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from types import FrameType
from typing import Any, Callable, Dict, Optional

_CHECK_EVERY = 64  # line events between clock reads: cheap, still sub-ms granularity

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../temporalio
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__))


class PotentialDeadlockError(BaseException):
    """Raised inside workflow code that did not yield in time."""

    def __init__(self, timeout: float, stack: str) -> None:
        seconds = int(timeout) if float(timeout).is_integer() else timeout
        super().__init__(
            f"[TMPRL1101] Potential deadlock detected: workflow didn't yield within {seconds} second(s)."
        )
        self.stack = stack


def _is_user_file(filename: str, cache: Dict[str, bool]) -> bool:
    hit = cache.get(filename)
    if hit is None:
        if filename.startswith("<frozen "):
            hit = False  # the import machinery and other frozen stdlib modules
        elif filename.startswith("<"):
            hit = True  # exec'd code: notebook cells, "<string>"
        else:
            path = os.path.abspath(filename)
            hit = not (path.startswith(_PACKAGE_DIR + os.sep) or path.startswith(_STDLIB_DIR + os.sep))
        cache[filename] = hit
    return hit


class DeadlockDetector:
    """Arms a line-count budget checked against a wall-clock deadline."""

    def __init__(self, timeout: Optional[float]) -> None:
        self.timeout = timeout
        self.error: Optional[PotentialDeadlockError] = None
        self._deadline = 0.0
        self._count = 0
        self._prev: Optional[Callable[..., Any]] = None
        self._files: Dict[str, bool] = {}
        self._armed = False

    def start(self) -> None:
        self.error = None
        if not self.timeout:
            return
        self._deadline = time.monotonic() + self.timeout
        self._count = 0
        self._prev = sys.gettrace()
        sys.settrace(self._on_call)
        self._armed = True

    def stop(self) -> None:
        if self._armed:
            sys.settrace(self._prev)
            self._prev = None
            self._armed = False

    def _on_call(self, frame: FrameType, event: str, arg: Any) -> Optional[Callable[..., Any]]:
        # Only "call" events reach the global hook (also on coroutine resume).
        if _is_user_file(frame.f_code.co_filename, self._files):
            return self._on_line
        return None

    def _on_line(self, frame: FrameType, event: str, arg: Any) -> Optional[Callable[..., Any]]:
        if event == "line":
            self._count += 1
            if self._count % _CHECK_EVERY == 0 and time.monotonic() > self._deadline:
                # The user's frames on top of the stack, innermost last; the
                # first runtime/asyncio frame below them ends the walk.
                frames = []
                f: Optional[FrameType] = frame
                while f is not None and _is_user_file(f.f_code.co_filename, self._files):
                    frames.append((f, f.f_lineno))
                    f = f.f_back
                stack = "".join(traceback.format_list(
                    traceback.StackSummary.extract(reversed(frames))))
                self.error = PotentialDeadlockError(self.timeout or 0, stack)
                raise self.error
        return self._on_line
