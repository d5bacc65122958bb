"""Durable Lab's stand-in for ``nest_asyncio``.

Notebooks call ``nest_asyncio.apply()`` so that code can re-enter a running
event loop. In Durable Lab each file runs as a script on Pyodide's own loop,
so there is nothing to patch: ``apply()`` accepts the same arguments as the
real package and does nothing. This is not the real ``nest_asyncio``.
"""

__all__ = ["apply"]


def apply(loop=None):
    """Accepts the real signature and does nothing (see the module docstring)."""
    return None
