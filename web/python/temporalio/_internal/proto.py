"""Helpers for Temporal's proto3 JSON shapes: durations, timestamps, enums."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Optional, Union

_DURATION_RE = re.compile(r"^(-)?(\d+)(?:\.(\d{1,9}))?s$")


def duration(value: Union[timedelta, float, int]) -> str:
    """timedelta or seconds -> "10s" / "1.500s" (0, 3, 6 or 9 fraction digits)."""
    if isinstance(value, timedelta):
        # Whole microseconds keep timedelta arithmetic exact.
        total_us = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        nanos = total_us * 1000
    else:
        # Round to microseconds: loop times are floats near 1.7e9, so
        # when - now carries noise far below a microsecond.
        nanos = int(round(float(value) * 1_000_000)) * 1000
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)
    secs, frac = divmod(nanos, 1_000_000_000)
    if frac == 0:
        return f"{sign}{secs}s"
    if frac % 1_000_000 == 0:
        return f"{sign}{secs}.{frac // 1_000_000:03d}s"
    if frac % 1000 == 0:
        return f"{sign}{secs}.{frac // 1000:06d}s"
    return f"{sign}{secs}.{frac:09d}s"


def put_durations(message: dict, **fields: Optional[Union[timedelta, float, int]]) -> None:
    """Sets each given duration field on a request or command; None leaves it out."""
    for name, value in fields.items():
        if value is not None:
            message[name] = duration(value)


def parse_duration(value: Any) -> Optional[timedelta]:
    """"10s" -> timedelta; None/"" -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return timedelta(seconds=value)
    m = _DURATION_RE.match(str(value))
    if not m:
        raise ValueError(f"Invalid duration {value!r}")
    frac = (m.group(3) or "").ljust(9, "0")
    td = timedelta(seconds=int(m.group(2)), microseconds=int(frac or "0") // 1000)
    return -td if m.group(1) else td


def to_seconds(value: Union[timedelta, float, int]) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def timestamp(dt: datetime) -> str:
    """datetime -> RFC 3339 UTC with a Z."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond:06d}".rstrip("0")
    return text + "Z"


_TS_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$"
)


def parse_timestamp(value: Any) -> Optional[datetime]:
    """RFC 3339 (any fraction length, Z or offset) -> aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, dict):  # {"seconds": .., "nanos": ..}
        secs = int(value.get("seconds") or 0)
        nanos = int(value.get("nanos") or 0)
        return datetime.fromtimestamp(secs, timezone.utc) + timedelta(microseconds=nanos // 1000)
    m = _TS_RE.match(str(value))
    if not m:
        raise ValueError(f"Invalid timestamp {value!r}")
    frac = (m.group(3) or "")[:6].ljust(6, "0")
    tz = m.group(4) or "Z"
    text = f"{m.group(1)}T{m.group(2)}.{frac}" + ("+00:00" if tz in ("Z", "z") else tz)
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def enum_name(value: Any, prefix: str) -> str:
    """"WORKFLOW_EXECUTION_STATUS_RUNNING" or 1 -> "RUNNING" (numbers pass as str)."""
    if value is None:
        return "UNSPECIFIED"
    text = str(value)
    return text[len(prefix):] if text.startswith(prefix) else text


def int64(value: Any) -> int:
    """proto3 JSON writes int64 as strings."""
    if value is None or value == "":
        return 0
    return int(value)
