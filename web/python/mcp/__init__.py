"""Durable Lab's MCP server library: a browser re-implementation of the public
API of the official MCP Python SDK's FastMCP (``mcp.server.fastmcp``), not the
official SDK.

Pure Python, standard library only, so it runs in the page's MCP server
process (Pyodide) and, for tests and local use, on CPython 3.11+ over stdio.
``from mcp.server.fastmcp import FastMCP`` and ``from fastmcp import FastMCP``
give the same class. ``mcp._internal`` holds the pieces behind it.
"""
