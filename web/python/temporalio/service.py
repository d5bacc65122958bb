"""RPC errors from the engine (Durable Lab's stand-in for the Temporal server).

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Optional

from temporalio.exceptions import TemporalError

__all__ = ["RPCError", "RPCStatusCode"]


class RPCStatusCode(IntEnum):
    """gRPC status codes; the engine reports errors with these names."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


class RPCError(TemporalError):
    """An engine call failed with a status code and message."""

    def __init__(self, message: str, status: RPCStatusCode, raw_grpc_status: Optional[bytes] = None) -> None:
        super().__init__(message)
        self._message = message
        self._status = status
        self._raw_grpc_status = raw_grpc_status

    @property
    def message(self) -> str:
        return self._message

    @property
    def status(self) -> RPCStatusCode:
        return self._status

    @property
    def raw_grpc_status(self) -> Optional[bytes]:
        return self._raw_grpc_status

    @staticmethod
    def _from_code(code: object, message: str) -> "RPCError":
        """Engine error {code, message}: code by name ("NOT_FOUND") or number."""
        status = RPCStatusCode.UNKNOWN
        if isinstance(code, int) or (isinstance(code, str) and code.isdigit()):
            try:
                status = RPCStatusCode(int(code))
            except ValueError:
                pass
        elif isinstance(code, str):
            status = RPCStatusCode.__members__.get(code.upper(), RPCStatusCode.UNKNOWN)
        return RPCError(message, status)
