"""One registered tool: its MCP definition and a checked call.

Sync and async functions both work; a plain ``def`` runs on the event loop (the
browser has no threads), so it should not block for long. Part of Durable
Lab's browser re-implementation of the MCP Python SDK's public API, not the
official SDK.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Callable, Dict, Optional

from mcp._internal import content
from mcp._internal.schema import CallSignature, InvalidArguments, InvalidValue

logger = logging.getLogger(__name__)


def function_name(fn: Callable[..., Any], name: Optional[str], kind: str) -> str:
    """``name``, else the function's own name (a lambda has none worth using)."""
    chosen = name or getattr(fn, "__name__", None)
    if not chosen or chosen == "<lambda>":
        raise ValueError(f"give this {kind} a name: {fn!r} has none of its own")
    return chosen


def function_description(fn: Callable[..., Any], description: Optional[str]) -> Optional[str]:
    """``description``, else the docstring without its indentation."""
    if description is not None:
        return description
    doc = getattr(fn, "__doc__", None)
    return inspect.cleandoc(doc) if doc else None


async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls a sync or an async function (or anything returning an awaitable)."""
    value = fn(*args, **kwargs)
    if inspect.isawaitable(value):
        value = await value
    return value


class Tool:
    """A function registered with ``@mcp.tool``: its schemas are read once, here."""

    def __init__(self, fn: Callable[..., Any], *, name: Optional[str] = None, title: Optional[str] = None,
                 description: Optional[str] = None, annotations: Optional[Dict[str, Any]] = None) -> None:
        if not callable(fn):
            raise TypeError(f"a tool must be a function, not {fn!r}")
        self.fn = fn
        self.name = function_name(fn, name, "tool")
        self.title = title
        self.description = function_description(fn, description)
        self.annotations = annotations
        self.signature = CallSignature(fn, self.name)
        self.input_schema = self.signature.input_schema()
        self.output_schema = self.signature.output_schema()

    def definition(self) -> Dict[str, Any]:
        """The entry of tools/list."""
        definition: Dict[str, Any] = {"name": self.name}
        if self.title is not None:
            definition["title"] = self.title
        if self.description is not None:
            definition["description"] = self.description
        definition["inputSchema"] = self.input_schema
        if self.output_schema is not None:
            definition["outputSchema"] = self.output_schema
        if self.annotations is not None:
            definition["annotations"] = self.annotations
        return definition

    async def run(self, arguments: Dict[str, Any]) -> Dict[str, Any]:
        """The CallToolResult. Bad arguments and exceptions in the tool are tool
        execution errors (``isError``), which the model can read and correct,
        not protocol errors (MCP 2025-11-25)."""
        try:
            args, kwargs = self.signature.bind(arguments)
        except InvalidArguments as err:
            return content.error_result(f"Invalid arguments for tool {self.name}: {err}")
        try:
            value = await call(self.fn, *args, **kwargs)
            return self._result(value)
        except Exception as err:  # noqa: BLE001 - reported to the client; the server keeps serving
            logger.warning("Error executing tool %s", self.name, exc_info=True)
            return content.error_result(f"Error executing tool {self.name}: {err}")

    def _result(self, value: Any) -> Dict[str, Any]:
        if self.output_schema is None:
            return content.call_result(value)
        # Clients check structuredContent against the advertised output schema
        # (the TypeScript SDK throws on a mismatch), so a return value that breaks
        # its own annotation is this tool's error, reported as such.
        data = content.jsonable(value)
        try:
            structured = self.signature.structured_content(data)
        except InvalidValue as err:
            raise TypeError(f"the return value does not match the return annotation: {err}") from None
        return content.structured_result(structured, data)
