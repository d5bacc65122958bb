"""Durable Lab's ``temporalio``: a browser re-implementation of the public API
of Temporal's Python SDK.

This is NOT the official Temporal SDK. It is written from scratch for Durable
Lab, runs on Pyodide (and CPython for tests) with the standard library only,
and talks to Durable Lab's own engine (engine.wasm) instead of a Temporal
server. Module, class and function names follow the official SDK so that
workshop code imports and runs unchanged; only the subset the workshop needs
is implemented, and anything else raises a clear error.
"""

__version__ = "0.1.0+durablelab"
