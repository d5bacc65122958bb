"""Data and failure conversion: Python values <-> Temporal payload JSON, and
exceptions <-> Temporal Failure JSON.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK. Payloads use Temporal's proto3 JSON
shape ``{"metadata": {"encoding": <base64>}, "data": <base64>}``. As in the
official SDK, None is ``binary/null``, bytes are ``binary/plain`` and every
other value is ``json/plain`` (dataclasses as objects, datetimes as ISO 8601).
"""

from __future__ import annotations

import base64
import collections.abc
import dataclasses
import datetime as _dt
import enum
import inspect
import json
import sys
import traceback
import typing
import uuid
from typing import Any, Dict, List, Optional, Sequence, Type

import temporalio.exceptions as exc
from temporalio._internal import proto
from temporalio.common import RawValue

__all__ = [
    "PayloadConverter",
    "DefaultPayloadConverter",
    "FailureConverter",
    "DefaultFailureConverter",
    "DataConverter",
    "AdvancedJSONEncoder",
    "value_to_type",
]

Payload = Dict[str, Any]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Optional[str]) -> bytes:
    return base64.b64decode(text or "")


class AdvancedJSONEncoder(json.JSONEncoder):
    """json.JSONEncoder that also writes dataclasses, datetimes, UUIDs, enums,
    sets and objects with ``model_dump``/``dict`` (pydantic-style)."""

    def default(self, o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return dataclasses.asdict(o)
        if isinstance(o, (_dt.datetime, _dt.date, _dt.time)):
            return o.isoformat()
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, enum.Enum):
            return o.value
        if isinstance(o, (set, frozenset)):
            return list(o)
        if hasattr(o, "model_dump") and callable(o.model_dump):
            return o.model_dump(mode="json")
        return super().default(o)


class PayloadConverter:
    """Interface: values <-> payload dicts."""

    def to_payloads(self, values: Sequence[Any]) -> List[Payload]:
        raise NotImplementedError

    def from_payloads(self, payloads: Sequence[Payload], type_hints: Optional[List[Type]] = None) -> List[Any]:
        raise NotImplementedError

    def to_payload(self, value: Any) -> Payload:
        return self.to_payloads([value])[0]

    def from_payload(self, payload: Payload, type_hint: Optional[Type] = None) -> Any:
        return self.from_payloads([payload], [type_hint] if type_hint else None)[0]


class DefaultPayloadConverter(PayloadConverter):
    def to_payloads(self, values: Sequence[Any]) -> List[Payload]:
        out = []
        for value in values:
            if isinstance(value, RawValue):
                out.append(value.payload)
            elif value is None:
                out.append({"metadata": {"encoding": _b64(b"binary/null")}})
            elif isinstance(value, (bytes, bytearray)):
                out.append({"metadata": {"encoding": _b64(b"binary/plain")}, "data": _b64(bytes(value))})
            else:
                # Compact and key-sorted, as the official SDK writes it.
                text = json.dumps(value, cls=AdvancedJSONEncoder, separators=(",", ":"), sort_keys=True)
                out.append({"metadata": {"encoding": _b64(b"json/plain")}, "data": _b64(text.encode("utf-8"))})
        return out

    def from_payloads(self, payloads: Sequence[Payload], type_hints: Optional[List[Type]] = None) -> List[Any]:
        values = []
        for i, payload in enumerate(payloads):
            hint = type_hints[i] if type_hints and i < len(type_hints) else None
            encoding = _unb64((payload.get("metadata") or {}).get("encoding")).decode("utf-8", "replace")
            if encoding == "binary/null":
                value: Any = None
            elif encoding == "binary/plain":
                value = _unb64(payload.get("data"))
            elif encoding in ("json/plain", "json/protobuf", ""):
                data = _unb64(payload.get("data"))
                value = json.loads(data.decode("utf-8")) if data else None
            else:
                raise RuntimeError(f"Unknown payload encoding {encoding}")
            if hint is not None and encoding != "binary/plain":
                try:
                    value = value_to_type(hint, value)
                except Exception as err:
                    raise RuntimeError(f"Failed converting payload to {hint}: {err}") from err
            values.append(value)
        return values


def _type_hints_of(cls: Type) -> Dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:
        return {f.name: f.type for f in dataclasses.fields(cls)}


