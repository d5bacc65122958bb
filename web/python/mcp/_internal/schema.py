"""Type hints -> JSON Schema, and JSON values checked (and converted) against them.

A tool's parameters become its ``inputSchema`` and its return annotation its
``outputSchema``. The same ``Shape`` that writes a hint's schema also checks a
value against it, so the schema the client sees and the check the server makes
cannot drift apart. Supported hints: ``str``, ``int``, ``float``, ``bool``,
``None``, ``dict``/``Dict[str, X]``/mappings, ``list``/``List[X]``/sequences,
sets, tuples (``Tuple[X, ...]`` and fixed ``Tuple[A, B]``), ``Optional``/unions
(``X | None``), ``Literal``, dataclasses (nested). ``Any``, unannotated
parameters and any other type accept every value unchecked, as its JSON form.

Part of Durable Lab's browser re-implementation of the MCP Python SDK's public
API, not the official SDK (which uses pydantic; the schemas are the same in
shape, without pydantic's per-property titles).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import json
import types
import typing
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

_NO_DEFAULT = inspect.Parameter.empty


class InvalidValue(ValueError):
    """A value that does not fit its hint; the message starts with where it is."""


class InvalidArguments(ValueError):
    """Arguments that do not fit a function's parameters; one message per parameter."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def json_type(value: Any) -> str:
    """The JSON Schema type name of a value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class Shape:
    """What one type hint accepts: ``schema()`` for clients, ``coerce()`` for values.

    ``coerce(value, where)`` returns the value as the function wants it (a dict
    becomes a dataclass instance, an integral float an int, ...) or raises
    ``InvalidValue``; ``where`` names the value in the message (``lines[0]``).
    """

    expected = "any value"

    def schema(self) -> Dict[str, Any]:
        return {}

    def coerce(self, value: Any, where: str) -> Any:
        return value

    def mismatch(self, value: Any, where: str) -> InvalidValue:
        return InvalidValue(f"{where}: expected {self.expected}, got {json_type(value)}")


ANY = Shape()


class ScalarShape(Shape):
    """string, integer, number, boolean or null; ``convert`` returns None when the value does not fit."""

    def __init__(self, json_name: str, convert: Callable[[Any], Optional[Tuple[Any]]]) -> None:
        self.expected = json_name
        self._convert = convert

    def schema(self) -> Dict[str, Any]:
        return {"type": self.expected}

    def coerce(self, value: Any, where: str) -> Any:
        converted = self._convert(value)
        if converted is None:
            raise self.mismatch(value, where)
        return converted[0]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Each converter answers a 1-tuple so that a fitting None (the null type) differs from "does not fit".
_SCALARS: Dict[Any, ScalarShape] = {
    str: ScalarShape("string", lambda v: (v,) if isinstance(v, str) else None),
    # JSON Schema counts 3.0 as an integer, and JavaScript cannot tell 3.0 from 3 anyway.
    int: ScalarShape("integer", lambda v: (int(v),) if _is_number(v) and float(v).is_integer() else None),
    float: ScalarShape("number", lambda v: (float(v),) if _is_number(v) else None),
    bool: ScalarShape("boolean", lambda v: (v,) if isinstance(v, bool) else None),
    type(None): ScalarShape("null", lambda v: (None,) if v is None else None),
}


class ObjectShape(Shape):
    """A mapping; ``values`` checks each value (``Dict[str, X]``), None leaves them unchecked."""

    expected = "object"

    def __init__(self, values: Optional[Shape]) -> None:
        self._values = values

    def schema(self) -> Dict[str, Any]:
        if self._values is None:
            return {"type": "object"}
        return {"type": "object", "additionalProperties": self._values.schema()}

    def coerce(self, value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            raise self.mismatch(value, where)
        if self._values is None:
            return value
        return {k: self._values.coerce(v, f"{where}[{k!r}]") for k, v in value.items()}


class ArrayShape(Shape):
    """A homogeneous list, tuple or set (``make`` builds the Python value)."""

    expected = "array"

    def __init__(self, items: Optional[Shape], make: Callable[[List[Any]], Any] = list, unique: bool = False) -> None:
        self._items = items
        self._make = make
        self._unique = unique

    def schema(self) -> Dict[str, Any]:
        schema: Dict[str, Any] = {"type": "array"}
        if self._items is not None:
            schema["items"] = self._items.schema()
        if self._unique:
            schema["uniqueItems"] = True
        return schema

    def coerce(self, value: Any, where: str) -> Any:
        if not isinstance(value, (list, tuple)):
            raise self.mismatch(value, where)
        items = self._items or ANY
        return self._make([items.coerce(v, f"{where}[{i}]") for i, v in enumerate(value)])


class TupleShape(Shape):
    """A fixed-length tuple, ``Tuple[A, B]``: one shape per position."""

    def __init__(self, items: List[Shape]) -> None:
        self._items = items
        self.expected = f"an array of {len(items)} items"

    def schema(self) -> Dict[str, Any]:
        n = len(self._items)
        return {"type": "array", "prefixItems": [s.schema() for s in self._items], "minItems": n, "maxItems": n}

    def coerce(self, value: Any, where: str) -> Any:
        if not isinstance(value, (list, tuple)):
            raise self.mismatch(value, where)
        if len(value) != len(self._items):
            raise InvalidValue(f"{where}: expected {self.expected}, got {len(value)}")
        return tuple(s.coerce(v, f"{where}[{i}]") for i, (s, v) in enumerate(zip(self._items, value)))


class UnionShape(Shape):
    """``Union[...]``, ``Optional[X]``, ``X | None``: the first option that fits wins."""

    def __init__(self, options: List[Shape]) -> None:
        self._options = options
        self.expected = " or ".join(o.expected for o in options)

    def schema(self) -> Dict[str, Any]:
        return {"anyOf": [o.schema() for o in self._options]}

    def coerce(self, value: Any, where: str) -> Any:
        errors = []
        for option in self._options:
            try:
                return option.coerce(value, where)
            except InvalidValue as err:
                errors.append((option, err))
        # Optional[X]: X's own message says more ("lines[0]['amount']: ...") than "X or null".
        not_null = [err for option, err in errors if option.expected != "null"]
        if len(not_null) == 1:
            raise not_null[0]
        raise self.mismatch(value, where)


class LiteralShape(Shape):
    """``Literal["a", "b"]``: one of the values (compared with their types, so True is not 1)."""

    def __init__(self, values: Sequence[Any]) -> None:
        self._values = list(values)
        self.expected = f"one of {json.dumps(self._values)}"

    def schema(self) -> Dict[str, Any]:
        schema: Dict[str, Any] = {"enum": self._values}
        kinds = {json_type(v) for v in self._values}
        if len(kinds) == 1:
            schema["type"] = kinds.pop()
        return schema

    def coerce(self, value: Any, where: str) -> Any:
        if any(type(v) is type(value) and v == value for v in self._values):
            return value
        raise InvalidValue(f"{where}: expected {self.expected}, got {json.dumps(value, default=repr)}")


@dataclasses.dataclass
class Property:
    """A named member of an object: a function parameter or a dataclass field."""

    name: str
    shape: Shape
    default: Any = _NO_DEFAULT  # _NO_DEFAULT: required; a default_factory counts as a default

    @property
    def required(self) -> bool:
        return self.default is _NO_DEFAULT

    def schema(self) -> Dict[str, Any]:
        schema = self.shape.schema()
        if not self.required:
            try:
                schema = {**schema, "default": json.loads(json.dumps(self.default, allow_nan=False))}
            except (TypeError, ValueError):
                pass  # a default with no JSON form (an object, a factory) is simply not shown
        return schema


def object_schema(properties: Sequence[Property]) -> Dict[str, Any]:
    schema: Dict[str, Any] = {"type": "object", "properties": {p.name: p.schema() for p in properties}}
    required = [p.name for p in properties if p.required]
    if required:
        schema["required"] = required
    return schema


def coerce_properties(properties: Sequence[Property], value: Dict[str, Any],
                      where: Callable[[str], str]) -> Tuple[Dict[str, Any], List[str]]:
    """The members of ``value`` that ``properties`` name, converted, and one problem per bad member.

    Members the properties do not name are dropped (as pydantic ignores extra fields).
    """
    converted: Dict[str, Any] = {}
    problems: List[str] = []
    for prop in properties:
        if prop.name in value:
            try:
                converted[prop.name] = prop.shape.coerce(value[prop.name], where(prop.name))
            except InvalidValue as err:
                problems.append(str(err))
        elif prop.required:
            problems.append(f"{where(prop.name)} is required")
    return converted, problems


def _field_default(field: "dataclasses.Field[Any]") -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory  # not required; having no JSON form, it is not shown as "default"
    return _NO_DEFAULT


class DataclassShape(Shape):
    """A dataclass: a JSON object with its fields, turned into an instance."""

    expected = "object"

    def __init__(self, cls: type) -> None:
        hints = typing.get_type_hints(cls)
        self._cls = cls
        self._fields = [Property(f.name, shape_of(hints.get(f.name, Any)), _field_default(f))
                        for f in dataclasses.fields(cls) if f.init]

    def schema(self) -> Dict[str, Any]:
        return object_schema(self._fields)

    def coerce(self, value: Any, where: str) -> Any:
        if isinstance(value, self._cls):  # a Python caller (call_tool) may pass the instance itself
            return value
        if not isinstance(value, dict):
            raise self.mismatch(value, where)
        converted, problems = coerce_properties(self._fields, value, lambda name: f"{where}[{name!r}]")
        if problems:
            raise InvalidValue(problems[0])
        try:
            return self._cls(**converted)
        except (TypeError, ValueError) as err:  # the dataclass's own __post_init__ checks
            raise InvalidValue(f"{where}: {err}") from None


def _constraint(hint: Any) -> Optional[Shape]:
    """The shape of a container's items or values; None when they may be anything."""
    shape = shape_of(hint)
    return None if shape is ANY else shape


