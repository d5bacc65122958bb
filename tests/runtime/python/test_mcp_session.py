"""The MCP session over the host transport (a Python fake of the page's), as
the MCP server process runs it: lifecycle, version negotiation, every JSON-RPC
error, concurrency and cancellation. Also run() and a CPython stdio round trip.

asyncio-based, so CPython only.
"""

import asyncio
import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

from _support import PYTHON_DIR
from test_mcp_schema import INVOICE_SERVER

from mcp._internal import host
from mcp._internal.session import LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, serve
from mcp.server.fastmcp import FastMCP

TIMEOUT = 5

logging.getLogger("mcp").setLevel(logging.CRITICAL)  # errors provoked on purpose are logged


class PageTransport:
    """What the page's MCP client looks like from Python: strings in, strings out."""

    def __init__(self):
        self.incoming = asyncio.Queue()
        self.sent = asyncio.Queue()
        self.receive_calls = 0

    def send(self, message):
        assert isinstance(message, str)
        self.sent.put_nowait(json.loads(message))

    async def receive(self):
        self.receive_calls += 1
        return await self.incoming.get()


def make_server():
    server = FastMCP("test-server", instructions="Use the tools.")
    server.release = asyncio.Event()
    server.cancelled = []

    @server.tool()
    async def slow(label: str) -> str:
        """Waits until the test releases it."""
        try:
            await server.release.wait()
        except asyncio.CancelledError:
            server.cancelled.append(label)
            raise
        return f"done {label}"

    @server.tool()
    async def stubborn() -> str:
        """Returns even when cancelled."""
        try:
            await server.release.wait()
        except asyncio.CancelledError:
            return "ignored the cancellation"
        return "released"

    @server.tool()
    def echo(text: str) -> str:
        return text

    return server


class SessionTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.server = make_server()
        self.page = PageTransport()
        host.install(self.page)
        self.serving = asyncio.create_task(self.server.run_stdio_async())

    async def asyncTearDown(self):
        host.uninstall()
        if not self.serving.done():
            self.server.release.set()
            self.page.incoming.put_nowait(None)
            await asyncio.wait_for(self.serving, TIMEOUT)

    def post(self, message):
        self.page.incoming.put_nowait(message if isinstance(message, str) else json.dumps(message))

    async def next_message(self):
        return await asyncio.wait_for(self.page.sent.get(), TIMEOUT)

    async def request(self, request_id, method, params=None):
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.post(message)
        return await self.next_message()

    async def initialize(self, version=LATEST_PROTOCOL_VERSION):
        reply = await self.request(0, "initialize", {"protocolVersion": version, "capabilities": {},
                                                     "clientInfo": {"name": "test", "version": "1"}})
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return reply

    async def assert_nothing_sent(self):
        """Nothing was answered: the next message out answers a ping sent now."""
        reply = await self.request("probe", "ping")
        self.assertEqual(reply, {"jsonrpc": "2.0", "id": "probe", "result": {}})

    def assert_error(self, reply, request_id, code, message=None):
        self.assertEqual(reply["jsonrpc"], "2.0")
        self.assertEqual(reply["id"], request_id)
        self.assertNotIn("result", reply)
        self.assertEqual(reply["error"]["code"], code, reply)
        if message is not None:
            self.assertEqual(reply["error"]["message"], message)

    # ------------------------------------------------------------ lifecycle

    async def test_handshake(self):
        self.assertEqual(await self.initialize(), {"jsonrpc": "2.0", "id": 0, "result": {
            "protocolVersion": "2025-11-25",
            "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": {"name": "test-server", "version": "1.0.0"},
            "instructions": "Use the tools.",
        }})
        reply = await self.request(1, "tools/list", {"cursor": "ignored"})
        self.assertEqual([t["name"] for t in reply["result"]["tools"]], ["slow", "stubborn", "echo"])
        self.assertNotIn("nextCursor", reply["result"])

    async def test_serving_is_reported_only_when_ready(self):
        await self.initialize()
        self.assertGreaterEqual(self.page.receive_calls, 1)

    async def test_no_instructions_no_key(self):
        self.server.instructions = None
        self.assertNotIn("instructions", (await self.initialize())["result"])

    async def negotiated(self, version):
        """The version a new session answers an initialize for ``version`` with."""
        page = PageTransport()
        serving = asyncio.create_task(serve(FastMCP("v"), page))
        page.incoming.put_nowait(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                             "params": {"protocolVersion": version}}))
        reply = await asyncio.wait_for(page.sent.get(), TIMEOUT)
        page.incoming.put_nowait(None)
        await asyncio.wait_for(serving, TIMEOUT)
        return reply["result"]["protocolVersion"]

    async def test_every_supported_version_is_echoed(self):
        self.assertEqual(SUPPORTED_PROTOCOL_VERSIONS, ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
        for version in SUPPORTED_PROTOCOL_VERSIONS:
            self.assertEqual(await self.negotiated(version), version)

    async def test_an_unknown_revision_gets_the_latest(self):
        for version in ("2024-10-07", "2099-01-01"):
            self.assertEqual(await self.negotiated(version), "2025-11-25")

    async def test_a_version_that_is_no_revision_is_refused(self):
        for request_id, params in enumerate([{"protocolVersion": "1.0.0"}, {"protocolVersion": 20250618}, {}]):
            reply = await self.request(request_id, "initialize", params)
            self.assert_error(reply, request_id, -32602, "Unsupported protocol version")
            self.assertEqual(reply["error"]["data"], {"supported": SUPPORTED_PROTOCOL_VERSIONS,
                                                      "requested": params.get("protocolVersion")})
        # Refused is not initialized: the client may try again.
        self.assertEqual((await self.initialize())["result"]["protocolVersion"], LATEST_PROTOCOL_VERSION)

    async def test_requests_before_initialize(self):
        self.assert_error(await self.request(1, "tools/list"), 1, -32600)
        self.assertIn("initialize first", (await self.request(2, "tools/call", {"name": "echo"}))["error"]["message"])
        self.assertEqual(await self.request(3, "ping"), {"jsonrpc": "2.0", "id": 3, "result": {}})

    async def test_initialize_twice(self):
        await self.initialize()
        self.assert_error(await self.request(1, "initialize", {"protocolVersion": LATEST_PROTOCOL_VERSION}), 1, -32600,
                          "The session is already initialized")

    # --------------------------------------------------------- JSON-RPC errors

    async def test_parse_error(self):
        self.post('{"jsonrpc": "2.0", "id": 1, "method": ')
        self.assert_error(await self.next_message(), None, -32700)
        self.post('{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": NaN}}')
        self.assert_error(await self.next_message(), None, -32700)

    async def test_invalid_requests(self):
        await self.initialize()
        cases = [
            ([{"jsonrpc": "2.0", "id": 1, "method": "ping"}], None),         # a batch
            (json.dumps("a JSON string"), None),
            ({"id": 2, "method": "ping"}, 2),                                # no jsonrpc
            ({"jsonrpc": "1.0", "id": "three", "method": "ping"}, "three"),  # wrong jsonrpc
            ({"jsonrpc": "2.0", "id": 4, "method": 4}, 4),                   # method not a string
            ({"jsonrpc": "2.0", "id": None, "method": "ping"}, None),        # null id
            ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, None),         # float id
            ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None),        # bool id
            ({"jsonrpc": "2.0", "id": 5}, 5),                                # neither method nor result
        ]
        for message, echoed_id in cases:
            self.post(message)
            self.assert_error(await self.next_message(), echoed_id, -32600)

    async def test_params_must_be_an_object(self):
        await self.initialize()
        self.assert_error(await self.request(1, "tools/list", [1, 2]), 1, -32602)
        self.assert_error(await self.request(2, "ping", "x"), 2, -32602)

    async def test_method_not_found_names_it(self):
        await self.initialize()
        self.assert_error(await self.request(1, "tools/fly"), 1, -32601, "Method not found: tools/fly")

    async def test_bad_tools_call_params(self):
        await self.initialize()
        self.assert_error(await self.request(1, "tools/call", {"name": "nope"}), 1, -32602, "Unknown tool: nope")
        self.assert_error(await self.request(2, "tools/call", {}), 2, -32602)
        self.assert_error(await self.request(3, "tools/call", {"name": "echo", "arguments": [1]}), 3, -32602)

    async def test_tool_errors_are_results(self):
        await self.initialize()
        reply = await self.request(1, "tools/call", {"name": "echo", "arguments": {"text": 5}})
        self.assertEqual(reply["result"], {"isError": True, "content": [{"type": "text", "text":
                         "Invalid arguments for tool echo: text: expected string, got integer"}]})

    async def test_internal_error(self):
        async def broken():
            raise KeyError("lost")
        self.server.list_tools = broken
        await self.initialize()
        self.assert_error(await self.request(1, "tools/list"), 1, -32603, "Internal error in tools/list: KeyError: 'lost'")
        self.assertEqual((await self.request(2, "tools/call", {"name": "echo", "arguments": {"text": "up"}}))["result"],
                         {"content": [{"type": "text", "text": "up"}]})

    async def test_client_replies_and_notifications_are_not_answered(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": 7, "result": {}})
        self.post({"jsonrpc": "2.0", "id": 8, "error": {"code": -1, "message": "no"}})
        self.post({"jsonrpc": "2.0", "method": "notifications/roots/list_changed"})
        self.post({"jsonrpc": "2.0", "method": "tools/list"})  # a notification, even if the method is a request's
        self.post({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": [1]}})
        await self.assert_nothing_sent()

    async def test_resources_and_prompts_over_the_wire(self):
        self.server.resource("text://hello", name="hello")(lambda: "hi")
        self.server.prompt(name="greet")(lambda who: f"Greet {who}")
        capabilities = (await self.initialize())["result"]["capabilities"]
        self.assertEqual(set(capabilities), {"tools", "resources", "prompts"})
        self.assertEqual((await self.request(1, "resources/list"))["result"],
                         {"resources": [{"uri": "text://hello", "name": "hello"}]})
        self.assertEqual((await self.request(2, "resources/templates/list"))["result"], {"resourceTemplates": []})
        self.assertEqual((await self.request(3, "resources/read", {"uri": "text://hello"}))["result"],
                         {"contents": [{"uri": "text://hello", "mimeType": "text/plain", "text": "hi"}]})
        self.assert_error(await self.request(4, "resources/read", {"uri": "text://nope"}), 4, -32002)
        self.assertEqual((await self.request(5, "prompts/get", {"name": "greet", "arguments": {"who": "Ana"}}))["result"],
                         {"messages": [{"role": "user", "content": {"type": "text", "text": "Greet Ana"}}]})
        self.assertEqual((await self.request(6, "prompts/list"))["result"]["prompts"][0]["name"], "greet")

    # ------------------------------------------------ concurrency, cancelling

    async def test_ping_and_other_calls_answer_during_a_slow_call(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": "slow", "method": "tools/call",
                   "params": {"name": "slow", "arguments": {"label": "a"}}})
        self.assertEqual(await self.request(2, "ping"), {"jsonrpc": "2.0", "id": 2, "result": {}})
        reply = await self.request(3, "tools/call", {"name": "echo", "arguments": {"text": "meanwhile"}})
        self.assertEqual(reply["result"]["content"][0]["text"], "meanwhile")
        self.server.release.set()
        reply = await self.next_message()
        self.assertEqual((reply["id"], reply["result"]["content"][0]["text"]), ("slow", "done a"))

    async def test_a_request_id_in_use_is_refused(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "slow", "arguments": {"label": "a"}}})
        self.assert_error(await self.request(1, "tools/list"), 1, -32600)

    async def test_cancelled_requests_stop_and_are_not_answered(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "slow", "arguments": {"label": "a"}}})
        await self.assert_nothing_sent()  # the call is running
        self.post({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5, "reason": "user"}})
        await self.assert_nothing_sent()
        self.assertEqual(self.server.cancelled, ["a"])
        self.server.release.set()
        await self.assert_nothing_sent()
        # The id is free again.
        self.assertEqual((await self.request(5, "tools/list"))["id"], 5)

    async def test_a_cancelled_request_that_returns_anyway_is_not_answered(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "stubborn"}})
        await self.assert_nothing_sent()
        self.post({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 6}})
        await self.assert_nothing_sent()
        await self.assert_nothing_sent()

    async def test_closing_finishes_the_requests_in_progress_then_returns(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "slow", "arguments": {"label": "a"}}})
        self.page.incoming.put_nowait(None)
        await asyncio.sleep(0.01)
        self.assertFalse(self.serving.done())
        self.server.release.set()
        self.assertEqual((await self.next_message())["result"]["content"][0]["text"], "done a")
        await asyncio.wait_for(self.serving, TIMEOUT)
        self.assertIsNone(self.serving.result())

    async def test_stopping_the_process_cancels_the_requests_in_progress(self):
        await self.initialize()
        self.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "slow", "arguments": {"label": "a"}}})
        await self.assert_nothing_sent()
        self.serving.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await self.serving
        self.assertEqual(self.server.cancelled, ["a"])
        self.assertTrue(self.page.sent.empty())


