"""FastMCP's registration API and tool results: decorators, return values ->
CallToolResult, isError, resources and prompts.

Synchronous (also run inside Pyodide): every coroutine here finishes without
waiting, so ``completed`` drives it; the async paths are in test_mcp_session.
"""

import dataclasses
import datetime
import logging
import unittest
from typing import Dict, List, Optional

import _support  # noqa: F401 - puts web/python on sys.path
from test_mcp_schema import completed

import fastmcp
import mcp.server
from mcp._internal.jsonrpc import INTERNAL_ERROR, INVALID_PARAMS, RESOURCE_NOT_FOUND, JsonRpcError
from mcp.server.fastmcp import FastMCP

logging.getLogger("mcp").setLevel(logging.CRITICAL)  # tools that fail on purpose log a warning


@dataclasses.dataclass
class Total:
    currency: str
    amount: float


def call(server, name, arguments=None):
    return completed(server.call_tool(name, arguments or {}))


def text_of(result):
    (item,) = result["content"]
    assert item["type"] == "text", item
    return item["text"]


class RegistrationTest(unittest.TestCase):
    def test_one_class_under_every_import_name(self):
        self.assertIs(fastmcp.FastMCP, FastMCP)
        self.assertIs(mcp.server.FastMCP, FastMCP)

    def test_names_and_settings(self):
        self.assertEqual(FastMCP().name, "FastMCP")
        server = FastMCP("invoice", instructions="Process invoices.", version="2.1", host="0.0.0.0", port=8000)
        self.assertEqual((server.name, server.instructions, server.version), ("invoice", "Process invoices.", "2.1"))
        self.assertEqual(FastMCP("x").version, "1.0.0")

    def test_every_decorator_form_registers_and_returns_the_function(self):
        server = FastMCP("t")

        @server.tool
        def bare() -> str:
            return "bare"

        @server.tool()
        def called() -> str:
            return "called"

        @server.tool("renamed")
        def positional() -> str:
            return "positional"

        @server.tool(name="keyword", title="Keyword tool", description="Given.",
                     annotations={"readOnlyHint": True})
        def keyword() -> str:
            """Not used: description= wins."""
            return "keyword"

        self.assertEqual((bare(), called(), positional(), keyword()), ("bare", "called", "positional", "keyword"))
        tools = completed(server.list_tools())
        self.assertEqual([t["name"] for t in tools], ["bare", "called", "renamed", "keyword"])
        self.assertEqual(tools[3], {"name": "keyword", "title": "Keyword tool", "description": "Given.",
                                    "inputSchema": {"type": "object", "properties": {}},
                                    "annotations": {"readOnlyHint": True}})
        self.assertNotIn("description", tools[0])  # no docstring, no description
        self.assertEqual(text_of(call(server, "renamed")), "positional")

    def test_add_tool(self):
        server = FastMCP("t")
        self.assertIsNone(server.add_tool(lambda a, b: a + b, name="add", description="Adds."))
        self.assertEqual(text_of(call(server, "add", {"a": 1, "b": 2})), "3")
        with self.assertRaisesRegex(ValueError, "give this tool a name"):
            server.add_tool(lambda: None)
        with self.assertRaisesRegex(TypeError, "must be a function"):
            server.add_tool("not a function")

    def test_a_name_given_twice_is_an_error(self):
        with self.assertRaisesRegex(TypeError, "give the name once"):
            FastMCP("t").tool("a", name="b")
        with self.assertRaisesRegex(TypeError, "name must be a string"):
            FastMCP("t").tool(3)

    def test_the_last_registration_of_a_name_wins_with_a_warning(self):
        server = FastMCP("t")

        @server.tool()
        def status() -> str:
            return "old"

        with self.assertLogs("mcp.server.fastmcp.server", "WARNING") as logs:
            @server.tool(name="status")
            def new_status() -> str:
                return "new"
        self.assertIn("Tool status is registered again", logs.output[0])
        self.assertEqual(len(completed(server.list_tools())), 1)
        self.assertEqual(text_of(call(server, "status")), "new")

    def test_docstrings_are_dedented(self):
        server = FastMCP("t")

        @server.tool()
        def documented() -> None:
            """First line.

            Second paragraph.
            """
        self.assertEqual(completed(server.list_tools())[0]["description"], "First line.\n\nSecond paragraph.")

    def test_capabilities_only_for_what_exists(self):
        server = FastMCP("t")
        self.assertEqual(server.capabilities(), {"tools": {"listChanged": False}})
        server.resource("data://x", name="x")(lambda: "x")
        server.prompt(name="p")(lambda: "p")
        self.assertEqual(server.capabilities(), {"tools": {"listChanged": False},
                                                 "resources": {"subscribe": False, "listChanged": False},
                                                 "prompts": {"listChanged": False}})


