"""One registered resource: a fixed URI whose contents a function returns.

URI templates (``"users://{id}"``) are not supported. Part of Durable Lab's
browser re-implementation of the MCP Python SDK's public API, not the official
SDK.
"""

from __future__ import annotations

import base64
import re
from typing import Any, Callable, Dict, List, Optional

from mcp._internal import content
from mcp._internal.tools import call, function_description, function_name

_TEMPLATE = re.compile(r"{[^}]*}")


class Resource:
    def __init__(self, fn: Callable[..., Any], uri: str, *, name: Optional[str] = None, title: Optional[str] = None,
                 description: Optional[str] = None, mime_type: Optional[str] = None) -> None:
        if not isinstance(uri, str) or not uri:
            raise TypeError(f"a resource needs a URI string, not {uri!r}")
        if _TEMPLATE.search(uri):
            raise ValueError(f"resource templates are not supported in Durable Lab: {uri!r} must be a fixed URI")
        self.fn = fn
        self.uri = uri
        self.name = function_name(fn, name, "resource")
        self.title = title
        self.description = function_description(fn, description)
        self.mime_type = mime_type

    def definition(self) -> Dict[str, Any]:
        """The entry of resources/list."""
        definition: Dict[str, Any] = {"uri": self.uri, "name": self.name}
        for key, value in (("title", self.title), ("description", self.description), ("mimeType", self.mime_type)):
            if value is not None:
                definition[key] = value
        return definition

    async def read(self) -> List[Dict[str, Any]]:
        """The ``contents`` of resources/read: text for a str, base64 for bytes, JSON for the rest."""
        value = await call(self.fn)
        if isinstance(value, (bytes, bytearray)):
            return [{"uri": self.uri, "mimeType": self.mime_type or "application/octet-stream",
                     "blob": base64.b64encode(value).decode("ascii")}]
        if isinstance(value, str):
            return [{"uri": self.uri, "mimeType": self.mime_type or "text/plain", "text": value}]
        return [{"uri": self.uri, "mimeType": self.mime_type or "application/json",
                 "text": content.dumps(content.jsonable(value))}]
