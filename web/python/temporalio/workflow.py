"""Workflow definitions and the calls workflow code makes.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK. The functions here are a thin facade:
each one finds the running workflow instance through the current event loop
(the deterministic loop in ``temporalio._internal.workflow_instance``) and asks
it to do the work, so workflow code only ever touches this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import typing
import random as _random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, NoReturn, Optional, Sequence, Type, TypeVar, Union

import temporalio.common
import temporalio.exceptions
from temporalio.common import RetryPolicy, _arg_unset

__all__ = [
    "defn", "run", "signal", "query", "init",
    "info", "Info", "ParentInfo", "now", "time", "time_ns", "sleep", "wait_condition",
    "execute_activity", "start_activity", "ActivityHandle", "ActivityCancellationType",
    "execute_child_workflow", "start_child_workflow", "ChildWorkflowHandle",
    "ChildWorkflowCancellationType", "ParentClosePolicy",
    "continue_as_new", "ContinueAsNewError", "uuid4", "random", "logger", "in_workflow",
    "unsafe", "NondeterminismError", "ReadOnlyContextError", "wait", "as_completed",
]

T = TypeVar("T")


# ---------------------------------------------------------------- definitions

@dataclass
class _SignalDefinition:
    name: str
    fn: Callable[..., Any]
    description: Optional[str] = None

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.fn)


@dataclass
class _QueryDefinition:
    name: str
    fn: Callable[..., Any]
    description: Optional[str] = None


@dataclass
class _Definition:
    """What @workflow.defn learnt about a class."""

    name: str
    cls: Type
    run_fn: Callable[..., Awaitable[Any]]
    signals: Dict[str, _SignalDefinition]
    queries: Dict[str, _QueryDefinition]
    sandboxed: bool = True
    failure_exception_types: Sequence[Type[BaseException]] = ()
    init_takes_args: bool = False

    @staticmethod
    def from_class(cls: Type) -> "_Definition":
        defn = getattr(cls, "__temporal_workflow_definition", None)
        if not isinstance(defn, _Definition) or defn.cls is not cls:
            raise TypeError(f"{getattr(cls, '__name__', cls)!r} is not a workflow: it lacks @workflow.defn")
        return defn

    @staticmethod
    def from_run_fn(fn: Callable[..., Any]) -> "_Definition":
        """Workflow.run method (as used by client.start_workflow(MyWf.run, ...))."""
        cls_name = getattr(fn, "__qualname__", "").rpartition(".")[0]
        defn = getattr(fn, "__temporal_workflow_defn_of_run", None)
        if isinstance(defn, _Definition):
            return defn
        raise TypeError(f"{getattr(fn, '__qualname__', fn)!r} is not the @workflow.run method of a @workflow.defn class {cls_name}")


def defn(
    cls: Optional[Type] = None,
    *,
    name: Optional[str] = None,
    sandboxed: bool = True,
    dynamic: bool = False,
    failure_exception_types: Sequence[Type[BaseException]] = (),
    versioning_behavior: Any = None,
) -> Any:
    """Marks a class as a workflow, with or without arguments.

    ``sandboxed`` is accepted for compatibility: Durable Lab has no sandbox;
    determinism comes from the deterministic event loop and the replay core.
    """
    if dynamic:
        raise NotImplementedError("Dynamic workflows are not supported in Durable Lab")

    def decorate(c: Type) -> Type:
        run_fn = None
        signals: Dict[str, _SignalDefinition] = {}
        queries: Dict[str, _QueryDefinition] = {}
        for base in reversed(c.__mro__):
            for attr, value in vars(base).items():
                if getattr(value, "__temporal_run", False):
                    run_fn = value
                sig = getattr(value, "__temporal_signal_definition", None)
                if isinstance(sig, _SignalDefinition):
                    signals[sig.name] = sig
                q = getattr(value, "__temporal_query_definition", None)
                if isinstance(q, _QueryDefinition):
                    queries[q.name] = q
        if run_fn is None:
            raise ValueError(f"Workflow {c.__name__} has no @workflow.run method")
        if not inspect.iscoroutinefunction(run_fn):
            raise ValueError(f"@workflow.run method of {c.__name__} must be an async def")
        init = vars(c).get("__init__")
        d = _Definition(
            name=name or c.__name__,
            cls=c,
            run_fn=run_fn,
            signals=signals,
            queries=queries,
            sandboxed=sandboxed,
            failure_exception_types=tuple(failure_exception_types),
            init_takes_args=bool(init is not None and getattr(init, "__temporal_init", False)),
        )
        c.__temporal_workflow_definition = d  # type: ignore[attr-defined]
        try:
            run_fn.__temporal_workflow_defn_of_run = d  # type: ignore[attr-defined]
        except AttributeError:
            pass
        return c

    if cls is not None:
        return decorate(cls)
    return decorate


def run(fn: T) -> T:
    """Marks the async method that is the workflow's body."""
    if not inspect.iscoroutinefunction(fn):
        raise ValueError("@workflow.run must decorate an async def method")
    fn.__temporal_run = True  # type: ignore[attr-defined]
    return fn