def value_to_type(hint: Any, value: Any) -> Any:
    """Turns JSON-decoded ``value`` into ``hint`` (dataclasses, datetimes,
    enums, UUIDs, Optional/Union, list/tuple/set/dict of those)."""
    if hint is Any or hint is None or hint is inspect.Parameter.empty or isinstance(hint, typing.TypeVar):
        return value
    if hint is type(None):
        if value is not None:
            raise TypeError(f"Expected None, got {value!r}")
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or (sys.version_info >= (3, 10) and origin is __import__("types").UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return value_to_type(arg, value)
            except Exception as err:  # try the next member
                errors.append(err)
        raise TypeError(f"{value!r} matches no member of {hint}: {errors}")
    if origin is typing.Literal:
        if value not in args:
            raise TypeError(f"{value!r} not in {hint}")
        return value
    if origin is not None and hasattr(typing, "Annotated") and origin is typing.Annotated:
        return value_to_type(args[0], value)
    if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence, collections.abc.Iterable):
        return [value_to_type(args[0] if args else Any, v) for v in value]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(value_to_type(args[0], v) for v in value)
        return tuple(value_to_type(a, v) for a, v in zip(args, value)) if args else tuple(value)
    if origin in (set, frozenset, collections.abc.Set):
        return origin(value_to_type(args[0] if args else Any, v) for v in value) if origin is not collections.abc.Set else set(value)
    if origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping):
        kt, vt = (args + (Any, Any))[:2] if args else (Any, Any)
        return {value_to_type(kt, k): value_to_type(vt, v) for k, v in value.items()}
    if origin is not None:
        return value
    if not isinstance(hint, type):
        return value
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise TypeError(f"Expected an object for {hint.__name__}, got {value!r}")
        hints = _type_hints_of(hint)
        kwargs = {}
        for f in dataclasses.fields(hint):
            if f.name in value and f.init:
                kwargs[f.name] = value_to_type(hints.get(f.name, Any), value[f.name])
        return hint(**kwargs)
    if issubclass(hint, enum.Enum):
        return hint(value)
    if hint is _dt.datetime:
        return _dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if hint is _dt.date:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else value
    if hint is _dt.timedelta:
        return _dt.timedelta(seconds=value) if isinstance(value, (int, float)) else value
    if hint is uuid.UUID:
        return uuid.UUID(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (str, int, float, bool, list, dict):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise TypeError(f"Expected {hint.__name__}, got {type(value).__name__}")
        return value
    if hasattr(hint, "model_validate"):
        return hint.model_validate(value)
    return value


_USER_FRAME_SKIP = ("/temporalio/", "/asyncio/")


def _format_stack(err: BaseException) -> str:
    """The traceback of ``err`` without this runtime's and asyncio's frames,
    so it points at the user's file and line (all frames if that is nothing)."""
    frames = traceback.extract_tb(err.__traceback__)
    kept = [f for f in frames if not any(s in f.filename.replace("\\", "/") for s in _USER_FRAME_SKIP)]
    return "".join(traceback.format_list(kept or frames))


class FailureConverter:
    def to_failure(self, exception: BaseException, payload_converter: PayloadConverter) -> Dict[str, Any]:
        raise NotImplementedError

    def from_failure(self, failure: Dict[str, Any], payload_converter: PayloadConverter) -> BaseException:
        raise NotImplementedError


def _payloads(pc: PayloadConverter, values: Sequence[Any]) -> Optional[Dict[str, Any]]:
    return {"payloads": pc.to_payloads(list(values))} if values else None


def _values(pc: PayloadConverter, raw: Optional[Dict[str, Any]]) -> List[Any]:
    return pc.from_payloads((raw or {}).get("payloads") or [])


def _retry_state_json(rs: Optional[exc.RetryState]) -> str:
    return "RETRY_STATE_" + rs.name if rs else "RETRY_STATE_UNSPECIFIED"


def _retry_state(raw: Any) -> Optional[exc.RetryState]:
    name = proto.enum_name(raw, "RETRY_STATE_")
    return exc.RetryState.__members__.get(name)


class DefaultFailureConverter(FailureConverter):
    """Exceptions <-> Failure JSON, following the official SDK's mapping: any
    exception that is not a FailureError becomes an application failure whose
    type is the exception's class name."""

    def to_failure(self, exception: BaseException, payload_converter: PayloadConverter) -> Dict[str, Any]:
        if isinstance(exception, exc.FailureError) and exception.failure and not exception.__traceback__:
            # Came off the wire untouched: send it back as it was.
            return dict(exception.failure)
        failure: Dict[str, Any] = {"message": str(exception) if not isinstance(exception, exc.FailureError) else exception.message,
                                   "source": "DurableLabPython",
                                   "stackTrace": _format_stack(exception)}
        e = exception
        if isinstance(e, exc.ApplicationError):
            info: Dict[str, Any] = {"type": e.type or "", "nonRetryable": bool(e.non_retryable)}
            details = _payloads(payload_converter, e.details)
            if details:
                info["details"] = details
            if e.next_retry_delay is not None:
                info["nextRetryDelay"] = proto.duration(e.next_retry_delay)
            if e.category:
                info["category"] = "APPLICATION_ERROR_CATEGORY_" + e.category.name
            failure["applicationFailureInfo"] = info
        elif isinstance(e, exc.TimeoutError):
            info = {"timeoutType": "TIMEOUT_TYPE_" + (e.type.name if e.type else "UNSPECIFIED")}
            details = _payloads(payload_converter, e.last_heartbeat_details)
            if details:
                info["lastHeartbeatDetails"] = details
            failure["timeoutFailureInfo"] = info
        elif isinstance(e, exc.CancelledError):
            info = {}
            details = _payloads(payload_converter, e.details)
            if details:
                info["details"] = details
            failure["canceledFailureInfo"] = info
        elif isinstance(e, exc.TerminatedError):
            failure["terminatedFailureInfo"] = {}
        elif isinstance(e, exc.ServerError):
            failure["serverFailureInfo"] = {"nonRetryable": e.non_retryable}
        elif isinstance(e, exc.ActivityError):
            failure["activityFailureInfo"] = {
                "scheduledEventId": str(e.scheduled_event_id),
                "startedEventId": str(e.started_event_id),
                "identity": e.identity,
                "activityType": {"name": e.activity_type},
                "activityId": e.activity_id,
                "retryState": _retry_state_json(e.retry_state),
            }
        elif isinstance(e, exc.ChildWorkflowError):
            failure["childWorkflowExecutionFailureInfo"] = {
                "namespace": e.namespace,
                "workflowExecution": {"workflowId": e.workflow_id, "runId": e.run_id},
                "workflowType": {"name": e.workflow_type},
                "initiatedEventId": str(e.initiated_event_id),
                "startedEventId": str(e.started_event_id),
                "retryState": _retry_state_json(e.retry_state),
            }
        elif isinstance(e, exc.FailureError):
            failure["applicationFailureInfo"] = {"type": type(e).__name__}
        else:
            failure["applicationFailureInfo"] = {"type": type(e).__name__, "nonRetryable": False}
        if exception.__cause__ is not None:
            failure["cause"] = self.to_failure(exception.__cause__, payload_converter)
        return failure

    def from_failure(self, failure: Dict[str, Any], payload_converter: PayloadConverter) -> BaseException:
        message = failure.get("message") or ""
        err: exc.FailureError
        if "applicationFailureInfo" in failure:
            info = failure["applicationFailureInfo"] or {}
            category = proto.enum_name(info.get("category"), "APPLICATION_ERROR_CATEGORY_")
            err = exc.ApplicationError(
                message,
                *_values(payload_converter, info.get("details")),
                type=info.get("type") or None,
                non_retryable=bool(info.get("nonRetryable")),
                next_retry_delay=proto.parse_duration(info.get("nextRetryDelay")),
                category=exc.ApplicationErrorCategory.__members__.get(category, exc.ApplicationErrorCategory.UNSPECIFIED),
            )
        elif "timeoutFailureInfo" in failure:
            info = failure["timeoutFailureInfo"] or {}
            name = proto.enum_name(info.get("timeoutType"), "TIMEOUT_TYPE_")
            err = exc.TimeoutError(
                message,
                type=exc.TimeoutType.__members__.get(name),
                last_heartbeat_details=_values(payload_converter, info.get("lastHeartbeatDetails")),
            )
        elif "canceledFailureInfo" in failure:
            info = failure["canceledFailureInfo"] or {}
            err = exc.CancelledError(message, *_values(payload_converter, info.get("details")))
        elif "terminatedFailureInfo" in failure:
            err = exc.TerminatedError(message)
        elif "serverFailureInfo" in failure:
            err = exc.ServerError(message, non_retryable=bool((failure["serverFailureInfo"] or {}).get("nonRetryable")))
        elif "activityFailureInfo" in failure:
            info = failure["activityFailureInfo"] or {}
            err = exc.ActivityError(
                message or "Activity task failed",
                scheduled_event_id=proto.int64(info.get("scheduledEventId")),
                started_event_id=proto.int64(info.get("startedEventId")),
                identity=info.get("identity") or "",
                activity_type=(info.get("activityType") or {}).get("name", ""),
                activity_id=info.get("activityId") or "",
                retry_state=_retry_state(info.get("retryState")),
            )
        elif "childWorkflowExecutionFailureInfo" in failure:
            info = failure["childWorkflowExecutionFailureInfo"] or {}
            ex = info.get("workflowExecution") or {}
            err = exc.ChildWorkflowError(
                message or "Child workflow execution failed",
                namespace=info.get("namespace") or "",
                workflow_id=ex.get("workflowId") or "",
                run_id=ex.get("runId") or "",
                workflow_type=(info.get("workflowType") or {}).get("name", ""),
                initiated_event_id=proto.int64(info.get("initiatedEventId")),
                started_event_id=proto.int64(info.get("startedEventId")),
                retry_state=_retry_state(info.get("retryState")),
            )
        else:
            err = exc.FailureError(message)
        err._failure = failure
        if failure.get("cause"):
            err.__cause__ = self.from_failure(failure["cause"], payload_converter)
        return err


@dataclasses.dataclass(frozen=True)
class DataConverter:
    payload_converter_class: Type[PayloadConverter] = DefaultPayloadConverter
    failure_converter_class: Type[FailureConverter] = DefaultFailureConverter

    def __post_init__(self) -> None:
        object.__setattr__(self, "payload_converter", self.payload_converter_class())
        object.__setattr__(self, "failure_converter", self.failure_converter_class())

    default: typing.ClassVar["DataConverter"]

    async def encode(self, values: Sequence[Any]) -> List[Payload]:
        return self.payload_converter.to_payloads(values)  # type: ignore[attr-defined]

    async def decode(self, payloads: Sequence[Payload], type_hints: Optional[List[Type]] = None) -> List[Any]:
        return self.payload_converter.from_payloads(payloads, type_hints)  # type: ignore[attr-defined]


DataConverter.default = DataConverter()
