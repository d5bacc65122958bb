"""The Worker: two long-poll loops on the engine, one for workflow tasks and
one for activity tasks.

Workflow tasks go through the replay core the host provides (see
``temporalio._internal.host``): the poll response goes in, activations come
out, each runs in its ``WorkflowInstance`` (kept per run ID until the core
evicts it), and the core turns the completions into the RPC that answers the
task. Activities run as tasks on the ordinary asyncio loop, concurrently, up to
``max_concurrent_activities``. Both loops wait in the engine's long polls, so
an idle worker does no work.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import re
import traceback
import uuid
from datetime import timedelta
from typing import Any, Callable, Dict, List, Optional, Sequence, Type

import temporalio.activity
import temporalio.converter
import temporalio.exceptions
import temporalio.workflow
from temporalio._internal import host, proto
from temporalio._internal.workflow_instance import DEFAULT_DEADLOCK_TIMEOUT, WorkflowInstance, _type_hints
from temporalio.service import RPCError

logger = logging.getLogger("temporalio.worker")
# "... produced ScheduleActivity (activityType payment_gateway, seq 1)" in worker_core.h's messages
_NAMED_COMMAND = re.compile(r"produced (\w+) \([^)]*?(?:seq|timerId) \"?(\d+)")


class Worker:
    def __init__(
        self,
        client: Any,
        *,
        task_queue: str,
        activities: Sequence[Callable[..., Any]] = (),
        workflows: Sequence[Type] = (),
        activity_executor: Any = None,
        workflow_task_executor: Any = None,
        workflow_runner: Any = None,
        unsandboxed_workflow_runner: Any = None,
        interceptors: Sequence[Any] = (),
        identity: Optional[str] = None,
        max_cached_workflows: int = 1000,
        sticky_queue_schedule_to_start_timeout: timedelta = timedelta(seconds=10),
        max_concurrent_workflow_tasks: Optional[int] = None,
        max_concurrent_activities: Optional[int] = None,
        graceful_shutdown_timeout: Any = None,
        workflow_failure_exception_types: Sequence[Type[BaseException]] = (),
        debug_mode: bool = False,
        disable_eager_activity_execution: bool = False,
        deadlock_timeout: Optional[float] = None,
        **_options: Any,
    ) -> None:
        if not activities and not workflows:
            raise ValueError("At least one activity or workflow must be specified")
        self._client = client
        self._task_queue = task_queue
        self._identity = identity or f"{os.getpid()}@durable-lab"
        self._max_cached = max_cached_workflows
        if sticky_queue_schedule_to_start_timeout <= timedelta(0):
            raise ValueError("sticky_queue_schedule_to_start_timeout must be positive")
        self._sticky_timeout = sticky_queue_schedule_to_start_timeout
        # A cache of 0 means no sticky execution, as in the official SDK.
        self._sticky_queue = f"{task_queue}/sticky/{uuid.uuid4().hex[:12]}" if max_cached_workflows > 0 else ""
        self._failure_types = tuple(workflow_failure_exception_types)
        # debug_mode turns deadlock detection off, as in the official SDK.
        self._deadlock_timeout = None if debug_mode else (deadlock_timeout or DEFAULT_DEADLOCK_TIMEOUT)
        self._workflows: Dict[str, temporalio.workflow._Definition] = {}
        for cls in workflows:
            d = temporalio.workflow._Definition.from_class(cls)
            if d.name in self._workflows:
                raise ValueError(f"More than one workflow named {d.name}")
            self._workflows[d.name] = d
        self._activities: Dict[str, temporalio.activity._Definition] = {}
        for fn in activities:
            d = temporalio.activity._Definition.must_from_callable(fn)
            if d.name in self._activities:
                raise ValueError(f"More than one activity named {d.name}")
            self._activities[d.name] = d
        self._max_activities = max_concurrent_activities or 100
        self._activity_slots: Optional[asyncio.Semaphore] = None  # made in run(), on the running loop
        self._instances: Dict[str, WorkflowInstance] = {}
        self._running_activities: Dict[str, "asyncio.Task[None]"] = {}
        self._core: Any = None
        self._last_origins: List[Any] = []
        self._shutdown: Optional[asyncio.Event] = None  # made in run(), on the running loop
        self._started = False

    @property
    def task_queue(self) -> str:
        return self._task_queue

    @property
    def client(self) -> Any:
        return self._client

    @property
    def _transport(self) -> host.Transport:
        return self._client._transport

    @property
    def _pc(self) -> temporalio.converter.PayloadConverter:
        return self._client.data_converter.payload_converter

    @property
    def _fc(self) -> temporalio.converter.FailureConverter:
        return self._client.data_converter.failure_converter

    # ------------------------------------------------------------------ run

    async def run(self) -> None:
        """Polls until cancelled or ``shutdown()``; cancellation stops the
        polls, cancels running activities and re-raises."""
        if self._started:
            raise RuntimeError("Already started")
        self._started = True
        self._shutdown = asyncio.Event()
        self._activity_slots = asyncio.Semaphore(self._max_activities)
        if self._workflows:
            # Exactly WorkerCore.create's options (embind.cc), so hosts pass them through.
            self._core = host.create_core({
                "identity": self._identity,
                "taskQueue": self._task_queue,
                "stickyTaskQueue": self._sticky_queue,
                "maxCachedRuns": max(1, self._max_cached),
                # A sticky task not picked up in time goes back to the normal queue.
                "stickyScheduleToStartTimeoutMs": max(1, round(self._sticky_timeout.total_seconds() * 1000)),
            })
        pollers: List["asyncio.Task[None]"] = []
        if self._workflows:
            # Like sdk-core: the normal queue, and this worker's sticky queue
            # where the engine sends the next tasks of runs it has cached.
            pollers.append(asyncio.ensure_future(self._workflow_poller(
                {"name": self._task_queue, "kind": "TASK_QUEUE_KIND_NORMAL"})))
            if self._sticky_queue:
                pollers.append(asyncio.ensure_future(self._workflow_poller(
                    {"name": self._sticky_queue, "kind": "TASK_QUEUE_KIND_STICKY", "normalName": self._task_queue})))
        if self._activities:
            pollers.append(asyncio.ensure_future(self._activity_poller()))
        stopper = asyncio.ensure_future(self._shutdown.wait())
        try:
            done, _ = await asyncio.wait(pollers + [stopper], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not stopper and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            for task in pollers + [stopper] + list(self._running_activities.values()):
                task.cancel()
            await asyncio.gather(*pollers, stopper, *self._running_activities.values(), return_exceptions=True)
            for instance in list(self._instances.values()):
                instance.activate({"runId": instance.run_id, "jobs": [{"removeFromCache": {"message": "worker shutdown"}}]})
            self._instances.clear()

    async def shutdown(self) -> None:
        if self._shutdown is not None:
            self._shutdown.set()

    async def __aenter__(self) -> "Worker":
        self._run_task = asyncio.ensure_future(self.run())
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.shutdown()
        try:
            await self._run_task
        except asyncio.CancelledError:
            pass

    # ------------------------------------------------------------- workflows

    async def _workflow_poller(self, task_queue: Dict[str, Any]) -> None:
        while True:
            try:
                poll = await self._transport.call("PollWorkflowTaskQueue", {
                    "namespace": self._client.namespace,
                    "taskQueue": task_queue,
                    "identity": self._identity,
                })
            except RPCError as err:
                logger.warning("Workflow task poll failed: %s", err)
                await asyncio.sleep(1.0)  # an engine restart: back off, then poll again
                continue
            if not poll.get("taskToken"):
                continue  # the long poll timed out empty
            try:
                await self._handle_workflow_task(poll)
            except Exception:  # noqa: BLE001 - a broken task must not stop the worker
                # Unanswered, the task times out in the engine and is retried.
                logger.exception("Workflow task handling failed")

    def _core_call(self, method: str, argument: Dict[str, Any]) -> Dict[str, Any]:
        return json.loads(str(getattr(self._core, method)(json.dumps(argument))))

    async def _handle_workflow_task(self, poll: Dict[str, Any]) -> None:
        """One workflow task: the core's activations run here until it hands
        back the RPC that answers the task (see temporalio._internal.host)."""
        result = self._core_call("handle_workflow_task", poll)
        error = result.get("error")
        if error and error.get("code") == "FAILED_PRECONDITION" and "history" in (error.get("message") or ""):
            # A sticky task's partial history for a run the core no longer has:
            # give it the whole history and ask again.
            poll = dict(poll)
            poll["history"] = {"events": await self._full_history(poll.get("workflowExecution") or {})}
            result = self._core_call("handle_workflow_task", poll)
        while True:
            self._apply_evictions(result.get("evictions") or [])
            if "activation" in result:
                completion = self._activate(result["activation"])
                result = self._core_call("complete_activation", completion)
            elif "respond" in result:
                respond = result["respond"]
                if respond.get("method") == "RespondWorkflowTaskFailed":
                    self._annotate_nondeterminism(respond.get("request") or {})
                try:
                    await self._transport.call(respond["method"], respond.get("request") or {})
                except RPCError as err:
                    # Stale or duplicate task: the engine keeps the truth; poll on.
                    logger.warning("%s failed: %s", respond["method"], err)
                return
            else:
                # The task is abandoned; the engine times it out and retries it.
                logger.error("Replay core rejected a workflow task: %s", result.get("error") or result)
                return

    async def _full_history(self, execution: Dict[str, Any]) -> List[Dict[str, Any]]:
        events: List[Dict[str, Any]] = []
        token = ""
        while True:
            request: Dict[str, Any] = {"namespace": self._client.namespace, "execution": execution}
            if token:
                request["nextPageToken"] = token
            response = await self._transport.call("GetWorkflowExecutionHistory", request)
            events.extend((response.get("history") or {}).get("events") or [])
            token = response.get("nextPageToken") or ""
            if not token:
                return events

    def _annotate_nondeterminism(self, request: Dict[str, Any]) -> None:
        """Adds the user's source lines to the core's nondeterminism failure:
        the core names the event and the command (kind and seq), the runtime
        knows which line of workflow code produced each command."""
        if "NON_DETERMINISTIC" not in str(request.get("cause") or ""):
            return
        failure = request.get("failure")
        origins = self._last_origins
        if not isinstance(failure, dict) or not origins:
            return
        message = failure.get("message") or ""
        lines = []
        match = _NAMED_COMMAND.search(message)
        if match:
            kind = match.group(1)[0].lower() + match.group(1)[1:]
            seq = int(match.group(2))
            for k, s, origin in origins:
                if k == kind and s == seq and origin:
                    lines.append(f"{match.group(1)} (seq {seq}) was produced at {origin}")
        lines.append("Commands of this workflow task, by the workflow code that produced them:")
        lines.extend(f"  {k} seq {s}: {origin or '(runtime)'}" for k, s, origin in origins)
        failure["stackTrace"] = "\n".join(lines) + ("\n" + failure["stackTrace"] if failure.get("stackTrace") else "")

    def _apply_evictions(self, evictions: List[Dict[str, Any]]) -> None:
        for eviction in evictions:
            instance = self._instances.pop(eviction.get("runId") or "", None)
            if instance is not None:
                # Tears the run's tasks down; the core needs no completion for it.
                instance.activate({"runId": instance.run_id, "jobs": eviction.get("jobs")
                                   or [{"removeFromCache": {}}]})

    def _activate(self, activation: Dict[str, Any]) -> Dict[str, Any]:
        """Runs one activation in its instance; creates or evicts instances."""
        run_id = activation.get("runId") or ""
        jobs = activation.get("jobs") or []
        instance = self._instances.get(run_id)
        if any("removeFromCache" in j for j in jobs):
            if instance is not None:
                instance.activate(activation)
                del self._instances[run_id]
            return {"runId": run_id, "successful": {"commands": []}}
        if instance is None:
            init = next((j["initializeWorkflow"] for j in jobs if "initializeWorkflow" in j), None)
            if init is None:
                return _task_failed(run_id, f"Run {run_id} is not in this worker's cache and the activation does not start it")
            workflow_type = init.get("workflowType") or ""
            defn = self._workflows.get(workflow_type)
            if defn is None:
                known = ", ".join(sorted(self._workflows))
                return _task_failed(run_id, f"Workflow class {workflow_type} is not registered on this worker, "
                                            f"available workflows: {known}", "NotFoundError")
            try:
                instance = WorkflowInstance(
                    defn, activation, namespace=self._client.namespace, task_queue=self._task_queue,
                    data_converter=self._client.data_converter, deadlock_timeout=self._deadlock_timeout,
                    failure_exception_types=self._failure_types)
            except Exception as err:  # noqa: BLE001 - reported as the task's failure
                return {"runId": run_id, "failed": {"failure": self._fc.to_failure(err, self._pc)}}
            self._instances[run_id] = instance
        try:
            completion = instance.activate(activation)
        except Exception as err:  # noqa: BLE001 - a runtime bug: fail the task, drop the run
            logger.exception("Activation failed inside the runtime")
            self._instances.pop(run_id, None)
            return {"runId": run_id, "failed": {"failure": self._fc.to_failure(err, self._pc)}}
        self._last_origins = instance.last_activation_origins
        if instance._poisoned is not None:
            # A deadlocked run's coroutine was interrupted: forget it, so the
            # next task rebuilds it by replay (the core evicts it too).
            self._instances.pop(run_id, None)
        return completion

    # ------------------------------------------------------------ activities

    async def _activity_poller(self) -> None:
        assert self._activity_slots is not None
        while True:
            await self._activity_slots.acquire()
            try:
                task = await self._transport.call("PollActivityTaskQueue", {
                    "namespace": self._client.namespace,
                    "taskQueue": {"name": self._task_queue, "kind": "TASK_QUEUE_KIND_NORMAL"},
                    "identity": self._identity,
                })
            except RPCError as err:
                self._activity_slots.release()
                logger.warning("Activity task poll failed: %s", err)
                await asyncio.sleep(1.0)
                continue
            except BaseException:
                self._activity_slots.release()
                raise
            if not task.get("taskToken"):
                self._activity_slots.release()
                continue
            token = task["taskToken"]
            running = asyncio.ensure_future(self._run_activity(task))
            self._running_activities[token] = running

            def done(_: Any, token: str = token) -> None:
                self._running_activities.pop(token, None)
                self._activity_slots.release()  # type: ignore[union-attr]

            running.add_done_callback(done)

    def _activity_info(self, task: Dict[str, Any]) -> temporalio.activity.Info:
        execution = task.get("workflowExecution") or {}
        token = task.get("taskToken") or ""
        try:
            token_bytes = base64.b64decode(token, validate=True)
        except Exception:  # noqa: BLE001 - not base64: keep the text
            token_bytes = str(token).encode()
        heartbeat = (task.get("heartbeatDetails") or {}).get("payloads") or []
        return temporalio.activity.Info(
            activity_id=task.get("activityId") or "",
            activity_type=(task.get("activityType") or {}).get("name") or "",
            attempt=int(task.get("attempt") or 1),
            current_attempt_scheduled_time=proto.parse_timestamp(task.get("currentAttemptScheduledTime")),
            heartbeat_details=self._pc.from_payloads(heartbeat),
            heartbeat_timeout=proto.parse_duration(task.get("heartbeatTimeout")),
            is_local=False,
            schedule_to_close_timeout=proto.parse_duration(task.get("scheduleToCloseTimeout")),
            scheduled_time=proto.parse_timestamp(task.get("scheduledTime")),
            start_to_close_timeout=proto.parse_duration(task.get("startToCloseTimeout")),
            started_time=proto.parse_timestamp(task.get("startedTime")),
            task_queue=self._task_queue,
            task_token=token_bytes,
            workflow_id=execution.get("workflowId") or "",
            workflow_namespace=task.get("workflowNamespace") or self._client.namespace,
            workflow_run_id=execution.get("runId") or "",
            workflow_type=(task.get("workflowType") or {}).get("name") or "",
        )

    async def _run_activity(self, task: Dict[str, Any]) -> None:
        token = task["taskToken"]
        name = (task.get("activityType") or {}).get("name") or ""
        info = self._activity_info(task)
        me = asyncio.current_task()
        heartbeats = _Heartbeater(self, token)
        ctx = temporalio.activity._Context(info=info, heartbeat=heartbeats.record)
        heartbeats.ctx = ctx
        heartbeats.task = me
        temporalio.activity._current.set(ctx)  # this task runs in its own context copy
        try:
            defn = self._activities.get(name)
            if defn is None:
                known = ", ".join(sorted(self._activities))
                raise temporalio.exceptions.ApplicationError(
                    f"Activity function {name} is not registered on this worker, available activities: {known}",
                    type="NotFoundError")
            hints, _ = _type_hints(defn.fn)
            args = self._pc.from_payloads((task.get("input") or {}).get("payloads") or [], hints or None)
            result = defn.fn(*args)
            if asyncio.iscoroutine(result):
                result = await result
            await heartbeats.flush()
            payloads = self._pc.to_payloads([result])
            await self._respond_activity("RespondActivityTaskCompleted", {
                "taskToken": token, "result": {"payloads": payloads},
                "identity": self._identity, "namespace": self._client.namespace})
        except asyncio.CancelledError:
            if ctx.cancel_reason is not None:
                # The engine asked for it (a heartbeat said so): report it cancelled.
                await asyncio.shield(self._respond_activity("RespondActivityTaskCanceled", {
                    "taskToken": token, "identity": self._identity, "namespace": self._client.namespace}))
            else:
                # Worker shutdown: the attempt fails and the engine retries it elsewhere.
                failure = self._fc.to_failure(temporalio.exceptions.CancelledError("worker shutting down"), self._pc)
                await self._respond_failed(token, failure)
                raise
        except Exception as err:  # noqa: BLE001 - every error becomes the attempt's failure
            logger.warning("Activity %s (attempt %d) failed: %s", name, info.attempt, err)
            try:
                failure = self._fc.to_failure(err, self._pc)
            except Exception as inner:  # noqa: BLE001
                failure = {"message": f"Failed converting activity error: {inner}",
                           "stackTrace": traceback.format_exc(), "applicationFailureInfo": {"type": type(err).__name__}}
            await self._respond_failed(token, failure)
        finally:
            heartbeats.close()

    async def _respond_failed(self, token: str, failure: Dict[str, Any]) -> None:
        await asyncio.shield(self._respond_activity("RespondActivityTaskFailed", {
            "taskToken": token, "failure": failure, "identity": self._identity, "namespace": self._client.namespace}))

    async def _respond_activity(self, method: str, request: Dict[str, Any]) -> None:
        try:
            await self._transport.call(method, request)
        except RPCError as err:
            # The attempt already timed out or was retried: the engine decided.
            logger.warning("%s failed: %s", method, err)


class _Heartbeater:
    """Sends heartbeats one at a time; while one is in flight only the latest
    details are kept. A reply with cancelRequested cancels the activity."""

    def __init__(self, worker: Worker, token: str) -> None:
        self._worker = worker
        self._token = token
        self._pending: Optional[tuple] = None
        self._sender: Optional["asyncio.Task[None]"] = None
        self.ctx: Any = None
        self.task: Any = None

    def record(self, *details: Any) -> None:
        self._pending = details
        if self._sender is None or self._sender.done():
            self._sender = asyncio.ensure_future(self._send())

    async def _send(self) -> None:
        while self._pending is not None:
            details, self._pending = self._pending, None
            try:
                response = await self._worker._transport.call("RecordActivityTaskHeartbeat", {
                    "taskToken": self._token,
                    "details": {"payloads": self._worker._pc.to_payloads(list(details))},
                    "identity": self._worker._identity,
                    "namespace": self._worker._client.namespace,
                })
            except RPCError as err:
                logger.warning("Heartbeat failed: %s", err)
                continue
            if response.get("cancelRequested") and self.ctx is not None and not self.ctx.cancelled.is_set():
                self.ctx.cancel_reason = "Cancel requested"
                self.ctx.cancelled.set()
                if self.task is not None:
                    self.task.cancel()

    async def flush(self) -> None:
        if self._sender is not None and not self._sender.done():
            await self._sender

    def close(self) -> None:
        if self._sender is not None and not self._sender.done():
            self._sender.cancel()


def _task_failed(run_id: str, message: str, type_: str = "RuntimeError") -> Dict[str, Any]:
    return {"runId": run_id, "failed": {"failure": {"message": message, "source": "DurableLabPython",
                                                     "applicationFailureInfo": {"type": type_}}}}