def init(fn: T) -> T:
    """Marks __init__ as taking the same arguments as the run method."""
    fn.__temporal_init = True  # type: ignore[attr-defined]
    return fn


def _handler_description(f: Callable, description: Optional[str]) -> Optional[str]:
    """The ``description=`` given to the decorator, else the handler's docstring.

    The official SDK only uses ``description=``; Durable Lab falls back to the
    docstring so the workflow metadata query has something to show.
    """
    if description is not None:
        return description
    return inspect.getdoc(f) or None


def signal(fn: Optional[Callable] = None, *, name: Optional[str] = None, dynamic: bool = False,
           unfinished_policy: Any = None, description: Optional[str] = None) -> Any:
    """Marks a method (sync or async) as a signal handler, with or without arguments."""
    if dynamic:
        raise NotImplementedError("Dynamic signals are not supported in Durable Lab")

    def decorate(f: Callable) -> Callable:
        f.__temporal_signal_definition = _SignalDefinition(  # type: ignore[attr-defined]
            name or f.__name__, f, _handler_description(f, description))
        return f

    return decorate(fn) if fn is not None else decorate


def query(fn: Optional[Callable] = None, *, name: Optional[str] = None, dynamic: bool = False,
          description: Optional[str] = None) -> Any:
    """Marks a method as a query handler, with or without arguments.

    Handlers should be plain ``def``s that only read state; ``async def``
    handlers are accepted but must not wait on anything durable.
    """
    if dynamic:
        raise NotImplementedError("Dynamic queries are not supported in Durable Lab")

    def decorate(f: Callable) -> Callable:
        if getattr(f, "__temporal_run", False):
            raise ValueError(f"@workflow.query cannot decorate the @workflow.run method {f.__name__}")
        f.__temporal_query_definition = _QueryDefinition(  # type: ignore[attr-defined]
            name or f.__name__, f, _handler_description(f, description))
        return f

    return decorate(fn) if fn is not None else decorate


# ------------------------------------------------------------------ info etc.

@dataclass(frozen=True)
class ParentInfo:
    namespace: str
    run_id: str
    workflow_id: str


@dataclass(frozen=True)
class Info:
    """About the running workflow (see ``workflow.info()``)."""

    attempt: int
    continued_run_id: Optional[str]
    cron_schedule: Optional[str]
    execution_timeout: Optional[timedelta]
    first_execution_run_id: str
    headers: Mapping[str, Any]
    namespace: str
    parent: Optional[ParentInfo]
    raw_memo: Mapping[str, Any]
    retry_policy: Optional[RetryPolicy]
    run_id: str
    run_timeout: Optional[timedelta]
    search_attributes: Mapping[str, Any]
    start_time: datetime
    task_queue: str
    task_timeout: timedelta
    workflow_id: str
    workflow_start_time: datetime
    workflow_type: str
    _instance: Any = field(default=None, repr=False, compare=False)

    def is_continue_as_new_suggested(self) -> bool:
        return bool(self._instance and self._instance._continue_as_new_suggested)

    def get_current_history_length(self) -> int:
        return self._instance._history_length if self._instance else 0

    def _logger_details(self) -> Dict[str, Any]:
        return {
            "attempt": self.attempt,
            "namespace": self.namespace,
            "run_id": self.run_id,
            "task_queue": self.task_queue,
            "workflow_id": self.workflow_id,
            "workflow_type": self.workflow_type,
        }


