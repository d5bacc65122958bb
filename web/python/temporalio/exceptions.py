"""Temporal's error types: failures that cross workflow, activity and client.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK. Conversion to and from Temporal's
Failure JSON lives in ``temporalio.converter``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from enum import IntEnum
from typing import Any, Dict, Optional, Sequence

__all__ = [
    "TemporalError",
    "FailureError",
    "ApplicationError",
    "ApplicationErrorCategory",
    "CancelledError",
    "TerminatedError",
    "TimeoutType",
    "TimeoutError",
    "ServerError",
    "RetryState",
    "ActivityError",
    "ChildWorkflowError",
    "WorkflowAlreadyStartedError",
    "is_cancelled_exception",
]


class TemporalError(Exception):
    """Base of every Temporal error."""

    @property
    def cause(self) -> Optional[BaseException]:
        return self.__cause__


class FailureError(TemporalError):
    """An error that is carried as a Temporal Failure."""

    def __init__(self, message: str, *, failure: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self._message = message
        self._failure = failure

    @property
    def message(self) -> str:
        return self._message

    @property
    def failure(self) -> Optional[Dict[str, Any]]:
        """The Failure JSON this error was built from, if it came off the wire."""
        return self._failure


class ApplicationErrorCategory(IntEnum):
    UNSPECIFIED = 0
    BENIGN = 1


class ApplicationError(FailureError):
    """An error raised by user code: fails the workflow, or the activity attempt."""

    def __init__(
        self,
        message: str,
        *details: Any,
        type: Optional[str] = None,
        non_retryable: bool = False,
        next_retry_delay: Optional[timedelta] = None,
        category: ApplicationErrorCategory = ApplicationErrorCategory.UNSPECIFIED,
    ) -> None:
        super().__init__(message)
        self._details = details
        self._type = type
        self._non_retryable = non_retryable
        self._next_retry_delay = next_retry_delay
        self._category = category

    @property
    def details(self) -> Sequence[Any]:
        return self._details

    @property
    def type(self) -> Optional[str]:
        return self._type

    @property
    def non_retryable(self) -> bool:
        return self._non_retryable

    @property
    def next_retry_delay(self) -> Optional[timedelta]:
        return self._next_retry_delay

    @property
    def category(self) -> ApplicationErrorCategory:
        return self._category


class CancelledError(FailureError):
    """Temporal cancellation (as opposed to ``asyncio.CancelledError``)."""

    def __init__(self, message: str = "Cancelled", *details: Any) -> None:
        super().__init__(message)
        self._details = details

    @property
    def details(self) -> Sequence[Any]:
        return self._details


class TerminatedError(FailureError):
    def __init__(self, message: str, *details: Any) -> None:
        super().__init__(message)
        self._details = details

    @property
    def details(self) -> Sequence[Any]:
        return self._details


class TimeoutType(IntEnum):
    START_TO_CLOSE = 1
    SCHEDULE_TO_START = 2
    SCHEDULE_TO_CLOSE = 3
    HEARTBEAT = 4


class TimeoutError(FailureError):
    """A Temporal timeout (activity or workflow); not ``asyncio.TimeoutError``."""

    def __init__(
        self,
        message: str,
        *,
        type: Optional[TimeoutType],
        last_heartbeat_details: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self._type = type
        self._last_heartbeat_details = last_heartbeat_details

    @property
    def type(self) -> Optional[TimeoutType]:
        return self._type

    @property
    def last_heartbeat_details(self) -> Sequence[Any]:
        return self._last_heartbeat_details


class ServerError(FailureError):
    def __init__(self, message: str, *, non_retryable: bool = False) -> None:
        super().__init__(message)
        self._non_retryable = non_retryable

    @property
    def non_retryable(self) -> bool:
        return self._non_retryable


class RetryState(IntEnum):
    IN_PROGRESS = 1
    NON_RETRYABLE_FAILURE = 2
    TIMEOUT = 3
    MAXIMUM_ATTEMPTS_REACHED = 4
    RETRY_POLICY_NOT_SET = 5
    INTERNAL_SERVER_ERROR = 6
    CANCEL_REQUESTED = 7


class ActivityError(FailureError):
    """An activity failed; the reason is in ``cause``."""

    def __init__(
        self,
        message: str,
        *,
        scheduled_event_id: int,
        started_event_id: int,
        identity: str,
        activity_type: str,
        activity_id: str,
        retry_state: Optional[RetryState],
    ) -> None:
        super().__init__(message)
        self._scheduled_event_id = scheduled_event_id
        self._started_event_id = started_event_id
        self._identity = identity
        self._activity_type = activity_type
        self._activity_id = activity_id
        self._retry_state = retry_state

    @property
    def scheduled_event_id(self) -> int:
        return self._scheduled_event_id

    @property
    def started_event_id(self) -> int:
        return self._started_event_id

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def activity_type(self) -> str:
        return self._activity_type

    @property
    def activity_id(self) -> str:
        return self._activity_id

    @property
    def retry_state(self) -> Optional[RetryState]:
        return self._retry_state


class ChildWorkflowError(FailureError):
    """A child workflow failed; the reason is in ``cause``."""

    def __init__(
        self,
        message: str,
        *,
        namespace: str,
        workflow_id: str,
        run_id: str,
        workflow_type: str,
        initiated_event_id: int,
        started_event_id: int,
        retry_state: Optional[RetryState],
    ) -> None:
        super().__init__(message)
        self._namespace = namespace
        self._workflow_id = workflow_id
        self._run_id = run_id
        self._workflow_type = workflow_type
        self._initiated_event_id = initiated_event_id
        self._started_event_id = started_event_id
        self._retry_state = retry_state

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def workflow_id(self) -> str:
        return self._workflow_id

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def workflow_type(self) -> str:
        return self._workflow_type

    @property
    def initiated_event_id(self) -> int:
        return self._initiated_event_id

    @property
    def started_event_id(self) -> int:
        return self._started_event_id

    @property
    def retry_state(self) -> Optional[RetryState]:
        return self._retry_state


class WorkflowAlreadyStartedError(FailureError):
    """A workflow with this ID is already running (or the reuse policy forbids it)."""

    def __init__(self, workflow_id: str, workflow_type: str, *, run_id: Optional[str] = None) -> None:
        super().__init__("Workflow execution already started")
        self.workflow_id = workflow_id
        self.workflow_type = workflow_type
        self.run_id = run_id


def is_cancelled_exception(exception: BaseException) -> bool:
    """True for asyncio or Temporal cancellation, also when wrapped by an
    activity or child workflow error."""
    return (
        isinstance(exception, asyncio.CancelledError)
        or isinstance(exception, CancelledError)
        or (
            isinstance(exception, (ActivityError, ChildWorkflowError))
            and isinstance(exception.cause, CancelledError)
        )
    )
