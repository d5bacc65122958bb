"""Client: start, signal, query, describe, cancel and terminate workflows.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK. ``Client.connect`` accepts any target
(e.g. "localhost:7233") and connects to the in-browser engine the host
installed (see ``temporalio._internal.host``).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Type, Union

import temporalio.common
import temporalio.converter
import temporalio.exceptions
import temporalio.workflow
from temporalio._internal import host, proto
from temporalio.common import RetryPolicy, WorkflowIDConflictPolicy, WorkflowIDReusePolicy, _arg_unset
from temporalio.service import RPCError, RPCStatusCode

__all__ = [
    "Client", "WorkflowHandle", "WorkflowExecutionStatus", "WorkflowExecutionDescription",
    "WorkflowFailureError", "WorkflowContinuedAsNewError", "WorkflowQueryFailedError",
    "WorkflowQueryRejectedError", "WorkflowHistory",
]


_RETRY_FOR_SECONDS = 30.0
_RETRYABLE = frozenset({
    "StartWorkflowExecution", "SignalWithStartWorkflowExecution", "DescribeWorkflowExecution",
    "GetWorkflowExecutionHistory", "QueryWorkflow", "ListWorkflowExecutions", "GetCurrentTime",
})


class WorkflowExecutionStatus(IntEnum):
    RUNNING = 1
    COMPLETED = 2
    FAILED = 3
    CANCELED = 4
    TERMINATED = 5
    CONTINUED_AS_NEW = 6
    TIMED_OUT = 7


class WorkflowFailureError(temporalio.exceptions.TemporalError):
    """The workflow did not complete successfully; the reason is ``cause``."""

    def __init__(self, *, cause: BaseException) -> None:
        super().__init__("Workflow execution failed")
        self.__cause__ = cause


class WorkflowContinuedAsNewError(temporalio.exceptions.TemporalError):
    def __init__(self, new_execution_run_id: str) -> None:
        super().__init__("Workflow continued as new")
        self._new_execution_run_id = new_execution_run_id

    @property
    def new_execution_run_id(self) -> str:
        return self._new_execution_run_id


class WorkflowQueryRejectedError(temporalio.exceptions.TemporalError):
    def __init__(self, status: Optional[WorkflowExecutionStatus]) -> None:
        super().__init__(f"Query rejected, status: {status}")
        self._status = status

    @property
    def status(self) -> Optional[WorkflowExecutionStatus]:
        return self._status


class WorkflowQueryFailedError(temporalio.exceptions.TemporalError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        return self._message


def _status(raw: Any) -> Optional[WorkflowExecutionStatus]:
    return WorkflowExecutionStatus.__members__.get(proto.enum_name(raw, "WORKFLOW_EXECUTION_STATUS_"))


@dataclass
class WorkflowExecutionDescription:
    """What DescribeWorkflowExecution says (``raw_description`` has all of it)."""

    id: str
    run_id: str
    workflow_type: str
    task_queue: str
    status: Optional[WorkflowExecutionStatus]
    start_time: Optional[datetime]
    execution_time: Optional[datetime]
    close_time: Optional[datetime]
    history_length: int
    parent_id: Optional[str]
    parent_run_id: Optional[str]
    raw_description: Dict[str, Any]

    @staticmethod
    def _from_json(raw: Dict[str, Any]) -> "WorkflowExecutionDescription":
        info = raw.get("workflowExecutionInfo") or {}
        execution = info.get("execution") or {}
        parent = info.get("parentExecution") or {}
        return WorkflowExecutionDescription(
            id=execution.get("workflowId") or "",
            run_id=execution.get("runId") or "",
            workflow_type=(info.get("type") or {}).get("name") or "",
            task_queue=info.get("taskQueue") or (raw.get("executionConfig") or {}).get("taskQueue", {}).get("name", ""),
            status=_status(info.get("status")),
            start_time=proto.parse_timestamp(info.get("startTime")),
            execution_time=proto.parse_timestamp(info.get("executionTime")),
            close_time=proto.parse_timestamp(info.get("closeTime")),
            history_length=proto.int64(info.get("historyLength")),
            parent_id=parent.get("workflowId"),
            parent_run_id=parent.get("runId"),
            raw_description=raw,
        )


@dataclass
class WorkflowHistory:
    """A workflow's history as Temporal's JSON events."""

    workflow_id: str
    events: List[Dict[str, Any]]

    def to_json_dict(self) -> Dict[str, Any]:
        return {"events": self.events}

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_json_dict())


def _workflow_name(workflow: Any) -> "tuple[str, Optional[Type]]":
    if isinstance(workflow, str):
        return workflow, None
    from temporalio._internal.workflow_instance import _workflow_name_and_result

    return _workflow_name_and_result(workflow, None)


class Client:
    """A connection to the engine for one namespace."""

    def __init__(self, transport: host.Transport, *, namespace: str = "default", identity: Optional[str] = None,
                 data_converter: temporalio.converter.DataConverter = temporalio.converter.DataConverter.default) -> None:
        self._transport = transport
        self._namespace = namespace
        self._identity = identity or "durable-lab-python"
        self._data_converter = data_converter

    @staticmethod
    async def connect(target_host: str, *, namespace: str = "default", identity: Optional[str] = None,
                      data_converter: temporalio.converter.DataConverter = temporalio.converter.DataConverter.default,
                      **_options: Any) -> "Client":
        """Any target reaches the in-browser engine; TLS, API keys etc. are ignored."""
        return Client(host.Transport(host.get_rpc()), namespace=namespace, identity=identity,
                      data_converter=data_converter)

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def data_converter(self) -> temporalio.converter.DataConverter:
        return self._data_converter

    @property
    def _pc(self) -> temporalio.converter.PayloadConverter:
        return self._data_converter.payload_converter  # type: ignore[attr-defined]

    @property
    def _fc(self) -> temporalio.converter.FailureConverter:
        return self._data_converter.failure_converter  # type: ignore[attr-defined]

    async def _call(self, method: str, request: Dict[str, Any]) -> Dict[str, Any]:
        """One RPC; while the engine is away (UNAVAILABLE: the server worker
        restarts) calls that are safe to repeat are retried for up to 30 s,
        as the official client retries. A start is safe: the engine answers a
        repeated requestId with the run it already started."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _RETRY_FOR_SECONDS
        delay = 0.1
        while True:
            try:
                return await self._transport.call(method, request)
            except RPCError as err:
                if (err.status != RPCStatusCode.UNAVAILABLE or method not in _RETRYABLE
                        or loop.time() + delay > deadline):
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def start_workflow(
        self,
        workflow: Union[str, Callable[..., Any], Type],
        arg: Any = _arg_unset,
        *,
        id: str,
        task_queue: str,
        args: Sequence[Any] = (),
        result_type: Optional[Type] = None,
        execution_timeout: Optional[timedelta] = None,
        run_timeout: Optional[timedelta] = None,
        task_timeout: Optional[timedelta] = None,
        id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy: WorkflowIDConflictPolicy = WorkflowIDConflictPolicy.UNSPECIFIED,
        retry_policy: Optional[RetryPolicy] = None,
        cron_schedule: str = "",
        memo: Optional[Mapping[str, Any]] = None,
        start_delay: Optional[timedelta] = None,
        start_signal: Optional[str] = None,
        start_signal_args: Sequence[Any] = (),
        **_options: Any,
    ) -> "WorkflowHandle":
        """Starts a workflow (by @workflow.run method, class or name) and returns its handle."""
        name, hinted = _workflow_name(workflow)
        request: Dict[str, Any] = {
            "namespace": self._namespace,
            "workflowId": id,
            "workflowType": {"name": name},
            "taskQueue": {"name": task_queue, "kind": "TASK_QUEUE_KIND_NORMAL"},
            "input": {"payloads": self._pc.to_payloads(temporalio.common._args_from(arg, args))},
            "identity": self._identity,
            "requestId": str(uuid.uuid4()),
            "workflowIdReusePolicy": "WORKFLOW_ID_REUSE_POLICY_" + id_reuse_policy.name,
            "workflowIdConflictPolicy": "WORKFLOW_ID_CONFLICT_POLICY_" + id_conflict_policy.name,
        }
        proto.put_durations(
            request,
            workflowExecutionTimeout=execution_timeout,
            workflowRunTimeout=run_timeout,
            workflowTaskTimeout=task_timeout,
        )
        if retry_policy is not None:
            request["retryPolicy"] = retry_policy._to_json()
        if cron_schedule:
            request["cronSchedule"] = cron_schedule
        if memo:
            request["memo"] = {"fields": {k: self._pc.to_payload(v) for k, v in memo.items()}}
        if start_delay is not None:
            request["workflowStartDelay"] = proto.duration(start_delay)
        method = "StartWorkflowExecution"
        if start_signal:
            method = "SignalWithStartWorkflowExecution"
            request["signalName"] = start_signal
            request["signalInput"] = {"payloads": self._pc.to_payloads(list(start_signal_args))}
        try:
            response = await self._call(method, request)
        except RPCError as err:
            if err.status == RPCStatusCode.ALREADY_EXISTS:
                raise temporalio.exceptions.WorkflowAlreadyStartedError(id, name) from err
            raise
        run_id = response.get("runId") or ""
        return WorkflowHandle(self, id, run_id=None, result_run_id=run_id, first_execution_run_id=run_id,
                              result_type=result_type or hinted)

    async def execute_workflow(self, workflow: Union[str, Callable[..., Any], Type], arg: Any = _arg_unset,
                               **kwargs: Any) -> Any:
        """Starts a workflow and waits for its result."""
        handle = await self.start_workflow(workflow, arg, **kwargs)
        return await handle.result()

    def get_workflow_handle(self, workflow_id: str, *, run_id: Optional[str] = None,
                            first_execution_run_id: Optional[str] = None,
                            result_type: Optional[Type] = None) -> "WorkflowHandle":
        return WorkflowHandle(self, workflow_id, run_id=run_id, result_run_id=run_id,
                              first_execution_run_id=first_execution_run_id, result_type=result_type)

    def get_workflow_handle_for(self, workflow: Any, workflow_id: str, *, run_id: Optional[str] = None,
                                first_execution_run_id: Optional[str] = None) -> "WorkflowHandle":
        _, hinted = _workflow_name(workflow)
        return self.get_workflow_handle(workflow_id, run_id=run_id, first_execution_run_id=first_execution_run_id,
                                        result_type=hinted)

    def list_workflows(self, query: Optional[str] = None, *, page_size: int = 1000,
                       **_options: Any) -> "WorkflowExecutionAsyncIterator":
        """Workflows matching ``query`` (the engine's ListWorkflowExecutions), for ``async for``."""
        return WorkflowExecutionAsyncIterator(self, query or "", page_size)


