"""The boundary between an MCP server script and its JavaScript host.

In the browser an attendee's ``mcp_servers/*.py`` runs in the MCP server
process (a Pyodide Web Worker). Before the script runs, that host calls
``install(transport)`` with a JS object (tests pass a Python fake with the same
methods); ``FastMCP.run()`` then serves the page's MCP client over it. Only
strings cross, so no proxies need to be managed:

    transport.send(message_json: str) -> None
        One JSON-RPC message from the server to the client.
    transport.receive() -> awaitable
        Resolves to the next message from the client (a JSON string), or to
        null/undefined (``None``) once the client has closed for good; then
        ``run()`` returns normally. The host reports the process as serving on
        the first call, so the server calls it only when it is ready to answer.

Part of Durable Lab's browser re-implementation of the MCP Python SDK's public
API, not the official SDK.
"""

from __future__ import annotations

from typing import Any, Optional

_transport: Any = None


def install(transport: Any) -> None:
    """Called by the host (or a test) before the server script runs."""
    global _transport
    _transport = transport


def uninstall() -> None:
    global _transport
    _transport = None


def installed() -> Optional[Any]:
    """The installed transport, or None (then CPython serves over stdio)."""
    return _transport
