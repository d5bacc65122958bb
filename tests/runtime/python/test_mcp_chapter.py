"""The chapter's mcp_servers/invoice.py and the currency exercise's
mcp_servers/currency.py, called as an MCP client calls them, against a
scripted engine (FakeRpc): the WorkflowService requests each tool makes.

asyncio-based, so CPython only.
"""

import asyncio
import json
import logging
import unittest

from _support import payload, value
from fakes import FakeRpc, RpcFail
from test_mcp_schema import CURRENCY_SERVER, INVOICE_SERVER, load_server

from mcp._internal import host as mcp_host
from temporalio._internal import host as temporal_host

logging.getLogger("mcp").setLevel(logging.CRITICAL)  # failing tools log a warning

INVOICE = {
    "invoice_id": "INV-100",
    "customer": "ACME Corp",
    "lines": [
        {"description": "Widget A", "amount": 100, "due_date": "2024-06-30T00:00:00Z"},
        {"description": "Widget B", "amount": 200, "due_date": "2024-07-05T00:00:00Z"},
    ],
}


def describe_running(request):
    return {"workflowExecutionInfo": {"execution": request["execution"], "type": {"name": "InvoiceWorkflow"},
                                      "status": "WORKFLOW_EXECUTION_STATUS_RUNNING",
                                      "startTime": "2026-01-01T00:00:00Z", "historyLength": "5"}}


class ToolCallTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.rpc = FakeRpc()
        self.rpc.handlers["StartWorkflowExecution"] = lambda r: {"runId": "run-9", "started": True}
        temporal_host.install(rpc=self.rpc)

    async def asyncTearDown(self):
        temporal_host.uninstall()

    def assert_text(self, result, text):
        self.assertEqual(result, {"content": [{"type": "text", "text": text}]})

    async def test_process_invoice_starts_the_workflow(self):
        mcp = load_server(INVOICE_SERVER).mcp
        result = await mcp.call_tool("process_invoice", {"invoice": INVOICE})
        (start,) = self.rpc.requests("StartWorkflowExecution")
        self.assertEqual(start["workflowType"], {"name": "InvoiceWorkflow"})
        self.assertEqual(start["taskQueue"]["name"], "invoice-task-queue")
        self.assertRegex(start["workflowId"], r"^invoice-[0-9a-f-]{36}$")
        self.assertEqual([value(p) for p in start["input"]["payloads"]], [INVOICE])
        started = {"workflow_id": start["workflowId"], "run_id": "run-9"}
        self.assertEqual(result, {"content": [{"type": "text", "text": json.dumps(started, indent=2)}],
                                  "structuredContent": started})

    async def test_approve_and_reject_signal_the_run(self):
        mcp = load_server(INVOICE_SERVER).mcp
        self.assert_text(await mcp.call_tool("approve_invoice", {"workflow_id": "invoice-1", "run_id": "run-9"}),
                         "APPROVED")
        self.assert_text(await mcp.call_tool("reject_invoice", {"workflow_id": "invoice-2", "run_id": "run-8"}),
                         "REJECTED")
        approve, reject = self.rpc.requests("SignalWorkflowExecution")
        self.assertEqual((approve["signalName"], approve["workflowExecution"]),
                         ("ApproveInvoice", {"workflowId": "invoice-1", "runId": "run-9"}))
        self.assertEqual((reject["signalName"], reject["workflowExecution"]),
                         ("RejectInvoice", {"workflowId": "invoice-2", "runId": "run-8"}))
        self.assertEqual(approve["input"], {"payloads": []})

    async def test_invoice_status_describes_and_queries(self):
        self.rpc.handlers["DescribeWorkflowExecution"] = describe_running
        self.rpc.handlers["QueryWorkflow"] = lambda r: {"queryResult": {"payloads": [payload("PENDING-APPROVAL")]}}
        mcp = load_server(INVOICE_SERVER).mcp
        self.assert_text(await mcp.call_tool("invoice_status", {"workflow_id": "invoice-1", "run_id": "run-9"}),
                         "Invoice with ID invoice-1 is currently PENDING-APPROVAL. Workflow status: RUNNING")
        (describe,) = self.rpc.requests("DescribeWorkflowExecution")
        self.assertEqual(describe["execution"], {"workflowId": "invoice-1", "runId": "run-9"})
        (query,) = self.rpc.requests("QueryWorkflow")
        self.assertEqual(query["query"]["queryType"], "GetInvoiceStatus")
        self.assertEqual(query["execution"], {"workflowId": "invoice-1", "runId": "run-9"})

    async def test_an_engine_error_is_a_tool_error(self):
        def not_found(_):
            raise RpcFail("NOT_FOUND", "workflow invoice-x not found")
        self.rpc.handlers["SignalWorkflowExecution"] = not_found
        mcp = load_server(INVOICE_SERVER).mcp
        result = await mcp.call_tool("approve_invoice", {"workflow_id": "invoice-x", "run_id": "r"})
        self.assertEqual(result, {"isError": True, "content": [{"type": "text", "text":
                         "Error executing tool approve_invoice: workflow invoice-x not found"}]})

    async def test_the_client_connects_once(self):
        module = load_server(INVOICE_SERVER)
        await module.mcp.call_tool("approve_invoice", {"workflow_id": "w", "run_id": "r"})
        client = module.temporal_client
        await module.mcp.call_tool("reject_invoice", {"workflow_id": "w", "run_id": "r"})
        self.assertIs(module.temporal_client, client)

    async def test_currency_tools(self):
        self.rpc.handlers["QueryWorkflow"] = lambda r: {"queryResult": {"payloads": [payload(270.0)]}}
        mcp = load_server(CURRENCY_SERVER).mcp
        started = (await mcp.call_tool("convert_currency", {"request": {"amount": 250, "currency": "EUR"}}))[
            "structuredContent"]
        (start,) = self.rpc.requests("StartWorkflowExecution")
        self.assertEqual((start["workflowType"]["name"], start["taskQueue"]["name"]),
                         ("CurrencyConversionWorkflow", "currency-task-queue"))
        self.assertRegex(start["workflowId"], r"^conversion-[0-9a-f-]{36}$")
        self.assertEqual([value(p) for p in start["input"]["payloads"]], [{"amount": 250, "currency": "EUR"}])
        self.assertEqual(started, {"workflow_id": start["workflowId"], "run_id": "run-9"})

        ids = {"workflow_id": started["workflow_id"], "run_id": "run-9"}
        self.assert_text(await mcp.call_tool("get_conversion_amount", ids),
                         f"Conversion {started['workflow_id']}: 270.00 USD")
        (query,) = self.rpc.requests("QueryWorkflow")
        self.assertEqual(query["query"]["queryType"], "GetConversionAmount")
        self.assert_text(await mcp.call_tool("confirm_database_add", ids), "CONFIRMED")
        (signal,) = self.rpc.requests("SignalWorkflowExecution")
        self.assertEqual((signal["signalName"], signal["workflowExecution"]),
                         ("ConfirmDatabaseAdd", {"workflowId": started["workflow_id"], "runId": "run-9"}))

    async def test_currency_amount_before_the_conversion(self):
        self.rpc.handlers["QueryWorkflow"] = lambda r: {"queryResult": {"payloads": [payload(None)]}}
        mcp = load_server(CURRENCY_SERVER).mcp
        text = (await mcp.call_tool("get_conversion_amount", {"workflow_id": "c-1", "run_id": "r"}))["content"][0]["text"]
        self.assertEqual(text, "Conversion c-1 has no amount yet: the convert activity has not succeeded so far.")


