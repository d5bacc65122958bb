"""Worker: runs workflows and activities for one task queue.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK.
"""

from temporalio.worker._worker import Worker

__all__ = ["Worker"]
