"""What a failed step reports: what was expected, what happened, and where.

Attendees read these lines to fix their code, so an exception from their code
is told as ``NameError: name 'timedelta' is not defined (workflows.py, line
21)`` with a traceback through their own files only: frames of the runtime and
of this package are noise to them.
"""

from __future__ import annotations

import os
import traceback
from typing import Optional, Tuple

from durable_lab_process import format_traceback


class StepFailure(AssertionError):
    """A step did not get what it expected.

    ``happened`` is what the code did, ``expected`` what the step wanted
    instead; ``details`` (a traceback, logs) is shown below them.
    """

    def __init__(self, happened: str, *, expected: Optional[str] = None, details: Optional[str] = None) -> None:
        super().__init__(happened)
        self.happened = happened
        self.expected = expected
        self.details = details


def attendee_path(filename: str) -> Optional[str]:
    """``filename`` relative to the working directory when it is one of the
    project's files (the attendee's code, or check.py); None otherwise."""
    if not filename or filename.startswith("<"):
        return None
    full = os.path.abspath(filename)
    root = os.getcwd()
    if os.path.commonpath([full, root]) != root:
        return None
    return os.path.relpath(full, root)


def describe_exception(err: BaseException) -> Tuple[str, str]:
    """(one line for the report, a traceback through the project's files)."""
    if isinstance(err, SyntaxError):
        where = attendee_path(err.filename or "") or err.filename
        return f"SyntaxError: {err.msg} ({where}, line {err.lineno})", _traceback(err)
    frames = [f for f in traceback.extract_tb(err.__traceback__) if attendee_path(f.filename)]
    where = f" ({attendee_path(frames[-1].filename)}, line {frames[-1].lineno})" if frames else ""
    return f"{type(err).__name__}: {err}{where}", _traceback(err)


def _traceback(err: BaseException) -> str:
    return format_traceback(err, attendee_path).rstrip()
