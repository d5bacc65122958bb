"""One running workflow: a deterministic asyncio event loop driven by activations.

``WorkflowInstance`` is an ``asyncio.AbstractEventLoop``. Workflow code runs on
it as ordinary asyncio code (tasks, ``asyncio.gather``, ``asyncio.sleep``,
``asyncio.wait_for``), but nothing happens on its own: there is no clock and
no I/O. ``activate(activation)`` applies the activation's jobs (signals first,
then the rest, then queries, as Temporal's SDK orders them), runs every ready
callback until none is left (checking ``wait_condition`` predicates between
rounds), and returns the completion: the commands produced, or a task failure.

Durable work becomes commands for the replay core (see
``temporalio._internal.host`` for the JSON shapes): ``call_later``/``call_at``
start a timer (so ``asyncio.sleep`` and ``asyncio.timeout`` are durable),
cancelling the handle cancels it, activities and child workflows resolve
futures when their jobs arrive. Sequence numbers count per command kind from 1,
as in sdk-core, so a replay of the same code produces the same numbers.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import io
import json
import logging
import random
import sys
import traceback
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple, Type

import temporalio.common
import temporalio.converter
import temporalio.exceptions
import temporalio.workflow as wf
from temporalio._internal import proto
from temporalio._internal.deadlock import DeadlockDetector, PotentialDeadlockError, _is_user_file

logger = logging.getLogger("temporalio.worker")
_ORIGIN_FILES: Dict[str, bool] = {}

DEFAULT_DEADLOCK_TIMEOUT = 2.0


class _TimerHandle(asyncio.TimerHandle):
    __slots__ = ("_seq",)


def _type_hints(fn: Callable[..., Any]) -> Tuple[List[Any], Any]:
    """Parameter hints (without self) and the return hint of ``fn``."""
    import inspect
    import typing

    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = {}
    params = []
    try:
        sig = inspect.signature(fn)
        for i, p in enumerate(sig.parameters.values()):
            if i == 0 and p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                break
            params.append(hints.get(p.name))
    except (TypeError, ValueError):
        pass  # callables without a signature (builtins): no hints, plain JSON values
    return params, hints.get("return")


def _epoch_seconds(value: Any) -> Optional[float]:
    dt = proto.parse_timestamp(value)
    return dt.timestamp() if dt else None


class _ActivationFailed(Exception):
    """Internal: carries the error that fails the current workflow task."""



_WORKFLOW_METADATA_TYPE = "temporal.api.sdk.v1.WorkflowMetadata"
_BUILTIN_QUERIES = ("__stack_trace", "__temporal_workflow_metadata")


def _proto_json_payload(message: Dict[str, Any], message_type: str) -> Dict[str, Any]:
    """A json/protobuf payload, as the SDK's JSON proto converter writes one."""
    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    return {"metadata": {"encoding": b64(b"json/protobuf"), "messageType": b64(message_type.encode("utf-8"))},
            "data": b64(text.encode("utf-8"))}


