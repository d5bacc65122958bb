"""One MCP session: the lifecycle and the JSON-RPC requests of one client.

``serve(server, transport)`` serves until the client closes. Lifecycle:
``initialize`` (protocol version negotiation) must come first; ``ping`` is
answered at any time. Every other request runs as its own asyncio task, so a
slow ``tools/call`` holds up neither pings nor other calls, and each answer is
sent when ready. ``notifications/cancelled`` cancels a request's task; no
answer is sent for it. Notifications are never answered, and replies from the
client are ignored (this server sends no requests).

Part of Durable Lab's browser re-implementation of the MCP Python SDK's public
API, not the official SDK.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol

from mcp._internal import jsonrpc
from mcp._internal.jsonrpc import JsonRpcError, Request

logger = logging.getLogger(__name__)

# Newest first: the revisions whose messages this server speaks.
SUPPORTED_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0]
_REVISION = re.compile(r"\d{4}-\d{2}-\d{2}")


class Server(Protocol):
    """What a session needs from the server (``FastMCP`` is one)."""

    name: str
    version: str
    instructions: Optional[str]

    def capabilities(self) -> Dict[str, Any]: ...
    async def list_tools(self) -> List[Dict[str, Any]]: ...
    async def call_tool(self, name: str, arguments: Dict[str, Any]) -> Dict[str, Any]: ...
    async def list_resources(self) -> List[Dict[str, Any]]: ...
    async def read_resource(self, uri: str) -> List[Dict[str, Any]]: ...
    async def list_prompts(self) -> List[Dict[str, Any]]: ...
    async def get_prompt(self, name: str, arguments: Dict[str, str]) -> Dict[str, Any]: ...


class Transport(Protocol):
    def send(self, message: str) -> None: ...
    async def receive(self) -> Optional[str]: ...


def negotiate(requested: Any) -> str:
    """The protocol version to answer ``initialize`` with.

    A revision we speak is echoed; another well-formed revision gets our
    latest (the client then decides whether it can speak it, as the spec's
    negotiation says); anything else is not a version at all.
    """
    if requested in SUPPORTED_PROTOCOL_VERSIONS:
        return requested
    if isinstance(requested, str) and _REVISION.fullmatch(requested):
        return LATEST_PROTOCOL_VERSION
    raise JsonRpcError(jsonrpc.INVALID_PARAMS, "Unsupported protocol version",
                       {"supported": SUPPORTED_PROTOCOL_VERSIONS, "requested": requested})


def _string_param(params: Dict[str, Any], key: str, method: str) -> str:
    value = params.get(key)
    if not isinstance(value, str):
        raise JsonRpcError(jsonrpc.INVALID_PARAMS, f"Invalid params: {method} needs params.{key} (a string)")
    return value


def _object_param(params: Dict[str, Any], key: str, method: str) -> Dict[str, Any]:
    value = params.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise JsonRpcError(jsonrpc.INVALID_PARAMS, f"Invalid params: params.{key} of {method} must be an object")
    return value


class Session:
    def __init__(self, server: Server, send: Callable[[str], None]) -> None:
        self._server = server
        self._send = send
        self._initialized = False
        self._in_flight: Dict[jsonrpc.RequestId, "asyncio.Task[None]"] = {}
        self._routes: Dict[str, Callable[[Dict[str, Any]], Awaitable[Dict[str, Any]]]] = {
            "tools/list": self._list_tools,
            "tools/call": self._call_tool,
            "resources/list": self._list_resources,
            "resources/templates/list": self._list_resource_templates,
            "resources/read": self._read_resource,
            "prompts/list": self._list_prompts,
            "prompts/get": self._get_prompt,
        }

    def receive(self, text: str) -> None:
        """Handles one message from the client; long requests continue as tasks."""
        try:
            message = jsonrpc.parse(text)
        except jsonrpc.InvalidMessage as invalid:
            self._reply(jsonrpc.error_message(invalid.request_id, invalid.error))
            return
        if isinstance(message, jsonrpc.Notification):
            self._notification(message)
        elif isinstance(message, Request):
            self._request(message)

    async def finish(self) -> None:
        """Waits for the requests in progress to be answered."""
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def close(self) -> None:
        """Cancels the requests in progress; they are not answered."""
        tasks = list(self._in_flight.values())
        self._in_flight.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------ dispatch

    def _notification(self, note: jsonrpc.Notification) -> None:
        # notifications/initialized needs nothing from this server; other
        # notifications (progress, roots changed, ...) do not concern it.
        if note.method != "notifications/cancelled" or not isinstance(note.params, dict):
            return
        request_id = note.params.get("requestId")
        task = self._in_flight.pop(request_id, None) if jsonrpc.is_request_id(request_id) else None
        if task is not None:
            task.cancel()

    def _request(self, request: Request) -> None:
        if request.method == "ping":
            self._reply(jsonrpc.result_message(request.id, {}))
        elif request.method == "initialize":
            # Answered here, not in a task, so requests right behind it see the session initialized.
            self._reply(self._answer_initialize(request))
        elif not self._initialized:
            self._reply(jsonrpc.error_message(request.id, JsonRpcError(
                jsonrpc.INVALID_REQUEST, f"Cannot handle {request.method}: the session is not initialized "
                                         "(send initialize first)")))
        elif request.method not in self._routes:
            self._reply(jsonrpc.error_message(request.id, JsonRpcError(
                jsonrpc.METHOD_NOT_FOUND, f"Method not found: {request.method}")))
        elif request.id in self._in_flight:
            # Cancellation names requests by id, so two at once would be ambiguous.
            self._reply(jsonrpc.error_message(request.id, JsonRpcError(
                jsonrpc.INVALID_REQUEST, f"Request id {request.id!r} is already in use by a request in progress")))
        else:
            task = asyncio.get_running_loop().create_task(self._answer(request))
            self._in_flight[request.id] = task

    def _answer_initialize(self, request: Request) -> str:
        if self._initialized:
            return jsonrpc.error_message(request.id, JsonRpcError(
                jsonrpc.INVALID_REQUEST, "The session is already initialized"))
        try:
            version = negotiate(request.params.get("protocolVersion"))
        except JsonRpcError as err:
            return jsonrpc.error_message(request.id, err)
        self._initialized = True
        result: Dict[str, Any] = {
            "protocolVersion": version,
            "capabilities": self._server.capabilities(),
            "serverInfo": {"name": self._server.name, "version": self._server.version},
        }
        if self._server.instructions is not None:
            result["instructions"] = self._server.instructions
        return jsonrpc.result_message(request.id, result)

    async def _answer(self, request: Request) -> None:
        task = asyncio.current_task()
        try:
            message = await self._outcome(request)
        finally:
            # Not ours any more when the request was cancelled (or its id reused since).
            answering = self._in_flight.get(request.id) is task
            if answering:
                del self._in_flight[request.id]
        if answering:
            self._reply(message)

    async def _outcome(self, request: Request) -> str:
        try:
            return jsonrpc.result_message(request.id, await self._routes[request.method](request.params))
        except JsonRpcError as err:
            return jsonrpc.error_message(request.id, err)
        except Exception as err:  # noqa: BLE001 - a bug must not end the session
            logger.exception("Internal error in %s", request.method)
            return jsonrpc.error_message(request.id, JsonRpcError(
                jsonrpc.INTERNAL_ERROR, f"Internal error in {request.method}: {type(err).__name__}: {err}"))

    def _reply(self, message: str) -> None:
        try:
            self._send(message)
        except Exception:  # noqa: BLE001 - the client may be gone; the next receive() says so
            logger.exception("Could not send a message to the MCP client")

    # ---------------------------------------------------------------- routes

    async def _list_tools(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"tools": await self._server.list_tools()}  # one page: params.cursor is not needed

    async def _call_tool(self, params: Dict[str, Any]) -> Dict[str, Any]:
        name = _string_param(params, "name", "tools/call")
        return await self._server.call_tool(name, _object_param(params, "arguments", "tools/call"))

    async def _list_resources(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"resources": await self._server.list_resources()}

    async def _list_resource_templates(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"resourceTemplates": []}  # resources have fixed URIs only

    async def _read_resource(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"contents": await self._server.read_resource(_string_param(params, "uri", "resources/read"))}

    async def _list_prompts(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"prompts": await self._server.list_prompts()}

    async def _get_prompt(self, params: Dict[str, Any]) -> Dict[str, Any]:
        name = _string_param(params, "name", "prompts/get")
        return await self._server.get_prompt(name, _object_param(params, "arguments", "prompts/get"))


async def serve(server: Server, transport: Transport) -> None:
    """Serves one client until ``transport.receive()`` answers None and the
    requests in progress are answered. Cancelled (the process is stopping), it
    cancels them instead."""
    session = Session(server, transport.send)
    try:
        while True:
            text = await transport.receive()
            if text is None:
                break
            session.receive(text)
        # The client stopped sending, which need not mean it stopped reading: a
        # stdio client closes stdin first, then waits for the last answers and the exit.
        await session.finish()
    finally:
        await session.close()