class RunTest(unittest.TestCase):
    def tearDown(self):
        host.uninstall()

    def test_run_serves_the_installed_transport_and_returns_when_it_closes(self):
        sent = []

        class Closing:
            def __init__(self):
                self.messages = ['{"jsonrpc": "2.0", "id": 1, "method": "ping"}', None]

            def send(self, message):
                sent.append(json.loads(message))

            async def receive(self):
                await asyncio.sleep(0)
                return self.messages.pop(0)

        host.install(Closing())
        self.assertIsNone(FastMCP("t").run(transport="stdio"))
        self.assertEqual(sent, [{"jsonrpc": "2.0", "id": 1, "result": {}}])


SMALL_SERVER = textwrap.dedent('''
    import asyncio
    from typing import List
    from mcp.server.fastmcp import FastMCP

    mcp = FastMCP("small")

    @mcp.tool()
    def add(a: int, b: int) -> int:
        """Adds two integers."""
        return a + b

    @mcp.tool()
    async def countdown(start: int) -> List[int]:
        await asyncio.sleep(0.01)
        return list(range(start, 0, -1))

    if __name__ == "__main__":
        mcp.run()
''')


class StdioClient:
    """A stdio MCP client: one JSON line per message each way."""

    def __init__(self, path):
        env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
        self.process = subprocess.Popen([sys.executable, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message):
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def request(self, request_id, method, params=None):
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}})
        line = self.lines.get(timeout=10)
        assert line is not None, self.process.stderr.read().decode()
        return json.loads(line)

    def close(self):
        """Closes stdin, as MCP's stdio shutdown does; the server exits by itself."""
        self.process.stdin.close()
        code = self.process.wait(timeout=10)
        rest = self.lines.get(timeout=10)
        stderr = self.process.stderr.read().decode()
        self.process.stderr.close()
        self.process.stdout.close()
        return code, rest, stderr


