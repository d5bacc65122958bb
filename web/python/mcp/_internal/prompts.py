"""One registered prompt: a function whose parameters are the prompt's arguments.

MCP passes prompt arguments as strings, so they reach the function unconverted.
The function returns a str (one user message) or a list of messages, each a str
or a ``{"role": ..., "content": ...}`` dict whose content may be a plain str.
Part of Durable Lab's browser re-implementation of the MCP Python SDK's public
API, not the official SDK.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from mcp._internal import content
from mcp._internal.schema import CallSignature
from mcp._internal.tools import call, function_description, function_name


def _message(item: Any) -> Dict[str, Any]:
    if isinstance(item, dict) and "role" in item and "content" in item:
        body = item["content"]
        return {"role": item["role"], "content": content.text(body) if isinstance(body, str) else body}
    return {"role": "user", "content": content.text(item if isinstance(item, str) else str(item))}


class Prompt:
    def __init__(self, fn: Callable[..., Any], *, name: Optional[str] = None, title: Optional[str] = None,
                 description: Optional[str] = None) -> None:
        if not callable(fn):
            raise TypeError(f"a prompt must be a function, not {fn!r}")
        self.fn = fn
        self.name = function_name(fn, name, "prompt")
        self.title = title
        self.description = function_description(fn, description)
        self.parameters = CallSignature(fn, self.name).parameters

    def definition(self) -> Dict[str, Any]:
        """The entry of prompts/list."""
        definition: Dict[str, Any] = {"name": self.name}
        if self.title is not None:
            definition["title"] = self.title
        if self.description is not None:
            definition["description"] = self.description
        definition["arguments"] = [{"name": p.name, "required": p.required} for p in self.parameters]
        return definition

    def missing(self, arguments: Dict[str, Any]) -> List[str]:
        """The required arguments absent from ``arguments``."""
        return [p.name for p in self.parameters if p.required and p.name not in arguments]

    async def render(self, arguments: Dict[str, Any]) -> Dict[str, Any]:
        """The GetPromptResult; arguments the function does not take are dropped."""
        known = {p.name for p in self.parameters}
        value = await call(self.fn, **{k: v for k, v in arguments.items() if k in known})
        items = value if isinstance(value, (list, tuple)) else [value]
        result: Dict[str, Any] = {"messages": [_message(item) for item in items]}
        if self.description is not None:
            result["description"] = self.description
        return result
