"""A workflow's history and outcome, in the words a check needs.

Events are Temporal's JSON (``eventType`` "EVENT_TYPE_TIMER_STARTED", its
``timerStartedEventAttributes``); checks name them by the enum's suffix,
"TIMER_STARTED" (the page's history view shows it as TimerStarted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, List, Optional

from temporalio._internal import proto

_CLOSED = ("WORKFLOW_EXECUTION_COMPLETED", "WORKFLOW_EXECUTION_FAILED", "WORKFLOW_EXECUTION_CANCELED",
           "WORKFLOW_EXECUTION_TERMINATED", "WORKFLOW_EXECUTION_TIMED_OUT", "WORKFLOW_EXECUTION_CONTINUED_AS_NEW")
# Workflow task failures that are the server's doing, not a fault in the code:
# new events arrived while the task ran, or the run was closed under it.
_NOT_CODE_FAULTS = ("WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND", "WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND")


def short_type(event: Dict[str, Any]) -> str:
    return proto.enum_name(event.get("eventType"), "EVENT_TYPE_")


def attributes(event: Dict[str, Any]) -> Dict[str, Any]:
    return next((v for k, v in event.items() if k.endswith("EventAttributes")), None) or {}


class History:
    def __init__(self, events: List[Dict[str, Any]]) -> None:
        self.events = events

    @property
    def types(self) -> List[str]:
        return [short_type(e) for e in self.events]

    def attributes(self, event_type: str) -> List[Dict[str, Any]]:
        """The attributes of every ``event_type`` event, in order."""
        return [attributes(e) for e in self.events if short_type(e) == event_type]

    def timers(self) -> List[timedelta]:
        """How long each timer the workflow started was set for, in order."""
        return [proto.parse_duration(a.get("startToFireTimeout")) or timedelta(0) for a in self.attributes("TIMER_STARTED")]

    def count(self, event_type: str) -> int:
        return self.types.count(event_type)

    @property
    def close_type(self) -> Optional[str]:
        types = self.types
        return types[-1] if types and types[-1] in _CLOSED else None

    def elapsed(self) -> timedelta:
        """Virtual time from the first event to the last."""
        if not self.events:
            return timedelta(0)
        first = proto.parse_timestamp(self.events[0].get("eventTime"))
        last = proto.parse_timestamp(self.events[-1].get("eventTime"))
        return last - first if first and last else timedelta(0)

    def code_fault(self) -> Optional[Dict[str, Any]]:
        """The last workflow task failure caused by the workflow's code, if any."""
        for attrs in reversed(self.attributes("WORKFLOW_TASK_FAILED")):
            if attrs.get("cause") not in _NOT_CODE_FAULTS:
                return attrs
        return None

    def describe_end(self) -> str:
        """The last few events, to show where a workflow got to."""
        return "its history ends with " + ", ".join(self.types[-4:])


def failure_text(failure: Dict[str, Any]) -> str:
    """Temporal Failure JSON as "ValueError: bad line (cause: KeyError: 'amount')"."""
    parts = []
    while failure:
        kind = (failure.get("applicationFailureInfo") or {}).get("type")
        message = failure.get("message") or ""
        parts.append(": ".join(p for p in (kind, message) if p))
        failure = failure.get("cause") or {}
    text, causes = parts[0] if parts else "", [p for p in parts[1:] if p]
    return text + "".join(f" (cause: {c}" for c in causes) + ")" * len(causes)


@dataclass
class Outcome:
    """How a workflow ended: ``status`` is COMPLETED, FAILED, TERMINATED, ...
    (the close event's name) or TASK_FAILED when its code failed a workflow
    task; ``result`` for COMPLETED, ``failure`` (text) otherwise."""

    status: str
    history: History
    result: Any = None
    failure: Optional[str] = None
    stack_trace: Optional[str] = None

    def describe(self) -> str:
        """"completed with 'PAID'", "failed with TimeoutError", ..."""
        if self.status == "COMPLETED":
            return f"completed with {self.result!r}"
        if self.status == "TASK_FAILED":
            return f"could not run: its workflow task failed with {self.failure}"
        ending = _ENDINGS.get(self.status, f"ended {self.status}")
        return f"{ending} with {self.failure}" if self.failure else ending


_ENDINGS = {"FAILED": "failed", "TERMINATED": "was terminated", "CANCELED": "was canceled",
            "TIMED_OUT": "timed out", "CONTINUED_AS_NEW": "continued as new"}
