"""Where a server's JSON-RPC messages travel.

- ``HostTransport``: the in-page transport the JavaScript host installed
  (``mcp._internal.host``); this is the only one in the browser.
- ``StdioTransport``: MCP's stdio transport on CPython, so ``python3
  invoice.py`` serves any stdio MCP client: one message per line on stdin and
  stdout, UTF-8; stdout carries nothing else (logs go to stderr).

Both offer ``send(str)`` and ``async receive() -> str | None`` (None: the
client closed). Part of Durable Lab's browser re-implementation of the MCP
Python SDK's public API, not the official SDK.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import Any, BinaryIO, Optional, Union

from mcp._internal import host

try:  # Pyodide turns JavaScript null into this object, not into None
    from pyodide.ffi import jsnull as _JS_NULL  # type: ignore[import-not-found]
except ImportError:  # CPython: only None means "closed"
    _JS_NULL = None


def as_message(value: Any) -> Optional[str]:
    """What the host's ``receive()`` resolved to: a message, or None once closed."""
    if value is None or value is _JS_NULL:
        return None
    if isinstance(value, str):
        return value
    raise TypeError(f"the MCP host's receive() must resolve to a JSON string or null, not {type(value).__name__}")


class HostTransport:
    def __init__(self, js_transport: Any) -> None:
        self._js = js_transport

    def send(self, message: str) -> None:
        self._js.send(message)

    async def receive(self) -> Optional[str]:
        return as_message(await self._js.receive())


class StdioTransport:
    """Reads lines in a daemon thread (blocking reads; a daemon thread also
    lets the interpreter exit while a read waits) and hands them to the loop."""

    def __init__(self, stdin: BinaryIO, stdout: BinaryIO) -> None:
        self._stdout = stdout
        self._lines: "asyncio.Queue[Optional[str]]" = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(stdin, loop), name="mcp-stdin", daemon=True).start()

    def _read(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        try:
            for raw in iter(stdin.readline, b""):
                line = raw.decode("utf-8", errors="replace").strip()
                if line:  # blank lines between messages are not messages
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
            loop.call_soon_threadsafe(self._lines.put_nowait, None)
        except RuntimeError:  # the loop closed first: the server has already stopped
            pass

    def send(self, message: str) -> None:
        self._stdout.write(message.encode("utf-8") + b"\n")
        self._stdout.flush()

    async def receive(self) -> Optional[str]:
        return await self._lines.get()


def open_transport() -> Union[HostTransport, StdioTransport]:
    """The installed host transport, else stdio; must be called on the running loop."""
    installed = host.installed()
    if installed is not None:
        return HostTransport(installed)
    if sys.platform == "emscripten":
        raise RuntimeError(
            "No MCP client is connected: in Durable Lab this file must run as the MCP server "
            "process (the page starts it from mcp_servers/ and connects its MCP client to mcp.run())")
    return StdioTransport(sys.stdin.buffer, sys.stdout.buffer)