class ToolResultTest(unittest.TestCase):
    def setUp(self):
        self.server = FastMCP("results")

    def returning(self, value, annotation=None):
        def tool():
            return value
        if annotation is not None:
            tool.__annotations__ = {"return": annotation}
        self.server.add_tool(tool, name="tool")
        return call(self.server, "tool")

    def test_none_is_no_content(self):
        self.assertEqual(self.returning(None), {"content": []})

    def test_str_is_one_text_item(self):
        self.assertEqual(self.returning("APPROVED"), {"content": [{"type": "text", "text": "APPROVED"}]})

    def test_dict_is_json_text_and_structured_content(self):
        self.assertEqual(self.returning({"workflow_id": "w", "run_id": "r"}), {
            "content": [{"type": "text", "text": '{\n  "workflow_id": "w",\n  "run_id": "r"\n}'}],
            "structuredContent": {"workflow_id": "w", "run_id": "r"},
        })

    def test_dataclass_is_a_dict(self):
        result = self.returning(Total("USD", 270.0))
        self.assertEqual(result["structuredContent"], {"currency": "USD", "amount": 270.0})

    def test_list_and_tuple_are_wrapped(self):
        for value in ([1, "a"], (1, "a")):
            result = self.returning(value)
            self.assertEqual(result["structuredContent"], {"result": [1, "a"]})
            self.assertEqual(text_of(result), '[\n  1,\n  "a"\n]')

    def test_numbers_and_bools_are_json_text(self):
        self.assertEqual(text_of(self.returning(3)), "3")
        self.assertEqual(text_of(self.returning(2.5)), "2.5")
        self.assertEqual(text_of(self.returning(True)), "true")

    def test_other_objects_are_str(self):
        when = datetime.date(2026, 1, 2)
        self.assertEqual(text_of(self.returning(when)), "2026-01-02")
        self.assertEqual(self.returning({"when": when})["structuredContent"], {"when": "2026-01-02"})

    def test_nan_is_not_json(self):
        result = self.returning(float("nan"))
        self.assertTrue(result["isError"])
        self.assertIn("Out of range float values are not JSON compliant", text_of(result))

    def test_annotated_results_carry_matching_structured_content(self):
        self.assertEqual(self.returning({"a": "b"}, Dict[str, str])["structuredContent"], {"a": "b"})
        self.assertEqual(self.returning([1, 2], List[int])["structuredContent"], {"result": [1, 2]})
        self.assertEqual(self.returning(Total("USD", 1), Total)["structuredContent"], {"currency": "USD", "amount": 1})

    def test_a_result_breaking_its_annotation_is_a_tool_error(self):
        for value, annotation, message in [
            ({"a": 1}, Dict[str, str], "result['a']: expected string, got integer"),
            ("text", Dict[str, str], "result: expected object, got string"),
            (None, List[int], "result: expected array, got null"),
        ]:
            result = self.returning(value, annotation)
            self.assertEqual(result, {"isError": True, "content": [{"type": "text", "text":
                             f"Error executing tool tool: the return value does not match the return annotation: {message}"}]})

    def test_exceptions_are_tool_errors_and_the_server_goes_on(self):
        @self.server.tool()
        def explode(reason: str) -> str:
            raise RuntimeError(f"exploded: {reason}")

        @self.server.tool()
        def fine() -> str:
            return "fine"

        self.assertEqual(call(self.server, "explode", {"reason": "on purpose"}), {
            "content": [{"type": "text", "text": "Error executing tool explode: exploded: on purpose"}],
            "isError": True})
        self.assertEqual(text_of(call(self.server, "fine")), "fine")

    def test_bad_arguments_are_tool_errors_naming_the_parameter(self):
        @self.server.tool()
        def approve_invoice(workflow_id: str, run_id: str) -> str:
            return "APPROVED"

        result = call(self.server, "approve_invoice", {"workflow_id": 42})
        self.assertTrue(result["isError"])
        self.assertEqual(text_of(result), "Invalid arguments for tool approve_invoice: "
                                          "workflow_id: expected string, got integer; run_id is required")

    def test_sync_and_async_tools_receive_converted_arguments(self):
        received = []

        @self.server.tool()
        def total(line: Total, factor: float = 1.0) -> float:
            received.append((line, factor))
            return line.amount * factor

        @self.server.tool()
        async def total_async(line: Total, factor: Optional[float] = None) -> float:
            received.append((line, factor))
            return line.amount

        self.assertEqual(text_of(call(self.server, "total", {"line": {"currency": "EUR", "amount": 2}, "factor": 3})),
                         "6.0")
        self.assertEqual(text_of(call(self.server, "total_async", {"line": {"currency": "EUR", "amount": 2}})), "2.0")
        self.assertEqual(received, [(Total("EUR", 2.0), 3.0), (Total("EUR", 2.0), None)])

    def test_unknown_tool_is_a_protocol_error(self):
        with self.assertRaises(JsonRpcError) as caught:
            call(self.server, "nope")
        self.assertEqual((caught.exception.code, caught.exception.message), (INVALID_PARAMS, "Unknown tool: nope"))


