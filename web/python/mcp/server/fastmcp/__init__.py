"""FastMCP: MCP servers from decorated Python functions.

Durable Lab's browser re-implementation of the official SDK's public API.
"""

from mcp.server.fastmcp.server import FastMCP

__all__ = ["FastMCP"]
