"""Activity definitions and the calls activity code makes.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK. Activities run on the worker's
ordinary asyncio loop (Pyodide's browser loop), concurrently with each other.
There are no threads in the browser, so a plain ``def`` activity runs on the
loop too and blocks it while it runs; prefer ``async def``.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, TypeVar

__all__ = ["defn", "info", "Info", "heartbeat", "is_cancelled", "wait_for_cancelled", "in_activity", "logger"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Definition:
    name: str
    fn: Callable[..., Any]

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.fn)

    @staticmethod
    def must_from_callable(fn: Callable[..., Any]) -> "_Definition":
        d = getattr(fn, "__temporal_activity_definition", None)
        if not isinstance(d, _Definition):
            raise TypeError(f"Activity {getattr(fn, '__name__', fn)!r} lacks @activity.defn")
        return d


def defn(fn: Optional[F] = None, *, name: Optional[str] = None, dynamic: bool = False,
         no_thread_cancel_exception: bool = False) -> Any:
    """Marks a function as an activity, with or without arguments (``name=``)."""
    if dynamic:
        raise NotImplementedError("Dynamic activities are not supported in Durable Lab")

    def decorate(f: F) -> F:
        f.__temporal_activity_definition = _Definition(name or f.__name__, f)  # type: ignore[attr-defined]
        return f

    return decorate(fn) if fn is not None else decorate


@dataclass(frozen=True)
class Info:
    """About the running activity attempt (see ``activity.info()``)."""

    activity_id: str
    activity_type: str
    attempt: int
    current_attempt_scheduled_time: Optional[datetime]
    heartbeat_details: Sequence[Any]
    heartbeat_timeout: Optional[timedelta]
    is_local: bool
    schedule_to_close_timeout: Optional[timedelta]
    scheduled_time: Optional[datetime]
    start_to_close_timeout: Optional[timedelta]
    started_time: Optional[datetime]
    task_queue: str
    task_token: bytes
    workflow_id: str
    workflow_namespace: str
    workflow_run_id: str
    workflow_type: str

    def _logger_details(self) -> Dict[str, Any]:
        return {
            "activity_id": self.activity_id,
            "activity_type": self.activity_type,
            "attempt": self.attempt,
            "namespace": self.workflow_namespace,
            "task_queue": self.task_queue,
            "workflow_id": self.workflow_id,
            "workflow_run_id": self.workflow_run_id,
            "workflow_type": self.workflow_type,
        }


@dataclass
class _Context:
    info: Info
    heartbeat: Callable[..., None]
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)
    cancel_reason: Optional[str] = None


_current: "contextvars.ContextVar[Optional[_Context]]" = contextvars.ContextVar("temporal_activity", default=None)


def _context() -> _Context:
    ctx = _current.get()
    if ctx is None:
        raise RuntimeError("Not in activity context")
    return ctx


def in_activity() -> bool:
    return _current.get() is not None


def info() -> Info:
    return _context().info


def heartbeat(*details: Any) -> None:
    """Records progress; the engine keeps the details for the next attempt."""
    _context().heartbeat(*details)


def is_cancelled() -> bool:
    return _context().cancelled.is_set()


async def wait_for_cancelled() -> None:
    await _context().cancelled.wait()


class LoggerAdapter(logging.LoggerAdapter):
    """Adds the activity's details to each record."""

    def __init__(self, logger: logging.Logger, extra: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(logger, extra or {})
        self.activity_info_on_message = True

    def process(self, msg: Any, kwargs: Any) -> Any:
        ctx = _current.get()
        if ctx is not None:
            details = ctx.info._logger_details()
            if self.activity_info_on_message:
                msg = f"{msg} ({details})"
            extra = dict(kwargs.get("extra") or {})
            extra["temporal_activity"] = details
            kwargs["extra"] = extra
        return msg, kwargs

    @property
    def base_logger(self) -> logging.Logger:
        return self.logger


logger = LoggerAdapter(logging.getLogger("temporalio.activity"))
