"""The boundary between this Python runtime and its JavaScript host.

The host (a Web Worker or a Node test) installs two things before user code
runs, with ``install(rpc=..., core_factory=...)``; Pyodide passes JS objects
straight through, and tests pass Python fakes with the same methods. Every
value that crosses is a JSON *string*, so no proxies need to be managed.

``rpc`` -- the engine's WorkflowService (the "Temporal server"):

    rpc.call(method: str, request_json: str, call_id: int) -> awaitable str
        Resolves with the reply JSON: ``{"response": {...}}`` on success or
        ``{"error": {"code": "NOT_FOUND", "message": "..."}}`` on failure (the
        engine's Reply shape). Report a transport failure or a server that is
        restarting as code "UNAVAILABLE": the client retries calls that are
        safe to repeat on it, and the worker's polls back off and poll again. ``method`` is a WorkflowService RPC name
        such as "StartWorkflowExecution"; requests and responses are Temporal's
        proto3 JSON. Long polls may take up to the engine's poll timeout.
    rpc.cancel(call_id: int) -> None   (optional)
        The Python caller stopped waiting (its task was cancelled): the host
        should abort that call (``ServerHost.call``'s AbortSignal), so a
        cancelled worker's poll does not take a task it will never run.

``core_factory(options_json: str) -> core`` -- makes one replay core (the
engine's worker role, ``wasm/include/durable/worker_core.h``, like sdk-core)
for one ``Worker``; options are ``{"namespace", "taskQueue",
"maxCachedWorkflows", "identity"}``. The core is synchronous and does no I/O:

    core.handle_workflow_task(poll_response_json: str) -> str   (a result)
    core.complete_activation(completion_json: str) -> str       (a result)
    core.evict(run_id: str) -> str                              (optional)

A result is worker_core.h's: ``{"evictions": [...], "activation": {...}}`` or
``{"evictions": [...], "respond": {"method": ..., "request": {...}}}``, or
``{"error": {"code", "message"}}`` when the core rejects its input. The worker
first drops the instance of every evicted run (each eviction is an activation
of one removeFromCache job that needs no completion), then runs the
activation in the run's ``WorkflowInstance`` and passes the completion back,
or sends the ``respond`` RPC through ``rpc``, which ends the task. When a
sticky task's partial history meets an uncached run the core answers
FAILED_PRECONDITION; the worker fetches the full history with
GetWorkflowExecutionHistory, puts it into the poll response and asks again.

The activation and command JSON inside are the replay core's contract
(``wasm/include/durable/worker_core.h``); ``workflow_instance.py`` produces and
consumes exactly those shapes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any, Callable, Dict, Optional

from temporalio.service import RPCError, RPCStatusCode

_rpc: Any = None
_core_factory: Optional[Callable[[str], Any]] = None
_call_ids = itertools.count(1)


def install(*, rpc: Any = None, core_factory: Optional[Callable[[str], Any]] = None) -> None:
    """Called by the host (or a test) before user code runs."""
    global _rpc, _core_factory
    if rpc is not None:
        _rpc = rpc
    if core_factory is not None:
        _core_factory = core_factory


def uninstall() -> None:
    global _rpc, _core_factory
    _rpc = None
    _core_factory = None


def get_rpc() -> Any:
    if _rpc is None:
        raise RuntimeError(
            "No engine connection: the Durable Lab host has not installed one "
            "(temporalio._internal.host.install(rpc=...))"
        )
    return _rpc


def create_core(options: Dict[str, Any]) -> Any:
    if _core_factory is None:
        raise RuntimeError(
            "No replay core: the Durable Lab host has not installed one "
            "(temporalio._internal.host.install(core_factory=...))"
        )
    return _core_factory(json.dumps(options))


class Transport:
    """Python-side wrapper of an installed rpc: dicts in, dicts out, RPCError on error."""

    def __init__(self, rpc: Any) -> None:
        self._rpc = rpc

    async def call(self, method: str, request: Dict[str, Any]) -> Dict[str, Any]:
        call_id = next(_call_ids)
        try:
            text = await self._rpc.call(method, json.dumps(request), call_id)
        except asyncio.CancelledError:
            cancel = getattr(self._rpc, "cancel", None)
            if cancel is not None:
                try:
                    cancel(call_id)
                except Exception:  # noqa: BLE001 - best effort; we are already leaving
                    pass
            raise
        except Exception as err:  # a JS exception: the host broke its contract
            raise RPCError(f"{method}: transport failed: {err}", RPCStatusCode.UNAVAILABLE) from err
        reply = json.loads(str(text))
        if "error" in reply and reply["error"]:
            error = reply["error"]
            raise RPCError._from_code(error.get("code"), error.get("message") or "")
        return reply.get("response") or {}