class WorkflowInstance(asyncio.AbstractEventLoop):
    def __init__(
        self,
        defn: "wf._Definition",
        activation: Dict[str, Any],
        *,
        namespace: str = "default",
        task_queue: str = "",
        data_converter: Optional[temporalio.converter.DataConverter] = None,
        deadlock_timeout: Optional[float] = DEFAULT_DEADLOCK_TIMEOUT,
        failure_exception_types: Sequence[Type[BaseException]] = (),
    ) -> None:
        init = None
        for job in activation.get("jobs") or []:
            if "initializeWorkflow" in job:
                init = job["initializeWorkflow"] or {}
        if init is None:
            raise ValueError("The first activation of a workflow must hold initializeWorkflow")
        self._defn = defn
        self._run_id: str = activation.get("runId") or ""
        self._converter = data_converter or temporalio.converter.DataConverter.default
        self._pc: temporalio.converter.PayloadConverter = self._converter.payload_converter  # type: ignore[attr-defined]
        self._fc: temporalio.converter.FailureConverter = self._converter.failure_converter  # type: ignore[attr-defined]
        self._deadlock = DeadlockDetector(deadlock_timeout)
        self._worker_failure_types = tuple(failure_exception_types)

        self._ready: Deque[asyncio.Handle] = collections.deque()
        self._time = _epoch_seconds(activation.get("timestamp")) or 0.0
        self._is_replaying = False
        self._history_length = 0
        self._continue_as_new_suggested = False
        self._commands: List[Dict[str, Any]] = []
        self._seq: Dict[str, int] = {"timer": 0, "activity": 0, "child": 0}
        self._pending_timers: Dict[int, _TimerHandle] = {}
        self._pending_activities: Dict[int, Tuple["asyncio.Future[Any]", Any]] = {}
        self._pending_child_starts: Dict[int, Tuple["asyncio.Future[Any]", Any]] = {}
        self._pending_child_results: Dict[int, Tuple["asyncio.Future[Any]", Any]] = {}
        self._conditions: List[Tuple[Callable[[], bool], "asyncio.Future[Any]"]] = []
        self._tasks: "set[asyncio.Task[Any]]" = set()
        self._primary_task: Optional["asyncio.Task[Any]"] = None
        self._object: Any = None
        self._cancel_requested = False
        self._deleting = False
        self._closed = False
        self._read_only = False
        self._activation_error: Optional[BaseException] = None
        self._completed = False
        self._in_activation = False
        self._activation_origins = []
        self._last_origins: List[Tuple[str, Optional[int], Optional[str]]] = []
        self._poisoned: Optional[BaseException] = None

        seed = init.get("randomnessSeed")
        self._random = random.Random(int(seed) if seed not in (None, "") else 0)
        self._init_job = init
        start_time = proto.parse_timestamp(init.get("startTime")) or datetime.fromtimestamp(self._time, timezone.utc)
        parent = init.get("parentWorkflowInfo")
        self._info = wf.Info(
            attempt=int(init.get("attempt") or 1),
            continued_run_id=init.get("continuedFromExecutionRunId") or None,
            cron_schedule=init.get("cronSchedule") or None,
            execution_timeout=proto.parse_duration(init.get("workflowExecutionTimeout")),
            first_execution_run_id=init.get("firstExecutionRunId") or self._run_id,
            headers=init.get("headers") or {},
            namespace=namespace,
            parent=wf.ParentInfo(parent.get("namespace", ""), parent.get("runId", ""), parent.get("workflowId", ""))
            if parent else None,
            raw_memo=(init.get("memo") or {}).get("fields") or {},
            retry_policy=temporalio.common.RetryPolicy._from_json(init.get("retryPolicy")),
            run_id=self._run_id,
            run_timeout=proto.parse_duration(init.get("workflowRunTimeout")),
            search_attributes=init.get("searchAttributes") or {},
            start_time=start_time,
            task_queue=task_queue,
            task_timeout=proto.parse_duration(init.get("workflowTaskTimeout")) or timedelta(seconds=10),
            workflow_id=init.get("workflowId") or "",
            workflow_start_time=start_time,
            workflow_type=init.get("workflowType") or defn.name,
            _instance=self,
        )
        # Lets temporalio.workflow find this instance from inside the loop.
        self._temporal_workflow_instance = self

    # ------------------------------------------------------------ activation

    @property
    def run_id(self) -> str:
        return self._run_id

    def activate(self, activation: Dict[str, Any]) -> Dict[str, Any]:
        """Applies one activation and returns its completion JSON (a dict)."""
        run_id = activation.get("runId") or self._run_id
        ts = _epoch_seconds(activation.get("timestamp"))
        if ts is not None and ts > self._time:
            self._time = ts  # workflow time never goes backwards
        self._is_replaying = bool(activation.get("isReplaying"))
        if activation.get("historyLength") is not None:
            self._history_length = int(activation["historyLength"])
        self._continue_as_new_suggested = bool(activation.get("continueAsNewSuggested"))
        self._commands = []
        self._activation_origins: List[Tuple[str, Optional[int], Optional[str]]] = []
        self._activation_error = None
        self._in_activation = True

        jobs = activation.get("jobs") or []
        if any("removeFromCache" in j for j in jobs):
            self._evict()
            self._in_activation = False
            self._commands = []
            return {"runId": run_id, "successful": {"commands": []}}
        if self._poisoned is not None:
            # A deadlocked run cannot continue: its coroutine was interrupted.
            self._in_activation = False
            return {"runId": run_id, "failed": {"failure": self._task_failure(self._poisoned)}}

        signals, others, queries = [], [], []
        for job in jobs:
            if "signalWorkflow" in job:
                signals.append(job)
            elif "queryWorkflow" in job:
                queries.append(job)
            else:
                others.append(job)

        failure: Optional[BaseException] = None
        with self._as_running_loop():
            self._deadlock.start()
            try:
                if self._object is None:
                    self._instantiate()
                for index, job_set in enumerate((signals, others, queries)):
                    if not job_set:
                        continue
                    self._read_only = index == 2
                    for job in job_set:
                        self._apply(job)
                    self._run_once(check_conditions=index < 2)
            except PotentialDeadlockError as err:
                failure = err
            except _ActivationFailed as err:
                failure = err.__cause__
            except Exception as err:
                if self._is_workflow_failure_exception(err):
                    self._fail_workflow(err)
                else:
                    failure = err
            finally:
                self._read_only = False
                self._deadlock.stop()
        if self._deadlock.error is not None:
            failure = self._deadlock.error
            self._poisoned = failure
        # Hand out this activation's list and detach it: code that runs later
        # (a finalizer closing an abandoned coroutine cancels its timer
        # handle) must not edit a completion that was already returned.
        produced, self._commands = self._commands, []
        self._last_origins = self._activation_origins
        self._in_activation = False
        if failure is not None:
            logger.warning("Workflow task failed for %s (%s): %s", self._info.workflow_id, run_id, failure,
                           exc_info=(type(failure), failure, failure.__traceback__))
            return {"runId": run_id, "failed": {"failure": self._task_failure(failure)}}
        return {"runId": run_id, "successful": {"commands": produced}}

    def _task_failure(self, err: BaseException) -> Dict[str, Any]:
        if isinstance(err, PotentialDeadlockError):
            return {"message": str(err), "source": "DurableLabPython", "stackTrace": err.stack,
                    "applicationFailureInfo": {"type": "PotentialDeadlockError"}}
        return self._fc.to_failure(err, self._pc)

    def _as_running_loop(self) -> Any:
        """Makes this loop the running one, stepping out of a caller's task.

        The worker calls activate() from a coroutine on the ordinary loop;
        asyncio allows only one running task per thread (Python 3.12+ keeps it
        per thread), so the caller's task is left and re-entered around us.
        """
        import contextlib

        @contextlib.contextmanager
        def swap() -> Any:
            outer_loop = asyncio.events._get_running_loop()
            outer_task = asyncio.current_task(outer_loop) if outer_loop is not None else None
            if outer_task is not None:
                asyncio.tasks._leave_task(outer_loop, outer_task)
            asyncio.events._set_running_loop(self)
            try:
                yield
            finally:
                asyncio.events._set_running_loop(outer_loop)
                if outer_task is not None:
                    asyncio.tasks._enter_task(outer_loop, outer_task)

        return swap()

    def _instantiate(self) -> None:
        args = self._convert_args(self._defn.run_fn, (self._init_job.get("arguments") or []))
        self._workflow_args = args
        cls = self._defn.cls
        self._object = cls(*args) if self._defn.init_takes_args else cls()

    def _convert_args(self, fn: Callable[..., Any], payloads: Sequence[Dict[str, Any]]) -> List[Any]:
        hints, _ = _type_hints(fn)
        return self._pc.from_payloads(list(payloads), hints or None)

    def _run_once(self, *, check_conditions: bool) -> None:
        while True:
            while self._ready:
                handle = self._ready.popleft()
                if handle._cancelled:
                    continue
                handle._run()
                if self._deadlock.error is not None:
                    raise self._deadlock.error
                if self._activation_error is not None and not self._deleting:
                    raise _ActivationFailed() from self._activation_error
            if check_conditions and self._conditions:
                still = []
                for fn, fut in self._conditions:
                    if fut.done():
                        continue  # timed out or cancelled meanwhile
                    if fn():
                        fut.set_result(True)
                    else:
                        still.append((fn, fut))
                self._conditions = still
            if not self._ready:
                return

    # ------------------------------------------------------------------ jobs

    def _apply(self, job: Dict[str, Any]) -> None:
        kind, body = next(iter(job.items()))
        body = body or {}
        handler = getattr(self, "_apply_" + kind, None)
        if handler is None:
            raise RuntimeError(f"Unknown activation job {kind!r}")
        handler(body)

    def _apply_initializeWorkflow(self, job: Dict[str, Any]) -> None:
        self._primary_task = self.create_task(self._run_top_level(), name="run")

    def _apply_fireTimer(self, job: Dict[str, Any]) -> None:
        handle = self._pending_timers.pop(int(job["seq"]), None)
        if handle is not None and not handle._cancelled:
            self._ready.append(handle)

    def _apply_resolveActivity(self, job: Dict[str, Any]) -> None:
        seq = int(job["seq"])
        pending = self._pending_activities.pop(seq, None)
        if pending is None:
            raise RuntimeError(f"No pending activity with seq {seq}")
        fut, result_type = pending
        result = job.get("result") or {}
        if "completed" in result:
            payload = (result["completed"] or {}).get("result")
            value = self._pc.from_payloads([payload], [result_type] if result_type else None)[0] if payload else None
            fut.set_result(value)
        elif "failed" in result or "cancelled" in result:
            body = result.get("failed") or result.get("cancelled") or {}
            fut.set_exception(self._fc.from_failure(body.get("failure") or {}, self._pc))
        else:
            raise RuntimeError(f"Activity {seq} resolved without a result")

    def _apply_resolveChildWorkflowExecutionStart(self, job: Dict[str, Any]) -> None:
        seq = int(job["seq"])
        pending = self._pending_child_starts.pop(seq, None)
        if pending is None:
            raise RuntimeError(f"No pending child workflow start with seq {seq}")
        fut, handle = pending
        if fut.done():
            return  # nobody waits for it any more
        if "succeeded" in job:
            handle._run_id = (job["succeeded"] or {}).get("runId")
            fut.set_result(handle)
        elif "failed" in job:
            body = job["failed"] or {}
            self._pending_child_results.pop(seq, None)
            fut.set_exception(temporalio.exceptions.WorkflowAlreadyStartedError(
                body.get("workflowId") or handle.id, body.get("workflowType") or ""))
        else:
            body = job.get("cancelled") or {}
            self._pending_child_results.pop(seq, None)
            fut.set_exception(self._fc.from_failure(body.get("failure") or {}, self._pc))

    def _apply_resolveChildWorkflowExecution(self, job: Dict[str, Any]) -> None:
        seq = int(job["seq"])
        pending = self._pending_child_results.pop(seq, None)
        if pending is None:
            raise RuntimeError(f"No pending child workflow with seq {seq}")
        fut, result_type = pending
        if fut.done():
            return  # nobody waits for it any more
        result = job.get("result") or {}
        if "completed" in result:
            payload = (result["completed"] or {}).get("result")
            fut.set_result(self._pc.from_payloads([payload], [result_type] if result_type else None)[0] if payload else None)
        else:
            body = result.get("failed") or result.get("cancelled") or {}
            fut.set_exception(self._fc.from_failure(body.get("failure") or {}, self._pc))

    def _apply_signalWorkflow(self, job: Dict[str, Any]) -> None:
        name = job.get("signalName") or ""
        defn = self._defn.signals.get(name)
        if defn is None:
            # The official SDK buffers these for handlers added later; Durable
            # Lab has no dynamic handlers, so it says so and drops the signal.
            logger.warning("Workflow %s has no signal handler %r; signal dropped", self._defn.name, name)
            return
        payloads = (job.get("input") or [])
        if isinstance(payloads, dict):
            payloads = payloads.get("payloads") or []

        async def run_signal() -> None:
            try:
                args = self._convert_args(defn.fn, payloads)
                result = defn.fn(self._object, *args)
                if asyncio.iscoroutine(result):
                    await result
            except (Exception, asyncio.CancelledError) as err:
                if self._deleting:
                    return
                if self._is_workflow_failure_exception(err):
                    self._fail_workflow(err)
                else:
                    self._activation_error = err

        self.create_task(run_signal(), name=f"signal: {name}")

    def _apply_queryWorkflow(self, job: Dict[str, Any]) -> None:
        query_id = job.get("queryId") or ""
        query_type = job.get("queryType") or ""
        payloads = job.get("arguments") or []

        async def run_query() -> None:
            try:
                if query_type == "__stack_trace":
                    result: Any = self._stack_trace()
                elif query_type == "__temporal_workflow_metadata":
                    # Answered by the SDK, without user code, as a
                    # temporal.api.sdk.v1.WorkflowMetadata in proto3 JSON.
                    self._commands.append({"respondToQuery": {"queryId": query_id, "succeeded": {
                        "response": _proto_json_payload(self._workflow_metadata(), _WORKFLOW_METADATA_TYPE)}}})
                    return
                else:
                    defn = self._defn.queries.get(query_type)
                    if defn is None:
                        known = " ".join(sorted(self._defn.queries))
                        raise RuntimeError(f"Query handler for '{query_type}' expected but not found, known queries: [{known}]")
                    args = self._convert_args(defn.fn, payloads)
                    result = defn.fn(self._object, *args)
                    if asyncio.iscoroutine(result):
                        result = await result
                payload = self._pc.to_payloads([result])[0]
                self._commands.append({"respondToQuery": {"queryId": query_id, "succeeded": {"response": payload}}})
            except Exception as err:
                self._commands.append({"respondToQuery": {"queryId": query_id, "failed": self._fc.to_failure(err, self._pc)}})

        self.create_task(run_query(), name=f"query: {query_type}")

    def _apply_cancelWorkflow(self, job: Dict[str, Any]) -> None:
        self._cancel_requested = True
        if self._primary_task is not None:
            # Deferred so a run that has not started yet still sees the cancel.
            self.call_soon(self._primary_task.cancel)

    def _apply_updateRandomSeed(self, job: Dict[str, Any]) -> None:
        self._random.seed(int(job.get("randomnessSeed") or 0))

    def _apply_notifyHasPatch(self, job: Dict[str, Any]) -> None:
        pass  # patching is not supported; the job carries nothing we need

    def _evict(self) -> None:
        """Tears the run down: cancels every task and swallows what they raise."""
        self._deleting = True
        self._cancel_requested = True
        self._is_replaying = True
        with self._as_running_loop():
            for task in list(self._tasks):
                task.cancel()
            try:
                self._run_once(check_conditions=False)
            except BaseException:  # noqa: BLE001 - nothing may escape an eviction
                pass
        self._closed = True

    # --------------------------------------------------------------- run body

    async def _run_top_level(self) -> None:
        try:
            result = await self._defn.run_fn(self._object, *self._workflow_args)
            self._add_command({"completeWorkflowExecution": {"result": self._pc.to_payloads([result])[0]}})
            self._completed = True
        except wf.ContinueAsNewError as err:
            self._add_command({"continueAsNewWorkflowExecution": err._command})
            self._completed = True
        except (Exception, asyncio.CancelledError) as err:
            if self._deleting:
                return
            if self._cancel_requested and temporalio.exceptions.is_cancelled_exception(err):
                self._add_command({"cancelWorkflowExecution": {}})
                self._completed = True
            elif self._is_workflow_failure_exception(err):
                self._fail_workflow(err)
            else:
                self._activation_error = err

    def _fail_workflow(self, err: BaseException) -> None:
        self._add_command({"failWorkflowExecution": {"failure": self._fc.to_failure(err, self._pc)}})
        self._completed = True

    def _is_workflow_failure_exception(self, err: BaseException) -> bool:
        # As the official SDK: Temporal failures and asyncio.TimeoutError fail
        # the workflow; anything else fails the task (and is retried).
        return (
            isinstance(err, temporalio.exceptions.FailureError)
            or isinstance(err, asyncio.TimeoutError)
            or isinstance(err, tuple(self._defn.failure_exception_types))
            or isinstance(err, self._worker_failure_types)
        )

    def _add_command(self, command: Dict[str, Any]) -> None:
        if not self._in_activation:
            return  # a finalizer of abandoned workflow code: nothing may leave now
        if self._read_only:
            raise wf.ReadOnlyContextError("While in read-only function, action attempted: " + next(iter(command)))
        if self._completed:
            # The core requires the closing command to be the last one; like
            # sdk-core, anything the code does after closing is dropped.
            logger.debug("Dropping %s after the workflow closed", next(iter(command)))
            return
        self._commands.append(command)
        kind = next(iter(command))
        body = command[kind]
        self._activation_origins.append((kind, body.get("seq") if isinstance(body, dict) else None,
                                         self._user_origin()))

    def _user_origin(self) -> Optional[str]:
        """Where in user code the current command comes from ("File ..., line N, in f")."""
        frame = sys._getframe(2)
        while frame is not None:
            if _is_user_file(frame.f_code.co_filename, _ORIGIN_FILES):
                return f'File "{frame.f_code.co_filename}", line {frame.f_lineno}, in {frame.f_code.co_name}'
            frame = frame.f_back
        return None

    @property
    def last_activation_origins(self) -> List[Tuple[str, Optional[int], Optional[str]]]:
        """(command kind, seq, user code location) of the last activation's
        commands: lets a nondeterminism report name the user's line."""
        return list(self._last_origins)

    def _next_seq(self, kind: str) -> int:
        self._seq[kind] += 1
        return self._seq[kind]

    def _workflow_metadata(self) -> Dict[str, Any]:
        """WorkflowMetadata as proto3 JSON: lists sorted by name, empty fields omitted.

        Like sdk-python, the query list holds the SDK's built-in queries too
        (only those this runtime answers: no __enhanced_stack_trace). No
        updates: Durable Lab has no workflow updates.
        """
        def interactions(defs: Dict[str, Optional[str]]) -> List[Dict[str, str]]:
            out = []
            for name in sorted(defs):
                item = {"name": name}
                if defs[name]:
                    item["description"] = defs[name]  # type: ignore[assignment]
                out.append(item)
            return out

        queries: Dict[str, Optional[str]] = {name: None for name in _BUILTIN_QUERIES}
        queries.update({name: q.description for name, q in self._defn.queries.items()})
        signals = {name: s.description for name, s in self._defn.signals.items()}
        definition: Dict[str, Any] = {"type": self._defn.name}
        if queries:
            definition["queryDefinitions"] = interactions(queries)
        if signals:
            definition["signalDefinitions"] = interactions(signals)
        return {"definition": definition}

    def _stack_trace(self) -> str:
        out = io.StringIO()
        for task in list(self._tasks):
            task.print_stack(file=out)
        return out.getvalue()

    # ------------------------------------------------ workflow API (facade)

    def workflow_info(self) -> "wf.Info":
        return self._info

    def workflow_now(self) -> datetime:
        return datetime.fromtimestamp(self._time, timezone.utc)

    def workflow_random(self) -> random.Random:
        return self._random

    def is_replaying(self) -> bool:
        return self._is_replaying

    async def workflow_wait_condition(self, fn: Callable[[], bool], *, timeout: Any = None) -> None:
        fut = self.create_future()
        self._conditions.append((fn, fut))
        seconds = proto.to_seconds(timeout) if timeout is not None else None
        await asyncio.wait_for(fut, seconds)

    def workflow_start_activity(self, activity: Any, args: List[Any], *, task_queue: Optional[str],
                                result_type: Optional[Type], schedule_to_close_timeout: Optional[timedelta],
                                schedule_to_start_timeout: Optional[timedelta],
                                start_to_close_timeout: Optional[timedelta], heartbeat_timeout: Optional[timedelta],
                                retry_policy: Optional[temporalio.common.RetryPolicy],
                                cancellation_type: "wf.ActivityCancellationType",
                                activity_id: Optional[str]) -> "wf.ActivityHandle":
        if isinstance(activity, str):
            name = activity
        else:
            adefn = getattr(activity, "__temporal_activity_definition", None)
            if adefn is None:
                raise TypeError(f"Activity {getattr(activity, '__name__', activity)!r} lacks @activity.defn")
            name = adefn.name
            if result_type is None:
                result_type = _type_hints(adefn.fn)[1]
        if start_to_close_timeout is None and schedule_to_close_timeout is None:
            raise ValueError("Activity must have start_to_close_timeout or schedule_to_close_timeout")
        seq = self._next_seq("activity")
        body: Dict[str, Any] = {
            "seq": seq,
            "activityId": activity_id or str(seq),
            "activityType": name,
            "taskQueue": task_queue or self._info.task_queue,
            "arguments": self._pc.to_payloads(args),
            "cancellationType": cancellation_type.name,
        }
        proto.put_durations(
            body,
            startToCloseTimeout=start_to_close_timeout,
            scheduleToCloseTimeout=schedule_to_close_timeout,
            scheduleToStartTimeout=schedule_to_start_timeout,
            heartbeatTimeout=heartbeat_timeout,
        )
        if retry_policy is not None:
            body["retryPolicy"] = retry_policy._to_json()
        command = {"scheduleActivity": body}
        self._add_command(command)
        fut: "asyncio.Future[Any]" = self.create_future()
        self._pending_activities[seq] = (fut, result_type)

        state = {"cancel": None}  # None, "dropped", "abandoned" or "requested"

        def request_cancel() -> None:
            # Runs when the handle is cancelled, before the task sees it (so
            # also when it is cancelled before its first step).
            if fut.done() or state["cancel"] is not None:
                return
            if any(c is command for c in self._commands):
                # Never left this activation: nothing to cancel remotely.
                self._commands = [c for c in self._commands if c is not command]
                self._pending_activities.pop(seq, None)
                state["cancel"] = "dropped"
            elif cancellation_type == wf.ActivityCancellationType.ABANDON:
                state["cancel"] = "abandoned"  # it runs on; its result is ignored
            else:
                self._add_command({"requestCancelActivity": {"seq": seq}})
                state["cancel"] = "requested"

        async def wait_result() -> Any:
            while True:
                try:
                    # Shielded: cancelling the handle must not drop the result,
                    # which the core still delivers (as cancelled, usually).
                    return await asyncio.shield(fut)
                except temporalio.exceptions.FailureError as err:
                    if state["cancel"] == "requested" and temporalio.exceptions.is_cancelled_exception(err):
                        # The cancel this handle asked for arrived: surface it as
                        # asyncio cancellation, so wait_for/timeout/gather see a
                        # cancelled task (ActivityError stays the __cause__).
                        raise asyncio.CancelledError() from err
                    raise
                except asyncio.CancelledError:
                    if fut.done() or state["cancel"] in ("dropped", "abandoned"):
                        raise
                    request_cancel()  # a no-op when the handle's cancel() did it
                    if state["cancel"] != "requested":
                        raise

        handle = self.create_task(wait_result(), name=f"activity: {name}", task_class=wf.ActivityHandle)
        handle._temporal_on_cancel = request_cancel  # type: ignore[attr-defined]
        return handle  # type: ignore[return-value]

    async def workflow_start_child_workflow(self, workflow: Any, args: List[Any], *, id: Optional[str],
                                            task_queue: Optional[str], result_type: Optional[Type],
                                            cancellation_type: Any, parent_close_policy: Any,
                                            execution_timeout: Optional[timedelta], run_timeout: Optional[timedelta],
                                            task_timeout: Optional[timedelta], id_reuse_policy: Any,
                                            retry_policy: Optional[temporalio.common.RetryPolicy],
                                            cron_schedule: str, memo: Any) -> "wf.ChildWorkflowHandle":
        name, result_type = _workflow_name_and_result(workflow, result_type)
        seq = self._next_seq("child")
        workflow_id = id or str(wf.uuid4())
        body: Dict[str, Any] = {
            "seq": seq,
            "namespace": self._info.namespace,
            "workflowId": workflow_id,
            "workflowType": name,
            "taskQueue": task_queue or self._info.task_queue,
            "input": self._pc.to_payloads(args),
            "parentClosePolicy": "PARENT_CLOSE_POLICY_" + parent_close_policy.name,
            "workflowIdReusePolicy": "WORKFLOW_ID_REUSE_POLICY_" + id_reuse_policy.name,
            "cancellationType": cancellation_type.name,
        }
        proto.put_durations(
            body,
            workflowExecutionTimeout=execution_timeout,
            workflowRunTimeout=run_timeout,
            workflowTaskTimeout=task_timeout,
        )
        if retry_policy is not None:
            body["retryPolicy"] = retry_policy._to_json()
        if cron_schedule:
            body["cronSchedule"] = cron_schedule
        if memo:
            body["memo"] = {"fields": {k: self._pc.to_payloads([v])[0] for k, v in memo.items()}}
        self._add_command({"startChildWorkflowExecution": body})
        start_fut: "asyncio.Future[Any]" = self.create_future()
        result_fut: "asyncio.Future[Any]" = self.create_future()
        handle: wf.ChildWorkflowHandle = wf.ChildWorkflowHandle(self, seq, workflow_id, result_fut, cancellation_type)
        self._pending_child_starts[seq] = (start_fut, handle)
        self._pending_child_results[seq] = (result_fut, result_type)
        try:
            return await asyncio.shield(start_fut)
        except asyncio.CancelledError:
            if not start_fut.done():
                self._cancel_child(handle)
            raise

    def _cancel_child(self, handle: "wf.ChildWorkflowHandle") -> None:
        """Asks the engine to cancel a child (unless ABANDON), once."""
        if getattr(handle, "_cancel_sent", False):
            return
        handle._cancel_sent = True  # type: ignore[attr-defined]
        if handle._cancellation_type != wf.ChildWorkflowCancellationType.ABANDON:
            self._add_command({"cancelChildWorkflowExecution": {"childWorkflowSeq": handle._seq}})

    async def workflow_wait_child(self, handle: "wf.ChildWorkflowHandle") -> Any:
        """Awaits a child's result; being cancelled cancels the child as its
        cancellation type says (WAIT_CANCELLATION_COMPLETED waits for the outcome)."""
        while True:
            try:
                return await asyncio.shield(handle._result_fut)
            except asyncio.CancelledError:
                if handle._result_fut.done():
                    raise
                self._cancel_child(handle)
                if handle._cancellation_type != wf.ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED:
                    raise

    def workflow_continue_as_new(self, args: List[Any], *, workflow: Any, task_queue: Optional[str],
                                 run_timeout: Optional[timedelta], task_timeout: Optional[timedelta],
                                 retry_policy: Optional[temporalio.common.RetryPolicy], memo: Any) -> None:
        name = _workflow_name_and_result(workflow, None)[0] if workflow is not None else self._info.workflow_type
        body: Dict[str, Any] = {
            "workflowType": name,
            "taskQueue": task_queue or self._info.task_queue,
            "arguments": self._pc.to_payloads(args),
        }
        proto.put_durations(body, workflowRunTimeout=run_timeout, workflowTaskTimeout=task_timeout)
        if retry_policy is not None:
            body["retryPolicy"] = retry_policy._to_json()
        if memo:
            body["memo"] = {"fields": {k: self._pc.to_payloads([v])[0] for k, v in memo.items()}}
        raise wf.ContinueAsNewError(body)

    # ------------------------------------------------------------ event loop

    def time(self) -> float:
        return self._time

    def call_soon(self, callback: Callable[..., Any], *args: Any, context: Any = None) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        return handle

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any, context: Any = None) -> asyncio.TimerHandle:
        if delay <= 0:
            # No zero-length timers: asyncio uses these for "run next".
            return self.call_soon(callback, *args, context=context)  # type: ignore[return-value]
        return self.call_at(self._time + delay, callback, *args, context=context)

    def call_at(self, when: float, callback: Callable[..., Any], *args: Any, context: Any = None) -> asyncio.TimerHandle:
        delay = when - self._time
        if delay <= 0:
            return self.call_soon(callback, *args, context=context)  # type: ignore[return-value]
        seq = self._next_seq("timer")
        handle = _TimerHandle(when, callback, args, self, context)
        handle._seq = seq
        self._add_command({"startTimer": {"seq": seq, "startToFireTimeout": proto.duration(delay)}})
        self._pending_timers[seq] = handle
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        seq = getattr(handle, "_seq", None)
        if not self._in_activation or seq is None or self._pending_timers.pop(seq, None) is None:
            return  # fired already
        for i, command in enumerate(self._commands):
            if "startTimer" in command and command["startTimer"]["seq"] == seq:
                # Started and cancelled in one activation: neither reaches the engine.
                del self._commands[i]
                return
        if not self._deleting:
            self._add_command({"cancelTimer": {"seq": seq}})

    def create_future(self) -> "asyncio.Future[Any]":
        return asyncio.Future(loop=self)

    def create_task(self, coro: Any, *, name: Optional[str] = None, context: Any = None,
                    task_class: Type[asyncio.Task] = asyncio.Task,
                    eager_start: Optional[bool] = None) -> "asyncio.Task[Any]":  # type: ignore[override]
        # eager_start (3.12+) is accepted and ignored: tasks start on the next step.
        kwargs: Dict[str, Any] = {"loop": self, "name": name}
        if context is not None:
            kwargs["context"] = context
        task = task_class(coro, **kwargs)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def get_debug(self) -> bool:
        return False

    def is_running(self) -> bool:
        return asyncio.events._get_running_loop() is self

    def is_closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True

    def get_exception_handler(self) -> None:
        return None

    def default_exception_handler(self, context: Dict[str, Any]) -> None:
        self.call_exception_handler(context)

    def call_exception_handler(self, context: Dict[str, Any]) -> None:
        err = context.get("exception")
        if self._deleting:
            return
        if "handle" in context and isinstance(err, BaseException) and not isinstance(err, PotentialDeadlockError):
            # A callback raised outside any task: that fails the workflow task.
            if self._activation_error is None:
                self._activation_error = err
        else:
            # asyncio's own notes ("exception was never retrieved", "task was
            # destroyed but it is pending"): worth a log line, not a failure.
            logger.debug("Workflow event loop: %s", context.get("message"), exc_info=err)

    def get_task_factory(self) -> None:
        return None

    def run_until_complete(self, future: Any) -> Any:
        raise RuntimeError("The workflow event loop is driven by activations, not run_until_complete")

    def run_forever(self) -> None:
        raise RuntimeError("The workflow event loop is driven by activations, not run_forever")

    def stop(self) -> None:
        raise RuntimeError("The workflow event loop cannot be stopped from workflow code")


def _workflow_name_and_result(workflow: Any, result_type: Optional[Type]) -> Tuple[str, Optional[Type]]:
    if isinstance(workflow, str):
        return workflow, result_type
    if isinstance(workflow, type):
        d = wf._Definition.from_class(workflow)
    else:
        d = wf._Definition.from_run_fn(workflow)
    if result_type is None:
        result_type = _type_hints(d.run_fn)[1]
    return d.name, result_type
