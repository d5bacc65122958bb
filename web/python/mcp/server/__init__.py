"""MCP servers (Durable Lab's browser re-implementation, not the official SDK)."""

from mcp.server.fastmcp import FastMCP

__all__ = ["FastMCP"]
