"""Common types shared by workflows, activities and clients.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any, Dict, Optional, Sequence

from temporalio._internal import proto

__all__ = [
    "RetryPolicy",
    "WorkflowIDConflictPolicy",
    "WorkflowIDReusePolicy",
    "RawValue",
]


class _ArgUnset:
    """Marks "no positional argument given" (None is a valid argument)."""

    def __repr__(self) -> str:
        return "<unset>"


_arg_unset: Any = _ArgUnset()


def _args_from(arg: Any, args: Sequence[Any]) -> list:
    """Merges the single ``arg`` and ``args=`` forms, as the SDK's calls do."""
    if arg is not _arg_unset:
        if args:
            raise ValueError("Cannot give both arg and args")
        return [arg]
    return list(args)


@dataclass
class RetryPolicy:
    """How a failed activity (or workflow) is retried.

    Defaults are Temporal's: 1 s initial interval, 2.0 backoff, a maximum
    interval of 100x the initial one (when None), and unlimited attempts (0).
    """

    initial_interval: timedelta = timedelta(seconds=1)
    backoff_coefficient: float = 2.0
    maximum_interval: Optional[timedelta] = None
    maximum_attempts: int = 0
    non_retryable_error_types: Optional[Sequence[str]] = None

    def _validate(self) -> None:
        if self.initial_interval < timedelta(0):
            raise ValueError("Initial interval cannot be negative")
        if self.backoff_coefficient < 1:
            raise ValueError("Backoff coefficient cannot be less than 1")
        if self.maximum_interval is not None:
            if self.maximum_interval < timedelta(0):
                raise ValueError("Maximum interval cannot be negative")
            if self.maximum_interval < self.initial_interval:
                raise ValueError("Maximum interval cannot be less than initial interval")
        if self.maximum_attempts < 0:
            raise ValueError("Maximum attempts cannot be negative")

    def _to_json(self) -> Dict[str, Any]:
        """Temporal's proto3 JSON RetryPolicy."""
        self._validate()
        out: Dict[str, Any] = {
            "initialInterval": proto.duration(self.initial_interval),
            "backoffCoefficient": float(self.backoff_coefficient),
            "maximumAttempts": int(self.maximum_attempts),
        }
        if self.maximum_interval is not None:
            out["maximumInterval"] = proto.duration(self.maximum_interval)
        if self.non_retryable_error_types:
            out["nonRetryableErrorTypes"] = list(self.non_retryable_error_types)
        return out

    @staticmethod
    def _from_json(raw: Optional[Dict[str, Any]]) -> Optional["RetryPolicy"]:
        if not raw:
            return None
        initial = proto.parse_duration(raw.get("initialInterval"))
        maximum = proto.parse_duration(raw.get("maximumInterval"))
        return RetryPolicy(
            initial_interval=initial if initial is not None else timedelta(seconds=1),
            backoff_coefficient=float(raw.get("backoffCoefficient") or 2.0),
            maximum_interval=maximum,
            maximum_attempts=int(raw.get("maximumAttempts") or 0),
            non_retryable_error_types=list(raw.get("nonRetryableErrorTypes") or []) or None,
        )


class WorkflowIDReusePolicy(IntEnum):
    """What a new start may do when a closed run already used the ID."""

    ALLOW_DUPLICATE = 1
    ALLOW_DUPLICATE_FAILED_ONLY = 2
    REJECT_DUPLICATE = 3
    TERMINATE_IF_RUNNING = 4


class WorkflowIDConflictPolicy(IntEnum):
    """What a new start does when a run with the ID is still open."""

    UNSPECIFIED = 0
    FAIL = 1
    USE_EXISTING = 2
    TERMINATE_EXISTING = 3


@dataclass(frozen=True)
class RawValue:
    """A payload to pass through without conversion."""

    payload: Dict[str, Any]
