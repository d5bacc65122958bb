"""The boundary with the JavaScript host for lab checks.

The process host (``web/src/processes/python-process.ts``) calls
``install(report)`` before the script runs. ``report(event_json)`` takes one
check event as JSON text; the shapes are ``CheckEvent`` in
``web/src/processes/protocol.ts`` (plan, step-started, step-result, summary).
Text, not objects, crosses, as for the other host interfaces. Without a host
(CPython, unit tests) events go nowhere; the printed report is still there.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional

_report: Optional[Callable[[str], Any]] = None


def install(report: Callable[[str], Any]) -> None:
    global _report
    _report = report


def uninstall() -> None:
    global _report
    _report = None


def send(event: Dict[str, Any]) -> None:
    if _report is not None:
        _report(json.dumps(event))