class NondeterminismError(temporalio.exceptions.TemporalError):
    """Workflow code did something different from its recorded history."""


class ReadOnlyContextError(Exception):
    """A query handler tried to change the workflow (schedule a timer, ...)."""


class _NotInWorkflowEventLoopError(RuntimeError):
    pass


def _instance() -> Any:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        raise _NotInWorkflowEventLoopError("Not in workflow event loop") from None
    inst = getattr(loop, "_temporal_workflow_instance", None)
    if inst is None:
        raise _NotInWorkflowEventLoopError("Not in workflow event loop")
    return inst


def in_workflow() -> bool:
    try:
        _instance()
        return True
    except _NotInWorkflowEventLoopError:
        return False


def info() -> Info:
    return _instance().workflow_info()


def now() -> datetime:
    """The workflow's deterministic current time (UTC): the activation's timestamp."""
    return _instance().workflow_now()


def time() -> float:
    return _instance().time()


def time_ns() -> int:
    return int(_instance().time() * 1_000_000_000)


def uuid4() -> uuid.UUID:
    """A deterministic UUID from the workflow's seeded random generator."""
    return uuid.UUID(int=random().getrandbits(128), version=4)


def random() -> _random.Random:
    """The workflow's deterministic random.Random (seeded by the engine)."""
    return _instance().workflow_random()


async def sleep(duration: Union[float, timedelta], *, summary: Optional[str] = None) -> None:
    """A durable timer: the engine records it, so it survives worker restarts."""
    await asyncio.sleep(duration.total_seconds() if isinstance(duration, timedelta) else duration)


async def wait_condition(fn: Callable[[], bool], *, timeout: Optional[Union[timedelta, float]] = None,
                         timeout_summary: Optional[str] = None) -> None:
    """Waits until ``fn()`` is true, checked after every step of the workflow.

    With ``timeout``, a durable timer bounds the wait and ``asyncio.TimeoutError``
    is raised when it fires first (uncaught, it fails the workflow).
    """
    await _instance().workflow_wait_condition(fn, timeout=timeout)


async def wait(fs: Any, *, timeout: Optional[float] = None,
               return_when: str = asyncio.ALL_COMPLETED) -> "tuple[list, list]":
    """Deterministic ``asyncio.wait``: tasks start in the order given and the
    (done, pending) results are lists in that order, not sets."""
    tasks = [asyncio.ensure_future(f) for f in fs]
    done, pending = await asyncio.wait(tasks, timeout=timeout, return_when=return_when)
    return [t for t in tasks if t in done], [t for t in tasks if t in pending]


def as_completed(fs: Any, *, timeout: Optional[float] = None) -> Any:
    """Deterministic ``asyncio.as_completed``: tasks start in the order given
    (asyncio's own version starts coroutines in set order)."""
    tasks = [asyncio.ensure_future(f) for f in fs]
    return asyncio.as_completed(tasks, timeout=timeout)


# ----------------------------------------------------------------- activities

class ActivityCancellationType(IntEnum):
    TRY_CANCEL = 0
    WAIT_CANCELLATION_COMPLETED = 1
    ABANDON = 2


class ActivityHandle(asyncio.Task):  # type: ignore[type-arg]
    """A started activity: an asyncio Task whose result is the activity's.

    Cancelling it (directly, or by cancelling whatever awaits it) asks the
    engine to cancel the activity, as its cancellation type says."""

    def cancel(self, msg: Any = None) -> bool:
        hook = getattr(self, "_temporal_on_cancel", None)
        if hook is not None and not self.done():
            hook()
        return super().cancel(msg)


