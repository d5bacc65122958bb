"""FastMCP's schemas: type hints -> JSON Schema, argument checks, output schemas,
and the definitions of the chapter's and the currency exercise's tools.

Synchronous (also run inside Pyodide); the other test_mcp_* modules import
``completed`` and ``load_server`` from here.
"""

import dataclasses
import datetime
import importlib.util
import itertools
import os
import unittest
from typing import Any, Dict, FrozenSet, List, Literal, Mapping, Optional, Sequence, Set, Tuple, Union

from _support import ROOT

from mcp._internal.schema import CallSignature, InvalidArguments, InvalidValue, shape_of

INVOICE_SERVER = os.path.join(ROOT, "web", "src", "workspace", "chapter", "mcp_servers", "invoice.py")
_CURRENCY_LAB = os.path.join(ROOT, "labs", "07-currency-exercise")


def currency_lab_file(*parts):
    """A file of the currency exercise's solution: solution/ holds the files the lab changes, the rest are starter/'s."""
    solved = os.path.join(_CURRENCY_LAB, "solution", *parts)
    return solved if os.path.exists(solved) else os.path.join(_CURRENCY_LAB, "starter", *parts)


CURRENCY_SERVER = currency_lab_file("mcp_servers", "currency.py")

_loads = itertools.count()


