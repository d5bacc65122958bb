"""``FastMCP``: an MCP server whose tools, resources and prompts are decorated functions.

Part of Durable Lab's browser re-implementation of the public API of the MCP
Python SDK (``mcp.server.fastmcp``, which the standalone ``fastmcp`` package
shares), not the official SDK. The class is a thin facade over
``mcp._internal``: ``tools``/``resources``/``prompts`` (what is registered),
``schema`` (type hints -> JSON Schema and argument checks), ``content`` (return
values -> results), ``session`` (the protocol) and ``transport`` (where the
messages go).

Differences from the official SDK: ``list_tools()``, ``call_tool()`` and the
other programmatic methods return MCP result dicts, not pydantic models; there
is no ``Context`` parameter, no resource templates, and no network transports
(``run()`` serves stdio, which in the browser is the page's in-page transport).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Dict, List, Optional, TypeVar, Union

from mcp._internal.jsonrpc import INTERNAL_ERROR, INVALID_PARAMS, RESOURCE_NOT_FOUND, JsonRpcError
from mcp._internal.prompts import Prompt
from mcp._internal.resources import Resource
from mcp._internal.session import serve
from mcp._internal.tools import Tool
from mcp._internal.transport import open_transport

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_VERSION = "1.0.0"


def _decorator(name_or_fn: Union[str, Callable[..., Any], None], name: Optional[str],
               register: Callable[[Callable[..., Any], Optional[str]], None]) -> Any:
    """``@deco``, ``@deco()``, ``@deco("name")`` and ``@deco(name="name")`` alike;
    the decorated function is returned unchanged, so it stays callable."""
    if callable(name_or_fn):
        register(name_or_fn, name)
        return name_or_fn
    if name_or_fn is not None and name is not None:
        raise TypeError("give the name once: positionally or as name=, not both")
    chosen = name_or_fn if name_or_fn is not None else name
    if chosen is not None and not isinstance(chosen, str):
        raise TypeError(f"the name must be a string, not {chosen!r}")

    def decorate(fn: F) -> F:
        register(fn, chosen)
        return fn

    return decorate


def _register(registry: Dict[str, Any], key: str, item: Any, kind: str) -> None:
    """Adds ``item``; one registered again under the same key replaces the
    first, as re-running an edited cell would, with a warning in case it was a slip."""
    if key in registry:
        logger.warning("%s %s is registered again: the new definition replaces the old one", kind, key)
    registry[key] = item


class FastMCP:
    """An MCP server.

    ``name`` and ``version`` are the ``serverInfo`` the client sees, and
    ``instructions`` (optional) tell the model how to use the server. Other
    settings of the official SDK (``host``, ``port``, ``log_level``, ``debug``,
    ``dependencies``, ...) are accepted and ignored: they configure network
    transports and processes that do not exist here.
    """

    def __init__(self, name: Optional[str] = None, instructions: Optional[str] = None, **settings: Any) -> None:
        self.name = name or "FastMCP"
        self.instructions = instructions
        self.version = str(settings.get("version") or DEFAULT_VERSION)
        self._tools: Dict[str, Tool] = {}
        self._resources: Dict[str, Resource] = {}
        self._prompts: Dict[str, Prompt] = {}

    def __repr__(self) -> str:
        return f"FastMCP({self.name!r})"

    # ------------------------------------------------------------ registering

    def tool(self, name_or_fn: Union[str, Callable[..., Any], None] = None, *, name: Optional[str] = None,
             title: Optional[str] = None, description: Optional[str] = None,
             annotations: Optional[Dict[str, Any]] = None) -> Any:
        """Registers a function as a tool: ``@mcp.tool``, ``@mcp.tool()``,
        ``@mcp.tool("name")`` or ``@mcp.tool(name=..., title=..., description=...,
        annotations={"readOnlyHint": True, ...})``.

        The input schema comes from the parameters' type hints, the description
        from the docstring unless ``description=`` is given.
        """
        return _decorator(name_or_fn, name, lambda fn, chosen: self.add_tool(
            fn, name=chosen, title=title, description=description, annotations=annotations))

    def add_tool(self, fn: Callable[..., Any], name: Optional[str] = None, title: Optional[str] = None,
                 description: Optional[str] = None, annotations: Optional[Dict[str, Any]] = None) -> None:
        """Registers ``fn`` as a tool; a second tool with the same name replaces the first."""
        tool = Tool(fn, name=name, title=title, description=description, annotations=annotations)
        _register(self._tools, tool.name, tool, "Tool")

    def resource(self, uri: str, *, name: Optional[str] = None, title: Optional[str] = None,
                 description: Optional[str] = None, mime_type: Optional[str] = None) -> Callable[[F], F]:
        """Registers a function without parameters as the resource at ``uri``
        (a fixed URI). It returns text (str), binary data (bytes) or anything
        JSON-like (sent as JSON)."""
        def decorate(fn: F) -> F:
            resource = Resource(fn, uri, name=name, title=title, description=description, mime_type=mime_type)
            _register(self._resources, uri, resource, "Resource")
            return fn

        return decorate

    def prompt(self, name_or_fn: Union[str, Callable[..., Any], None] = None, *, name: Optional[str] = None,
               title: Optional[str] = None, description: Optional[str] = None) -> Any:
        """Registers a function as a prompt template (``@mcp.prompt`` or
        ``@mcp.prompt(name=..., description=...)``); its parameters are the
        prompt's arguments."""
        def register(fn: Callable[..., Any], chosen: Optional[str]) -> None:
            prompt = Prompt(fn, name=chosen, title=title, description=description)
            _register(self._prompts, prompt.name, prompt, "Prompt")

        return _decorator(name_or_fn, name, register)

    # ------------------------------------------------------ what clients ask

    def capabilities(self) -> Dict[str, Any]:
        """The server capabilities for ``initialize``: tools always, the rest when registered."""
        capabilities: Dict[str, Any] = {"tools": {"listChanged": False}}
        if self._resources:
            capabilities["resources"] = {"subscribe": False, "listChanged": False}
        if self._prompts:
            capabilities["prompts"] = {"listChanged": False}
        return capabilities

    async def list_tools(self) -> List[Dict[str, Any]]:
        """The tool definitions, as tools/list lists them, in registration order."""
        return [tool.definition() for tool in self._tools.values()]

    async def call_tool(self, name: str, arguments: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """The CallToolResult dict of calling tool ``name``.

        Bad arguments and exceptions raised by the tool give ``isError``
        results; an unknown name raises ``JsonRpcError`` (-32602).
        """
        tool = self._tools.get(name)
        if tool is None:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown tool: {name}")
        return await tool.run(arguments or {})

    async def list_resources(self) -> List[Dict[str, Any]]:
        return [resource.definition() for resource in self._resources.values()]

    async def read_resource(self, uri: str) -> List[Dict[str, Any]]:
        """The ``contents`` of the resource at ``uri``; ``JsonRpcError`` when
        there is none (-32002) or its function fails (-32603)."""
        resource = self._resources.get(uri)
        if resource is None:
            raise JsonRpcError(RESOURCE_NOT_FOUND, f"Resource not found: {uri}", {"uri": uri})
        try:
            return await resource.read()
        except Exception as err:  # noqa: BLE001 - reported to the client
            logger.warning("Error reading resource %s", uri, exc_info=True)
            raise JsonRpcError(INTERNAL_ERROR, f"Error reading resource {uri}: {err}") from err

    async def list_prompts(self) -> List[Dict[str, Any]]:
        return [prompt.definition() for prompt in self._prompts.values()]

    async def get_prompt(self, name: str, arguments: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """The GetPromptResult of prompt ``name``; ``JsonRpcError`` (-32602) for
        an unknown prompt or missing arguments, -32603 when its function fails."""
        prompt = self._prompts.get(name)
        if prompt is None:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown prompt: {name}")
        arguments = arguments or {}
        missing = prompt.missing(arguments)
        if missing:
            raise JsonRpcError(INVALID_PARAMS, f"Missing required arguments for prompt {name}: {', '.join(missing)}")
        try:
            return await prompt.render(arguments)
        except Exception as err:  # noqa: BLE001 - reported to the client
            logger.warning("Error rendering prompt %s", name, exc_info=True)
            raise JsonRpcError(INTERNAL_ERROR, f"Error rendering prompt {name}: {err}") from err

    # ---------------------------------------------------------------- serving

    def run(self, transport: str = "stdio", **transport_options: Any) -> None:
        """Serves until the client closes: ``mcp.run()`` or ``mcp.run(transport="stdio")``.

        In the browser that is the page's MCP client (over the transport the
        MCP server process installed); on CPython, stdin and stdout. Options of
        other transports (``mount_path``, ``show_banner``, ...) are ignored.
        """
        if transport != "stdio":
            raise ValueError(
                f"transport={transport!r} is not available in Durable Lab: only stdio exists here (in the "
                "browser, the page's in-page transport); use mcp.run() or mcp.run(transport=\"stdio\")")
        # asyncio.run, not a loop of our own: Durable Lab's process host patches it to run in the page.
        asyncio.run(self.run_stdio_async())

    async def run_stdio_async(self) -> None:
        await serve(self, open_transport())