def start_activity(
    activity: Union[Callable[..., Any], str],
    arg: Any = _arg_unset,
    *,
    args: Sequence[Any] = (),
    task_queue: Optional[str] = None,
    result_type: Optional[Type] = None,
    schedule_to_close_timeout: Optional[timedelta] = None,
    schedule_to_start_timeout: Optional[timedelta] = None,
    start_to_close_timeout: Optional[timedelta] = None,
    heartbeat_timeout: Optional[timedelta] = None,
    retry_policy: Optional[RetryPolicy] = None,
    cancellation_type: ActivityCancellationType = ActivityCancellationType.TRY_CANCEL,
    activity_id: Optional[str] = None,
    versioning_intent: Any = None,
    summary: Optional[str] = None,
    priority: Any = None,
) -> ActivityHandle:
    """Schedules an activity (by function or by name) and returns its handle."""
    return _instance().workflow_start_activity(
        activity, temporalio.common._args_from(arg, args),
        task_queue=task_queue, result_type=result_type,
        schedule_to_close_timeout=schedule_to_close_timeout,
        schedule_to_start_timeout=schedule_to_start_timeout,
        start_to_close_timeout=start_to_close_timeout,
        heartbeat_timeout=heartbeat_timeout, retry_policy=retry_policy,
        cancellation_type=cancellation_type, activity_id=activity_id,
    )


async def execute_activity(
    activity: Union[Callable[..., Any], str],
    arg: Any = _arg_unset,
    *,
    args: Sequence[Any] = (),
    task_queue: Optional[str] = None,
    result_type: Optional[Type] = None,
    schedule_to_close_timeout: Optional[timedelta] = None,
    schedule_to_start_timeout: Optional[timedelta] = None,
    start_to_close_timeout: Optional[timedelta] = None,
    heartbeat_timeout: Optional[timedelta] = None,
    retry_policy: Optional[RetryPolicy] = None,
    cancellation_type: ActivityCancellationType = ActivityCancellationType.TRY_CANCEL,
    activity_id: Optional[str] = None,
    versioning_intent: Any = None,
    summary: Optional[str] = None,
    priority: Any = None,
) -> Any:
    """Schedules an activity and waits for its result (ActivityError on failure)."""
    return await start_activity(
        activity, arg, args=args, task_queue=task_queue, result_type=result_type,
        schedule_to_close_timeout=schedule_to_close_timeout,
        schedule_to_start_timeout=schedule_to_start_timeout,
        start_to_close_timeout=start_to_close_timeout, heartbeat_timeout=heartbeat_timeout,
        retry_policy=retry_policy, cancellation_type=cancellation_type, activity_id=activity_id,
    )


# ----------------------------------------------------------- child workflows

class ChildWorkflowCancellationType(IntEnum):
    ABANDON = 0
    TRY_CANCEL = 1
    WAIT_CANCELLATION_COMPLETED = 2
    WAIT_CANCELLATION_REQUESTED = 3


class ParentClosePolicy(IntEnum):
    UNSPECIFIED = 0
    TERMINATE = 1
    ABANDON = 2
    REQUEST_CANCEL = 3


class ChildWorkflowHandle(Generic[T]):
    """A started child workflow; ``await handle`` waits for its result."""

    def __init__(self, instance: Any, seq: int, workflow_id: str, result_fut: "asyncio.Future[Any]",
                 cancellation_type: "ChildWorkflowCancellationType") -> None:
        self._instance = instance
        self._seq = seq
        self._id = workflow_id
        self._run_id: Optional[str] = None
        self._result_fut = result_fut
        self._cancellation_type = cancellation_type

    @property
    def id(self) -> str:
        return self._id

    @property
    def first_execution_run_id(self) -> Optional[str]:
        return self._run_id

    @property
    def run_id(self) -> Optional[str]:
        return self._run_id

    def __await__(self) -> Any:
        return self._instance.workflow_wait_child(self).__await__()

    async def result(self) -> Any:
        return await self._instance.workflow_wait_child(self)


