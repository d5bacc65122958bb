"""The MCP host boundary: install(transport), the transport run() picks, and
what crosses (strings, and null for "closed").

Synchronous (also run inside Pyodide, where JavaScript null is checked for real).
"""

import sys
import unittest
from unittest import mock

import _support  # noqa: F401 - puts web/python on sys.path
from test_mcp_schema import completed

from mcp._internal import host
from mcp._internal.transport import HostTransport, as_message, open_transport
from mcp.server.fastmcp import FastMCP


class ScriptedTransport:
    def __init__(self, *incoming):
        self.incoming = list(incoming)
        self.sent = []

    def send(self, message):
        self.sent.append(message)

    async def receive(self):
        return self.incoming.pop(0)


class HostBoundaryTest(unittest.TestCase):
    def tearDown(self):
        host.uninstall()

    def test_install_and_uninstall(self):
        transport = ScriptedTransport()
        host.install(transport)
        self.assertIs(host.installed(), transport)
        host.uninstall()
        self.assertIsNone(host.installed())

    def test_the_installed_transport_is_used_and_only_strings_cross(self):
        js = ScriptedTransport('{"jsonrpc": "2.0"}', None)
        host.install(js)
        transport = open_transport()
        self.assertIsInstance(transport, HostTransport)
        transport.send('{"id": 1}')
        self.assertEqual(js.sent, ['{"id": 1}'])
        self.assertEqual(completed(transport.receive()), '{"jsonrpc": "2.0"}')
        self.assertIsNone(completed(transport.receive()))

    def test_a_host_answering_something_else_broke_the_contract(self):
        with self.assertRaisesRegex(TypeError, "must resolve to a JSON string or null, not dict"):
            as_message({"jsonrpc": "2.0"})

    @unittest.skipUnless(sys.platform == "emscripten", "JavaScript null exists only in Pyodide")
    def test_javascript_null_and_undefined_mean_closed(self):
        from pyodide.code import run_js  # type: ignore[import-not-found]
        self.assertIsNone(as_message(run_js("null")))
        self.assertIsNone(as_message(run_js("undefined")))

    def test_without_a_host_pyodide_cannot_serve(self):
        with mock.patch.object(sys, "platform", "emscripten"):
            with self.assertRaisesRegex(RuntimeError, "must run as the MCP server process"):
                open_transport()

    def test_only_stdio_exists(self):
        for transport in ("sse", "streamable-http", "http"):
            with self.assertRaisesRegex(ValueError, rf"transport='{transport}' is not available.*only stdio"):
                FastMCP("t").run(transport=transport)


if __name__ == "__main__":
    unittest.main()