class WorkflowExecutionAsyncIterator:
    """Pages through ListWorkflowExecutions as ``async for`` consumes it."""

    def __init__(self, client: Client, query: str, page_size: int) -> None:
        self._client = client
        self._query = query
        self._page_size = page_size
        self._page: List[WorkflowExecutionDescription] = []
        self._token: Optional[str] = ""

    def __aiter__(self) -> "WorkflowExecutionAsyncIterator":
        return self

    async def __anext__(self) -> WorkflowExecutionDescription:
        while not self._page:
            if self._token is None:
                raise StopAsyncIteration
            request: Dict[str, Any] = {"namespace": self._client.namespace, "query": self._query,
                                       "pageSize": self._page_size}
            if self._token:
                request["nextPageToken"] = self._token
            response = await self._client._call("ListWorkflowExecutions", request)
            self._page = [WorkflowExecutionDescription._from_json({"workflowExecutionInfo": e})
                          for e in response.get("executions") or []]
            self._token = response.get("nextPageToken") or None
        return self._page.pop(0)


class WorkflowHandle:
    """A workflow by ID (and run ID): signal, query, describe, wait for it."""

    def __init__(self, client: Client, id: str, *, run_id: Optional[str] = None, result_run_id: Optional[str] = None,
                 first_execution_run_id: Optional[str] = None, result_type: Optional[Type] = None) -> None:
        self._client = client
        self._id = id
        self._run_id = run_id
        self._result_run_id = result_run_id
        self._first_execution_run_id = first_execution_run_id
        self._result_type = result_type

    @property
    def id(self) -> str:
        return self._id

    @property
    def run_id(self) -> Optional[str]:
        """The run this handle targets; None means the latest run."""
        return self._run_id

    @property
    def result_run_id(self) -> Optional[str]:
        """The run whose result ``result()`` starts from (the started run)."""
        return self._result_run_id

    @property
    def first_execution_run_id(self) -> Optional[str]:
        return self._first_execution_run_id

    def _execution(self, run_id: Optional[str] = None) -> Dict[str, Any]:
        execution = {"workflowId": self._id}
        rid = run_id if run_id is not None else self._run_id
        if rid:
            execution["runId"] = rid
        return execution

    async def result(self, *, follow_runs: bool = True, **_options: Any) -> Any:
        """Waits for the workflow to close; returns its result or raises WorkflowFailureError."""
        client = self._client
        run_id = self._result_run_id
        while True:
            request = {
                "namespace": client.namespace,
                "execution": self._execution(run_id or ""),
                "waitNewEvent": True,
                "historyEventFilterType": "HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT",
                "skipArchival": True,
            }
            response = await client._call("GetWorkflowExecutionHistory", request)
            events = (response.get("history") or {}).get("events") or []
            if not events:
                continue  # the long poll ended without news; wait again
            event = events[-1]
            kind = proto.enum_name(event.get("eventType"), "EVENT_TYPE_")
            if kind == "WORKFLOW_EXECUTION_COMPLETED":
                attrs = event.get("workflowExecutionCompletedEventAttributes") or {}
                if attrs.get("newExecutionRunId") and follow_runs:
                    run_id = attrs["newExecutionRunId"]
                    continue
                payloads = (attrs.get("result") or {}).get("payloads") or []
                if not payloads:
                    return None
                hint = [self._result_type] if self._result_type else None
                return client._pc.from_payloads(payloads[:1], hint)[0]
            if kind == "WORKFLOW_EXECUTION_FAILED":
                attrs = event.get("workflowExecutionFailedEventAttributes") or {}
                if attrs.get("newExecutionRunId") and follow_runs:
                    run_id = attrs["newExecutionRunId"]
                    continue
                raise WorkflowFailureError(cause=client._fc.from_failure(attrs.get("failure") or {}, client._pc))
            if kind == "WORKFLOW_EXECUTION_CANCELED":
                attrs = event.get("workflowExecutionCanceledEventAttributes") or {}
                details = client._pc.from_payloads((attrs.get("details") or {}).get("payloads") or [])
                raise WorkflowFailureError(cause=temporalio.exceptions.CancelledError("Workflow cancelled", *details))
            if kind == "WORKFLOW_EXECUTION_TERMINATED":
                attrs = event.get("workflowExecutionTerminatedEventAttributes") or {}
                details = client._pc.from_payloads((attrs.get("details") or {}).get("payloads") or [])
                raise WorkflowFailureError(cause=temporalio.exceptions.TerminatedError(
                    attrs.get("reason") or "Workflow terminated", *details))
            if kind == "WORKFLOW_EXECUTION_TIMED_OUT":
                attrs = event.get("workflowExecutionTimedOutEventAttributes") or {}
                if attrs.get("newExecutionRunId") and follow_runs:
                    run_id = attrs["newExecutionRunId"]
                    continue
                raise WorkflowFailureError(cause=temporalio.exceptions.TimeoutError(
                    "Workflow timed out", type=temporalio.exceptions.TimeoutType.START_TO_CLOSE))
            if kind == "WORKFLOW_EXECUTION_CONTINUED_AS_NEW":
                attrs = event.get("workflowExecutionContinuedAsNewEventAttributes") or {}
                new_run = attrs.get("newExecutionRunId") or ""
                if not follow_runs:
                    raise WorkflowContinuedAsNewError(new_run)
                run_id = new_run
                continue
            raise RuntimeError(f"Unexpected close event {kind}")

    async def signal(self, signal: Union[str, Callable[..., Any]], arg: Any = _arg_unset, *,
                     args: Sequence[Any] = (), **_options: Any) -> None:
        """Sends a signal (by name or by the @workflow.signal method)."""
        name = _handler_name(signal, "__temporal_signal_definition")
        await self._client._call("SignalWorkflowExecution", {
            "namespace": self._client.namespace,
            "workflowExecution": self._execution(),
            "signalName": name,
            "input": {"payloads": self._client._pc.to_payloads(temporalio.common._args_from(arg, args))},
            "identity": self._client.identity,
            "requestId": str(uuid.uuid4()),
        })

    async def query(self, query: Union[str, Callable[..., Any]], arg: Any = _arg_unset, *,
                    args: Sequence[Any] = (), result_type: Optional[Type] = None, **_options: Any) -> Any:
        """Asks a running or closed workflow a query; it is not recorded in history."""
        name = _handler_name(query, "__temporal_query_definition")
        if result_type is None and callable(query) and not isinstance(query, str):
            from temporalio._internal.workflow_instance import _type_hints

            result_type = _type_hints(query)[1]
        try:
            response = await self._client._call("QueryWorkflow", {
                "namespace": self._client.namespace,
                "execution": self._execution(),
                "query": {"queryType": name,
                          "queryArgs": {"payloads": self._client._pc.to_payloads(temporalio.common._args_from(arg, args))}},
            })
        except RPCError as err:
            # The engine answers a query whose handler raised with INVALID_ARGUMENT, as Temporal does.
            if err.status == RPCStatusCode.INVALID_ARGUMENT:
                raise WorkflowQueryFailedError(err.message) from err
            raise
        if response.get("queryRejected"):
            raise WorkflowQueryRejectedError(_status((response["queryRejected"] or {}).get("status")))
        payloads = (response.get("queryResult") or {}).get("payloads") or []
        if not payloads:
            return None
        return self._client._pc.from_payloads(payloads[:1], [result_type] if result_type else None)[0]

    async def describe(self, **_options: Any) -> WorkflowExecutionDescription:
        response = await self._client._call("DescribeWorkflowExecution", {
            "namespace": self._client.namespace, "execution": self._execution()})
        return WorkflowExecutionDescription._from_json(response)

    async def cancel(self, **_options: Any) -> None:
        await self._client._call("RequestCancelWorkflowExecution", {
            "namespace": self._client.namespace,
            "workflowExecution": self._execution(),
            "identity": self._client.identity,
            "requestId": str(uuid.uuid4()),
            "firstExecutionRunId": self._first_execution_run_id or "",
        })

    async def terminate(self, *args: Any, reason: Optional[str] = None, **_options: Any) -> None:
        request: Dict[str, Any] = {
            "namespace": self._client.namespace,
            "workflowExecution": self._execution(),
            "reason": reason or "",
            "identity": self._client.identity,
            "firstExecutionRunId": self._first_execution_run_id or "",
        }
        if args:
            request["details"] = {"payloads": self._client._pc.to_payloads(list(args))}
        await self._client._call("TerminateWorkflowExecution", request)

    async def fetch_history(self, **_options: Any) -> WorkflowHistory:
        events: List[Dict[str, Any]] = []
        token = ""
        while True:
            request: Dict[str, Any] = {"namespace": self._client.namespace, "execution": self._execution()}
            if token:
                request["nextPageToken"] = token
            response = await self._client._call("GetWorkflowExecutionHistory", request)
            events.extend((response.get("history") or {}).get("events") or [])
            token = response.get("nextPageToken") or ""
            if not token:
                return WorkflowHistory(self._id, events)


def _handler_name(handler: Union[str, Callable[..., Any]], attr: str) -> str:
    if isinstance(handler, str):
        return handler
    defn = getattr(handler, attr, None)
    if defn is None:
        raise TypeError(f"{getattr(handler, '__name__', handler)!r} is not a workflow signal/query handler")
    return defn.name
