"""JSON-RPC 2.0 messages as MCP uses them: parsing, validation, replies.

One message per string (MCP has no batches since 2025-06-18, and none of the
clients Durable Lab serves send them). Part of Durable Lab's browser
re-implementation of the MCP Python SDK's public API, not the official SDK.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RESOURCE_NOT_FOUND = -32002  # MCP's code for resources/read of an unknown URI

RequestId = Union[str, int]


class JsonRpcError(Exception):
    """A protocol error: becomes the ``error`` member of the reply."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class InvalidMessage(Exception):
    """A message that cannot be handled; ``request_id`` is None when it has no usable id."""

    def __init__(self, error: JsonRpcError, request_id: Optional[RequestId] = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.request_id = request_id


@dataclass
class Request:
    id: RequestId
    method: str
    params: Dict[str, Any]


@dataclass
class Notification:
    method: str
    params: Any  # unchecked: a malformed notification cannot be answered, so it is only ignored


def is_request_id(value: Any) -> bool:
    # bool is an int subclass, and JSON-RPC ids are strings or integers only.
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and the page's JSON.parse) does not.
    raise ValueError(f"{name} is not valid JSON")


def parse(text: str) -> Union[Request, Notification, None]:
    """The request or notification in ``text``; None for a reply from the client.

    Raises ``InvalidMessage`` carrying the error to answer with.
    """
    try:
        message = json.loads(text, parse_constant=_reject_constant)
    except ValueError as err:
        raise InvalidMessage(JsonRpcError(PARSE_ERROR, f"Parse error: {err}")) from None
    if isinstance(message, list):
        raise InvalidMessage(JsonRpcError(INVALID_REQUEST, "Invalid Request: batches are not supported"))
    if not isinstance(message, dict):
        raise InvalidMessage(JsonRpcError(INVALID_REQUEST, "Invalid Request: a message must be a JSON object"))
    request_id = message.get("id")
    usable_id = request_id if is_request_id(request_id) else None
    if message.get("jsonrpc") != "2.0":
        raise InvalidMessage(JsonRpcError(INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"'), usable_id)
    if "method" not in message:
        if "id" in message and ("result" in message or "error" in message):
            return None  # the client answering a server request; this server sends none
        raise InvalidMessage(JsonRpcError(INVALID_REQUEST, 'Invalid Request: no "method"'), usable_id)
    method = message["method"]
    if not isinstance(method, str):
        raise InvalidMessage(JsonRpcError(INVALID_REQUEST, 'Invalid Request: "method" must be a string'), usable_id)
    params = message.get("params", {})
    if "id" not in message:
        return Notification(method, params)
    if usable_id is None:
        raise InvalidMessage(JsonRpcError(
            INVALID_REQUEST, f'Invalid Request: "id" must be a string or an integer, not {json.dumps(request_id)}'))
    if not isinstance(params, dict):
        raise InvalidMessage(JsonRpcError(INVALID_PARAMS, f'Invalid params: "params" of {method} must be an object'),
                             usable_id)
    return Request(usable_id, method, params)


def result_message(request_id: RequestId, result: Dict[str, Any]) -> str:
    # allow_nan=False: NaN is not JSON and the page's JSON.parse would reject the whole message.
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result}, allow_nan=False)


def error_message(request_id: Optional[RequestId], error: JsonRpcError) -> str:
    body: Dict[str, Any] = {"code": error.code, "message": error.message}
    if error.data is not None:
        body["data"] = error.data
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "error": body}, allow_nan=False)