class StdioTest(unittest.TestCase):
    def initialize(self, client):
        reply = client.request(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                                  "clientInfo": {"name": "test", "version": "1"}})
        client.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return reply

    def test_round_trip(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "small.py")
            with open(path, "w") as f:
                f.write(SMALL_SERVER)
            client = StdioClient(path)
            self.assertEqual(self.initialize(client)["result"]["serverInfo"], {"name": "small", "version": "1.0.0"})
            tools = client.request(1, "tools/list")["result"]["tools"]
            self.assertEqual([t["name"] for t in tools], ["add", "countdown"])
            self.assertEqual(client.request(2, "tools/call", {"name": "add", "arguments": {"a": 2, "b": 3}})["result"],
                             {"content": [{"type": "text", "text": "5"}]})
            self.assertEqual(client.request(3, "tools/call", {"name": "countdown", "arguments": {"start": 3}})["result"]
                             ["structuredContent"], {"result": [3, 2, 1]})
            client.process.stdin.write(b"\n{not json}\n")  # a blank line is skipped; the junk is answered
            client.process.stdin.flush()
            self.assertEqual(json.loads(client.lines.get(timeout=10))["error"]["code"], -32700)
            code, rest, _ = client.close()
            self.assertEqual((code, rest), (0, None))

    def test_the_chapter_server_over_stdio(self):
        client = StdioClient(INVOICE_SERVER)
        self.initialize(client)
        self.assertEqual(len(client.request(1, "tools/list")["result"]["tools"]), 4)
        # No Temporal here: the tool fails, the server says so and keeps serving.
        reply = client.request(2, "tools/call", {"name": "approve_invoice",
                                                 "arguments": {"workflow_id": "w", "run_id": "r"}})
        self.assertTrue(reply["result"]["isError"])
        self.assertIn("Error executing tool approve_invoice: No engine connection", reply["result"]["content"][0]["text"])
        self.assertEqual(client.request(3, "ping"), {"jsonrpc": "2.0", "id": 3, "result": {}})
        code, rest, stderr = client.close()
        self.assertEqual((code, rest), (0, None))
        self.assertIn("Error executing tool approve_invoice", stderr)  # logs go to stderr, never stdout


if __name__ == "__main__":
    unittest.main()