class PageSessionTest(unittest.IsolatedAsyncioTestCase):
    """invoice.py as the MCP server process runs it: the host installs both
    transports, the script's mcp.run() serves the page's client."""

    async def test_the_page_flow(self):
        rpc = FakeRpc()
        rpc.handlers["StartWorkflowExecution"] = lambda r: {"runId": "run-9"}
        temporal_host.install(rpc=rpc)
        incoming, sent = asyncio.Queue(), asyncio.Queue()

        class Page:
            def send(self, message):
                sent.put_nowait(json.loads(message))

            async def receive(self):
                return await incoming.get()

        mcp_host.install(Page())
        try:
            serving = asyncio.create_task(load_server(INVOICE_SERVER).mcp.run_stdio_async())

            async def request(request_id, method, params):
                incoming.put_nowait(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))
                return (await asyncio.wait_for(sent.get(), 5))["result"]

            init = await request(1, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                                   "clientInfo": {"name": "durable-lab-page", "version": "1"}})
            self.assertEqual(init["serverInfo"]["name"], "invoice")
            incoming.put_nowait(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            tools = (await request(2, "tools/list", {}))["tools"]
            self.assertEqual([t["name"] for t in tools],
                             ["process_invoice", "approve_invoice", "reject_invoice", "invoice_status"])
            result = await request(3, "tools/call", {"name": "process_invoice", "arguments": {"invoice": INVOICE}})
            self.assertEqual(result["structuredContent"]["run_id"], "run-9")
            self.assertNotIn("isError", result)
            incoming.put_nowait(None)
            await asyncio.wait_for(serving, 5)
        finally:
            mcp_host.uninstall()
            temporal_host.uninstall()


if __name__ == "__main__":
    unittest.main()
