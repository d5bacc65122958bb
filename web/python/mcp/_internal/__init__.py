"""The parts behind ``FastMCP``: one module per concept (see each docstring)."""