def completed(coro):
    """The result of a coroutine that finishes without waiting for anything
    (no event loop needed, so this runs in Pyodide's unittest too)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise AssertionError("the coroutine waited for something")


def load_server(path):
    """Runs an MCP server file as a module named otherwise than __main__, so its mcp.run() is not called."""
    spec = importlib.util.spec_from_file_location(f"mcp_server_{next(_loads)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass
class Line:
    description: str
    amount: float
    tags: List[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Invoice:
    invoice_id: str
    lines: List[Line]
    customer: Optional[str] = None


class HintSchemaTest(unittest.TestCase):
    def schema(self, hint):
        return shape_of(hint).schema()

    def test_scalars(self):
        self.assertEqual(self.schema(str), {"type": "string"})
        self.assertEqual(self.schema(int), {"type": "integer"})
        self.assertEqual(self.schema(float), {"type": "number"})
        self.assertEqual(self.schema(bool), {"type": "boolean"})
        self.assertEqual(self.schema(None), {"type": "null"})

    def test_objects(self):
        for hint in (dict, Dict, Dict[str, Any], Mapping[str, Any]):
            self.assertEqual(self.schema(hint), {"type": "object"}, hint)
        self.assertEqual(self.schema(Dict[str, str]), {"type": "object", "additionalProperties": {"type": "string"}})
        self.assertEqual(self.schema(dict[str, List[int]]),
                         {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}}})

    def test_arrays(self):
        for hint in (list, List, List[Any], tuple):
            self.assertEqual(self.schema(hint), {"type": "array"}, hint)
        self.assertEqual(self.schema(List[str]), {"type": "array", "items": {"type": "string"}})
        self.assertEqual(self.schema(Sequence[int]), {"type": "array", "items": {"type": "integer"}})
        self.assertEqual(self.schema(Tuple[float, ...]), {"type": "array", "items": {"type": "number"}})
        self.assertEqual(self.schema(Tuple[str, int]), {
            "type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "minItems": 2, "maxItems": 2})
        self.assertEqual(self.schema(Set[str]), {"type": "array", "items": {"type": "string"}, "uniqueItems": True})

    def test_optional_and_unions(self):
        nullable_int = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
        self.assertEqual(self.schema(Optional[int]), nullable_int)
        self.assertEqual(self.schema(int | None), nullable_int)
        self.assertEqual(self.schema(Union[int, str]), {"anyOf": [{"type": "integer"}, {"type": "string"}]})

    def test_literal(self):
        self.assertEqual(self.schema(Literal["USD", "EUR"]), {"enum": ["USD", "EUR"], "type": "string"})
        self.assertEqual(self.schema(Literal[1, "one"]), {"enum": [1, "one"]})

    def test_any_and_unknown_types_are_unconstrained(self):
        self.assertEqual(self.schema(Any), {})
        self.assertEqual(self.schema(datetime.datetime), {})
        self.assertEqual(self.schema(bytes), {})

    def test_nested_dataclasses(self):
        self.assertEqual(self.schema(Invoice), {
            "type": "object",
            "properties": {
                "invoice_id": {"type": "string"},
                "lines": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "description": {"type": "string"},
                        "amount": {"type": "number"},
                        "tags": {"type": "array", "items": {"type": "string"}},  # a factory shows no default
                    },
                    "required": ["description", "amount"],
                }},
                "customer": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            },
            "required": ["invoice_id", "lines"],
        })


def sample(name: str, count: int = 3, ratio: float = 0.5, *rest, flag: bool = False, when: Any = object(),
           **extra) -> None:
    """Does a sample thing.

        The indented second paragraph loses its indentation.
    """


class Service:
    def method(self, query: str) -> List[str]:
        return [query]


class InputSchemaTest(unittest.TestCase):
    def test_parameters_defaults_and_required(self):
        self.assertEqual(CallSignature(sample, "sample").input_schema(), {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "count": {"type": "integer", "default": 3},
                "ratio": {"type": "number", "default": 0.5},
                "flag": {"type": "boolean", "default": False},
                "when": {},  # a default with no JSON form is not shown
            },
            "required": ["name"],
        })

    def test_no_required_key_when_everything_has_a_default(self):
        def f(a: int = 1, b=None):
            pass
        self.assertEqual(CallSignature(f, "f").input_schema(),
                         {"type": "object", "properties": {"a": {"type": "integer", "default": 1}, "b": {"default": None}}})

    def test_self_is_skipped_and_bound_methods_work(self):
        self.assertEqual(list(CallSignature(Service.method, "m").input_schema()["properties"]), ["query"])
        self.assertEqual(list(CallSignature(Service().method, "m").input_schema()["properties"]), ["query"])

    def test_unresolvable_hint_is_a_clear_error(self):
        def f(x: "NoSuchType") -> None:  # noqa: F821
            pass
        with self.assertRaisesRegex(TypeError, "cannot resolve the type hints of f.*NoSuchType"):
            CallSignature(f, "f")

    def test_output_schema_only_for_object_and_array_returns(self):
        def returns(hint):
            def f():
                pass
            f.__annotations__ = {} if hint is ... else {"return": hint}
            return CallSignature(f, "f").output_schema()

        self.assertEqual(returns(Dict[str, str]), {"type": "object", "additionalProperties": {"type": "string"}})
        self.assertEqual(returns(dict), {"type": "object"})
        self.assertEqual(returns(Line)["required"], ["description", "amount"])
        self.assertEqual(returns(List[int]), {"type": "object", "properties": {
            "result": {"type": "array", "items": {"type": "integer"}}}, "required": ["result"]})
        for hint in (str, int, None, Optional[dict], Any, ...):
            self.assertIsNone(returns(hint), hint)


def bind(fn, arguments):
    return CallSignature(fn, fn.__name__).bind(arguments)


def problems(fn, arguments):
    with unittest.TestCase().assertRaises(InvalidArguments) as caught:
        bind(fn, arguments)
    return caught.exception.problems


class ArgumentCheckTest(unittest.TestCase):
    def test_missing_and_wrong_types_name_every_parameter(self):
        def approve(workflow_id: str, run_id: str, note: str = "") -> str:
            return ""
        self.assertEqual(problems(approve, {"workflow_id": 7}),
                         ["workflow_id: expected string, got integer", "run_id is required"])
        self.assertEqual(problems(approve, {"workflow_id": "w", "run_id": None}), ["run_id: expected string, got null"])
        self.assertEqual(bind(approve, {"workflow_id": "w", "run_id": "r", "ignored": 1}),
                         ([], {"workflow_id": "w", "run_id": "r"}))

    def test_numbers(self):
        def f(count: int, ratio: float):
            pass
        self.assertEqual(bind(f, {"count": 3.0, "ratio": 2}), ([], {"count": 3, "ratio": 2.0}))
        self.assertIsInstance(bind(f, {"count": 3.0, "ratio": 2})[1]["count"], int)
        self.assertIsInstance(bind(f, {"count": 3, "ratio": 2})[1]["ratio"], float)
        self.assertEqual(problems(f, {"count": 3.5, "ratio": True}),
                         ["count: expected integer, got number", "ratio: expected number, got boolean"])
        self.assertEqual(problems(f, {"count": False, "ratio": "1"}),
                         ["count: expected integer, got boolean", "ratio: expected number, got string"])

    def test_dicts_lists_and_tuples(self):
        def f(labels: Dict[str, str], ids: List[int], pair: Tuple[str, int], unique: Set[str], anything: dict):
            pass
        args = {"labels": {"a": "b"}, "ids": [1, 2.0], "pair": ["x", 1], "unique": ["a", "a"], "anything": {"k": [1]}}
        self.assertEqual(bind(f, args)[1], {"labels": {"a": "b"}, "ids": [1, 2], "pair": ("x", 1), "unique": {"a"},
                                           "anything": {"k": [1]}})
        self.assertEqual(problems(f, {**args, "labels": {"a": 1}, "ids": [1, "2"], "pair": ["x"], "anything": []}), [
            "labels['a']: expected string, got integer",
            "ids[1]: expected integer, got string",
            "pair: expected an array of 2 items, got 1",
            "anything: expected object, got array",
        ])

    def test_frozenset(self):
        def f(tags: FrozenSet[str]):
            pass
        self.assertEqual(bind(f, {"tags": ["a"]})[1], {"tags": frozenset({"a"})})

    def test_optional_union_and_literal(self):
        def f(limit: Optional[int], key: Union[int, str], currency: Literal["USD", "EUR"]):
            pass
        self.assertEqual(bind(f, {"limit": None, "key": "k", "currency": "EUR"})[1],
                         {"limit": None, "key": "k", "currency": "EUR"})
        self.assertEqual(problems(f, {"limit": "ten", "key": [], "currency": "GBP"}), [
            "limit: expected integer, got string",  # Optional[X] reports X's problem
            "key: expected integer or string, got array",
            'currency: expected one of ["USD", "EUR"], got "GBP"',
        ])

    def test_literal_compares_types(self):
        def f(flag: Literal[1]):
            pass
        self.assertEqual(problems(f, {"flag": True}), ["flag: expected one of [1], got true"])

    def test_dataclasses_are_built_from_dicts(self):
        def f(invoice: Invoice):
            pass
        _, kwargs = bind(f, {"invoice": {"invoice_id": "INV-1", "lines": [{"description": "A", "amount": 100}],
                                         "extra": "dropped"}})
        self.assertEqual(kwargs["invoice"], Invoice("INV-1", [Line("A", 100.0)]))
        self.assertEqual(problems(f, {"invoice": {"invoice_id": "INV-1", "lines": [{"description": "A", "amount": "x"}]}}),
                         ["invoice['lines'][0]['amount']: expected number, got string"])
        self.assertEqual(problems(f, {"invoice": {"lines": []}}), ["invoice['invoice_id'] is required"])
        self.assertEqual(problems(f, {"invoice": "INV-1"}), ["invoice: expected object, got string"])

    def test_dataclass_post_init_errors_are_argument_errors(self):
        @dataclasses.dataclass
        class Positive:
            value: int

            def __post_init__(self):
                if self.value <= 0:
                    raise ValueError("value must be positive")

        def f(p: Positive):
            pass
        self.assertEqual(problems(f, {"p": {"value": 0}}), ["p: value must be positive"])

    def test_positional_only_parameters(self):
        def f(a: int = 1, b: int = 2, /, c: int = 3):
            pass
        self.assertEqual(bind(f, {"b": 5, "c": 6}), ([1, 5], {"c": 6}))

    def test_unannotated_parameters_accept_anything(self):
        def f(x, y: Any):
            pass
        self.assertEqual(bind(f, {"x": [1], "y": None}), ([], {"x": [1], "y": None}))

    def test_structured_content_checks_the_return_value(self):
        def f() -> Dict[str, str]:
            pass
        signature = CallSignature(f, "f")
        self.assertEqual(signature.structured_content({"a": "b"}), {"a": "b"})
        with self.assertRaisesRegex(InvalidValue, r"result\['a'\]: expected string, got integer"):
            signature.structured_content({"a": 1})

        def g() -> List[int]:
            pass
        self.assertEqual(CallSignature(g, "g").structured_content([1]), {"result": [1]})


WORKFLOW_RUN_PARAMS = {
    "type": "object",
    "properties": {"workflow_id": {"type": "string"}, "run_id": {"type": "string"}},
    "required": ["workflow_id", "run_id"],
}
STARTED = {"type": "object", "additionalProperties": {"type": "string"}}


class ChapterToolSchemaTest(unittest.TestCase):
    def test_invoice_tools(self):
        server = load_server(INVOICE_SERVER)
        self.assertEqual(server.mcp.name, "invoice")
        self.assertEqual(completed(server.mcp.list_tools()), [
            {"name": "process_invoice", "description": "Start the InvoiceWorkflow with the given invoice JSON.",
             "inputSchema": {"type": "object", "properties": {"invoice": {"type": "object"}}, "required": ["invoice"]},
             "outputSchema": STARTED},
            {"name": "approve_invoice", "description": "Signal approval for the invoice workflow.",
             "inputSchema": WORKFLOW_RUN_PARAMS},
            {"name": "reject_invoice", "description": "Signal rejection for the invoice workflow.",
             "inputSchema": WORKFLOW_RUN_PARAMS},
            {"name": "invoice_status", "description": "Return current status of the workflow.",
             "inputSchema": WORKFLOW_RUN_PARAMS},
        ])

    def test_currency_tools(self):
        server = load_server(CURRENCY_SERVER)
        tools = completed(server.mcp.list_tools())
        self.assertEqual([t["name"] for t in tools], ["convert_currency", "confirm_database_add", "get_conversion_amount"])
        convert, confirm, amount = tools
        self.assertEqual(convert["inputSchema"],
                         {"type": "object", "properties": {"request": {"type": "object"}}, "required": ["request"]})
        self.assertEqual(convert["outputSchema"], STARTED)
        self.assertIn('{"amount": 250, "currency": "EUR"}', convert["description"])
        for tool in (confirm, amount):
            self.assertEqual(tool["inputSchema"], WORKFLOW_RUN_PARAMS)
            self.assertNotIn("outputSchema", tool)
            self.assertTrue(tool["description"])


if __name__ == "__main__":
    unittest.main()
