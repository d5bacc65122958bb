"""A tool's return value as an MCP ``CallToolResult``.

- ``None`` -> no content; a ``str`` -> one text item;
- a dict or a dataclass -> its JSON (indented) as text, plus ``structuredContent``;
- a list or a tuple -> the same, with ``structuredContent`` ``{"result": [...]}``
  (structured content must be an object);
- another JSON value (a number, a bool) -> its JSON as text; anything else -> ``str()``.

Part of Durable Lab's browser re-implementation of the MCP Python SDK's public
API, not the official SDK.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: dataclasses become dicts, tuples and sets lists,
    dict keys strings, and any other object its ``str()``."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def text(value: str) -> Dict[str, Any]:
    return {"type": "text", "text": value}


def dumps(data: Any) -> str:
    """Indented JSON for people to read; NaN and infinities are refused (they are not JSON)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def structured_result(structured: Dict[str, Any], data: Any) -> Dict[str, Any]:
    """A result carrying ``structured`` (the object clients check against the
    output schema) and, for clients that read only text, ``data`` as JSON."""
    return {"content": [text(dumps(data))], "structuredContent": structured}


def call_result(value: Any) -> Dict[str, Any]:
    """The result of a tool without an output schema (see the module docstring)."""
    data = jsonable(value)
    content: List[Dict[str, Any]]
    if data is None:
        content = []
    elif isinstance(data, str):
        content = [text(data)]
    elif isinstance(data, dict):
        return structured_result(data, data)
    elif isinstance(data, list):
        return structured_result({"result": data}, data)
    else:
        content = [text(dumps(data))]
    return {"content": content}


def error_result(message: str) -> Dict[str, Any]:
    """A tool execution error: the model reads the message and may try again."""
    return {"content": [text(message)], "isError": True}