def shape_of(hint: Any) -> Shape:
    """The shape of a (resolved) type hint."""
    if hint is Any or hint is _NO_DEFAULT:
        return ANY
    if hint is None:
        hint = type(None)
    if hint in _SCALARS:
        return _SCALARS[hint]
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return LiteralShape(args)
    if origin is typing.Union or origin is types.UnionType:
        return UnionShape([shape_of(a) for a in args])
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return DataclassShape(hint)
    container = origin or hint
    if not isinstance(container, type) or issubclass(container, (str, bytes, bytearray)):
        return ANY
    if issubclass(container, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return ArrayShape(_constraint(args[0]), make=tuple)
        if args:
            return TupleShape([shape_of(a) for a in args])
        return ArrayShape(None, make=tuple)
    item = _constraint(args[0]) if len(args) == 1 else None
    if issubclass(container, collections.abc.Mapping):
        return ObjectShape(_constraint(args[1]) if len(args) == 2 else None)
    if issubclass(container, collections.abc.Set):
        return ArrayShape(item, make=frozenset if issubclass(container, frozenset) else set, unique=True)
    if issubclass(container, collections.abc.Sequence):
        return ArrayShape(item)
    return ANY


class CallSignature:
    """A function's parameters and return annotation, as MCP schemas and a checked call.

    ``self``/``cls`` in first place, ``*args`` and ``**kwargs`` are left out of
    the schema and never passed.
    """

    def __init__(self, fn: Callable[..., Any], name: str) -> None:
        self.parameters: List[Property] = []
        self._positional_only: List[Property] = []
        try:
            hints = typing.get_type_hints(fn)
            for index, param in enumerate(inspect.signature(fn).parameters.values()):
                if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                    continue
                if index == 0 and param.name in ("self", "cls"):
                    continue
                prop = Property(param.name, shape_of(hints.get(param.name, Any)), param.default)
                self.parameters.append(prop)
                if param.kind is param.POSITIONAL_ONLY:
                    self._positional_only.append(prop)
            self.returns = shape_of(hints["return"]) if "return" in hints else ANY
        except NameError as err:  # a hint naming something that does not exist (yet)
            raise TypeError(f"cannot resolve the type hints of {name}: {err}") from err

    def input_schema(self) -> Dict[str, Any]:
        return object_schema(self.parameters)

    @property
    def _wraps_result(self) -> bool:
        # structuredContent must be an object, so an array result goes under "result".
        return isinstance(self.returns, (ArrayShape, TupleShape))

    def output_schema(self) -> Optional[Dict[str, Any]]:
        """An object schema when the return annotation is an object or an array type, else None."""
        if isinstance(self.returns, (ObjectShape, DataclassShape)):
            return self.returns.schema()
        if self._wraps_result:
            return {"type": "object", "properties": {"result": self.returns.schema()}, "required": ["result"]}
        return None

    def bind(self, arguments: Dict[str, Any]) -> Tuple[List[Any], Dict[str, Any]]:
        """``(args, kwargs)`` for the call, or ``InvalidArguments`` naming every bad parameter."""
        converted, problems = coerce_properties(self.parameters, arguments, lambda name: name)
        if problems:
            raise InvalidArguments(problems)
        # Positional-only parameters cannot be passed by name; a missing one is
        # optional (required ones were checked), so its default holds its place.
        args = [converted.pop(p.name, p.default) for p in self._positional_only]
        return args, converted

    def structured_content(self, data: Any) -> Dict[str, Any]:
        """``data`` (the JSON form of a return value) as the structuredContent the
        output schema promises; ``InvalidValue`` when it does not match."""
        self.returns.coerce(data, "result")
        return {"result": data} if self._wraps_result else data