class ResourceTest(unittest.TestCase):
    def setUp(self):
        self.server = FastMCP("r")

        @self.server.resource("config://rates", name="rates", description="Exchange rates.", mime_type="application/json")
        def rates():
            return {"EUR": 1.08}

        @self.server.resource("text://hello")
        async def hello():
            """Greets."""
            return "hello"

        @self.server.resource("bin://bytes")
        def raw():
            return b"\x00\x01"

        @self.server.resource("text://broken")
        def broken():
            raise OSError("disk gone")

    def test_list(self):
        self.assertEqual(completed(self.server.list_resources())[:2], [
            {"uri": "config://rates", "name": "rates", "description": "Exchange rates.", "mimeType": "application/json"},
            {"uri": "text://hello", "name": "hello", "description": "Greets."},
        ])

    def test_read(self):
        self.assertEqual(completed(self.server.read_resource("config://rates")),
                         [{"uri": "config://rates", "mimeType": "application/json", "text": '{\n  "EUR": 1.08\n}'}])
        self.assertEqual(completed(self.server.read_resource("text://hello")),
                         [{"uri": "text://hello", "mimeType": "text/plain", "text": "hello"}])
        self.assertEqual(completed(self.server.read_resource("bin://bytes")),
                         [{"uri": "bin://bytes", "mimeType": "application/octet-stream", "blob": "AAE="}])

    def test_errors(self):
        with self.assertRaises(JsonRpcError) as caught:
            completed(self.server.read_resource("text://missing"))
        self.assertEqual((caught.exception.code, caught.exception.data), (RESOURCE_NOT_FOUND, {"uri": "text://missing"}))
        with self.assertRaises(JsonRpcError) as caught:
            completed(self.server.read_resource("text://broken"))
        self.assertEqual((caught.exception.code, caught.exception.message),
                         (INTERNAL_ERROR, "Error reading resource text://broken: disk gone"))

    def test_templates_are_rejected(self):
        with self.assertRaisesRegex(ValueError, "resource templates are not supported"):
            self.server.resource("users://{user_id}")(lambda user_id: user_id)


class PromptTest(unittest.TestCase):
    def setUp(self):
        self.server = FastMCP("p")

        @self.server.prompt
        def review(invoice_id: str, tone: str = "brief") -> str:
            """Ask for an invoice review."""
            return f"Review {invoice_id}, {tone}."

        @self.server.prompt(name="dialogue", title="A dialogue")
        def conversation() -> list:
            return ["Hello", {"role": "assistant", "content": "Hi"},
                    {"role": "user", "content": {"type": "text", "text": "Bye"}}]

    def test_list(self):
        self.assertEqual(completed(self.server.list_prompts()), [
            {"name": "review", "description": "Ask for an invoice review.", "arguments": [
                {"name": "invoice_id", "required": True}, {"name": "tone", "required": False}]},
            {"name": "dialogue", "title": "A dialogue", "arguments": []},
        ])

    def test_get(self):
        self.assertEqual(completed(self.server.get_prompt("review", {"invoice_id": "INV-1", "other": "x"})), {
            "description": "Ask for an invoice review.",
            "messages": [{"role": "user", "content": {"type": "text", "text": "Review INV-1, brief."}}]})
        self.assertEqual(completed(self.server.get_prompt("dialogue"))["messages"], [
            {"role": "user", "content": {"type": "text", "text": "Hello"}},
            {"role": "assistant", "content": {"type": "text", "text": "Hi"}},
            {"role": "user", "content": {"type": "text", "text": "Bye"}}])

    def test_errors(self):
        for name, arguments, message in [("nope", {}, "Unknown prompt: nope"),
                                         ("review", {}, "Missing required arguments for prompt review: invoice_id")]:
            with self.assertRaises(JsonRpcError) as caught:
                completed(self.server.get_prompt(name, arguments))
            self.assertEqual((caught.exception.code, caught.exception.message), (INVALID_PARAMS, message))


if __name__ == "__main__":
    unittest.main()