async def start_child_workflow(
    workflow: Union[str, Callable[..., Any], Type],
    arg: Any = _arg_unset,
    *,
    args: Sequence[Any] = (),
    id: Optional[str] = None,
    task_queue: Optional[str] = None,
    result_type: Optional[Type] = None,
    cancellation_type: ChildWorkflowCancellationType = ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parent_close_policy: ParentClosePolicy = ParentClosePolicy.TERMINATE,
    execution_timeout: Optional[timedelta] = None,
    run_timeout: Optional[timedelta] = None,
    task_timeout: Optional[timedelta] = None,
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy = temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    retry_policy: Optional[RetryPolicy] = None,
    cron_schedule: str = "",
    memo: Optional[Mapping[str, Any]] = None,
    search_attributes: Any = None,
    versioning_intent: Any = None,
    static_summary: Optional[str] = None,
    static_details: Optional[str] = None,
    priority: Any = None,
) -> ChildWorkflowHandle:
    """Starts a child workflow and returns its handle once the engine started it."""
    return await _instance().workflow_start_child_workflow(
        workflow, temporalio.common._args_from(arg, args), id=id, task_queue=task_queue,
        result_type=result_type, cancellation_type=cancellation_type,
        parent_close_policy=parent_close_policy, execution_timeout=execution_timeout,
        run_timeout=run_timeout, task_timeout=task_timeout, id_reuse_policy=id_reuse_policy,
        retry_policy=retry_policy, cron_schedule=cron_schedule, memo=memo,
    )


async def execute_child_workflow(
    workflow: Union[str, Callable[..., Any], Type],
    arg: Any = _arg_unset,
    *,
    args: Sequence[Any] = (),
    **kwargs: Any,
) -> Any:
    """Starts a child workflow and waits for its result (ChildWorkflowError on failure)."""
    handle = await start_child_workflow(workflow, arg, args=args, **kwargs)
    return await handle


# ------------------------------------------------------------ continue-as-new

class ContinueAsNewError(BaseException):
    """Raised by continue_as_new(); a BaseException so ``except Exception`` keeps it."""

    def __init__(self, command: Dict[str, Any]) -> None:
        super().__init__("Continue as new")
        self._command = command


def continue_as_new(
    arg: Any = _arg_unset,
    *,
    args: Sequence[Any] = (),
    workflow: Union[None, str, Callable[..., Any], Type] = None,
    task_queue: Optional[str] = None,
    run_timeout: Optional[timedelta] = None,
    task_timeout: Optional[timedelta] = None,
    retry_policy: Optional[RetryPolicy] = None,
    memo: Optional[Mapping[str, Any]] = None,
    search_attributes: Any = None,
    versioning_intent: Any = None,
) -> NoReturn:
    """Ends this run and starts a new one of the same workflow ID with new arguments."""
    _instance().workflow_continue_as_new(
        temporalio.common._args_from(arg, args), workflow=workflow, task_queue=task_queue,
        run_timeout=run_timeout, task_timeout=task_timeout, retry_policy=retry_policy, memo=memo,
    )
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------- logger

class LoggerAdapter(logging.LoggerAdapter):
    """Adds the workflow's details to each record and stays quiet during replay."""

    def __init__(self, logger: logging.Logger, extra: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(logger, extra or {})
        self.workflow_info_on_message = True
        self.log_during_replay = False

    def process(self, msg: Any, kwargs: Any) -> Any:
        if in_workflow():
            details = info()._logger_details()
            if self.workflow_info_on_message:
                msg = f"{msg} ({details})"
            extra = dict(kwargs.get("extra") or {})
            extra["temporal_workflow"] = details
            kwargs["extra"] = extra
        return msg, kwargs

    def isEnabledFor(self, level: int) -> bool:
        if not self.log_during_replay and in_workflow() and _instance().is_replaying():
            return False
        return super().isEnabledFor(level)

    @property
    def base_logger(self) -> logging.Logger:
        return self.logger


logger = LoggerAdapter(logging.getLogger("temporalio.workflow"))


# --------------------------------------------------------------------- unsafe

class unsafe:
    """Escape hatches; Durable Lab has no sandbox, so they only report state."""

    @staticmethod
    def is_replaying() -> bool:
        return _instance().is_replaying()

    @staticmethod
    def in_sandbox() -> bool:
        return False

    @staticmethod
    @contextlib.contextmanager
    def sandbox_unrestricted() -> Any:
        yield

    @staticmethod
    @contextlib.contextmanager
    def imports_passed_through() -> Any:
        yield

