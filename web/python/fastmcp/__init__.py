"""``from fastmcp import FastMCP``, as the workshop's cells write it.

The standalone ``fastmcp`` package and the official SDK's ``mcp.server.fastmcp``
share this API; in Durable Lab both names are the same class (a browser
re-implementation, not either official package).
"""

from mcp.server.fastmcp import FastMCP

__all__ = ["FastMCP"]
