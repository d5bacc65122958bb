"""The bad-input catalogue (docs/bad-input.md), its Python cases: the
temporalio worker, workflow code and client, and the chapter's MCP tools,
each given one kind of bad input. Every test is one row of the catalogue and
checks the message a person reads and that nothing was lost (the workflow
still waits, no request went out, the server goes on).

The engine here is FakeRpc answering with the exact errors engine.wasm gives
(tests/runtime/bad-input.test.ts checks those against the real engine);
the workflow side runs the real WorkflowInstance and Worker. CPython only
(asyncio, logging).
"""

import asyncio
import base64
import json
import logging
import unittest

from _support import activation, commands, init_job, payload, signal_job
from fakes import FakeCore, FakeRpc, RpcFail, wait_until
from test_mcp_schema import INVOICE_SERVER, load_server

import chapter_cells
from temporalio import workflow
from temporalio._internal import host
from temporalio._internal.workflow_instance import WorkflowInstance
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker

logging.getLogger("mcp").setLevel(logging.CRITICAL)  # failing tools log a warning

INVOICE = {"invoice_id": "INV-100", "customer": "ACME Corp",
           "lines": [{"description": "Widget A", "amount": 100, "due_date": "2024-06-30T00:00:00Z"}]}
LIMIT = 2 * 1024 * 1024  # the engine's request limit (EngineOptions.max_payload_bytes)
TOO_LARGE = "request of StartWorkflowExecution is larger than the limit of 2097152 bytes"


def engine_like(rpc):
    """FakeRpc refusing what engine.wasm refuses: requests over 2 MB, unknown workflows."""
    started = {}

    def start(request):
        if len(json.dumps(request)) > LIMIT:
            raise RpcFail("RESOURCE_EXHAUSTED", TOO_LARGE)
        started[request["workflowId"]] = "run-1"
        return {"runId": "run-1", "started": True}

    def signal(request):
        workflow_id = request["workflowExecution"]["workflowId"]
        if workflow_id not in started:
            raise RpcFail("NOT_FOUND", f'workflow execution not found for workflow ID "{workflow_id}"')
        return {}

    rpc.handlers["StartWorkflowExecution"] = start
    rpc.handlers["SignalWorkflowExecution"] = signal
    return started


class WorkerBadInputTest(unittest.IsolatedAsyncioTestCase):
    """The Worker against FakeRpc/FakeCore: what the task or the attempt reports."""

    async def asyncSetUp(self):
        self.rpc = FakeRpc()
        self.cores = []
        host.install(rpc=self.rpc, core_factory=lambda options: self.cores.append(FakeCore(options)) or self.cores[-1])
        self.client = await Client.connect("localhost:7233")
        self.worker = Worker(self.client, task_queue="invoice-task-queue", workflows=[chapter_cells.InvoiceWorkflow],
                             activities=[chapter_cells.payment_gateway])
        self.run_task = asyncio.ensure_future(self.worker.run())

    async def asyncTearDown(self):
        self.run_task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await self.run_task
        host.uninstall()

    async def test_an_unregistered_workflow_type_fails_the_task_naming_the_registered_ones(self):
        await wait_until(lambda: self.cores)
        self.rpc.queue("PollWorkflowTaskQueue").put_nowait(
            {"taskToken": "wt1", "activation": activation(init_job("InvoiceWorkflowV2", INVOICE))})
        await wait_until(lambda: self.rpc.requests("RespondWorkflowTaskFailed"))
        (failed,) = self.rpc.requests("RespondWorkflowTaskFailed")
        self.assertEqual(failed["failure"]["message"],
                         "Workflow class InvoiceWorkflowV2 is not registered on this worker, available workflows: InvoiceWorkflow")
        self.assertEqual(failed["failure"]["applicationFailureInfo"]["type"], "NotFoundError")
        # A task failure, not a workflow failure: the run stays open for a worker that has the class.
        self.assertEqual(self.rpc.requests("RespondWorkflowTaskCompleted"), [])
        self.assertFalse(self.run_task.done(), "the worker goes on polling")

    async def test_an_unregistered_activity_fails_the_attempt_naming_the_registered_ones(self):
        self.rpc.queue("PollActivityTaskQueue").put_nowait({
            "taskToken": base64.b64encode(b"t1").decode(), "activityType": {"name": "charge_card"}, "activityId": "1",
            "attempt": 1, "input": {"payloads": [payload(INVOICE["lines"][0])]},
            "workflowExecution": {"workflowId": "INV-100", "runId": "run-1"}, "workflowType": {"name": "InvoiceWorkflow"},
            "startToCloseTimeout": "30s"})
        await wait_until(lambda: self.rpc.requests("RespondActivityTaskFailed"))
        (failed,) = self.rpc.requests("RespondActivityTaskFailed")
        self.assertEqual(failed["failure"]["message"],
                         "Activity function charge_card is not registered on this worker, available activities: payment_gateway")
        self.assertEqual(failed["failure"]["applicationFailureInfo"]["type"], "NotFoundError")
        # Retryable (as in Temporal): the server schedules the next attempt, which a fixed worker can run.
        self.assertFalse(failed["failure"]["applicationFailureInfo"]["nonRetryable"])
        self.assertFalse(self.run_task.done())


def start_invoice(*args):
    defn = workflow._Definition.from_class(chapter_cells.InvoiceWorkflow)
    first = activation(init_job(defn.name, *args))
    instance = WorkflowInstance(defn, first, task_queue="invoice-task-queue")
    return instance, instance.activate(first)


class WorkflowBadInputTest(unittest.TestCase):
    """The chapter's InvoiceWorkflow given bad input."""

    def test_an_invoice_that_is_not_an_object_fails_the_task_with_the_conversion_error(self):
        for bad, got in ((["INV-100"], "list"), ('{"invoice_id": "INV-100"}', "str")):
            _, done = start_invoice(bad)
            self.assertNotIn("successful", done)
            self.assertEqual(done["failed"]["failure"]["message"],
                             f"Failed converting payload to <class 'dict'>: Expected dict, got {got}")

    def test_a_signal_name_without_a_handler_is_logged_and_dropped_and_the_workflow_still_waits(self):
        instance, done = start_invoice(INVOICE)
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "432000s"}}])
        with self.assertLogs("temporalio.worker", logging.WARNING) as logs:
            done = instance.activate(activation(signal_job("ApprovInvoice")))
        self.assertEqual(commands(done), [])
        self.assertIn("Workflow InvoiceWorkflow has no signal handler 'ApprovInvoice'; signal dropped", logs.output[0])
        # The right name still works afterwards.
        done = instance.activate(activation(signal_job("ApproveInvoice")))
        self.assertEqual([next(iter(c)) for c in commands(done)], ["cancelTimer", "startTimer"])


class ClientBadInputTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.rpc = FakeRpc()
        self.started = engine_like(self.rpc)
        host.install(rpc=self.rpc)
        self.client = await Client.connect("localhost:7233")

    async def asyncTearDown(self):
        host.uninstall()

    async def test_a_3_mb_invoice_from_the_client_is_rpc_error_resource_exhausted_and_not_retried(self):
        big = {**INVOICE, "notes": "x" * (3 * 1024 * 1024)}
        with self.assertRaises(RPCError) as caught:
            await self.client.start_workflow("InvoiceWorkflow", big, id="INV-big", task_queue="invoice-task-queue")
        self.assertEqual(caught.exception.status, RPCStatusCode.RESOURCE_EXHAUSTED)
        self.assertEqual(caught.exception.message, TOO_LARGE)
        self.assertEqual(len(self.rpc.requests("StartWorkflowExecution")), 1, "the client does not retry it")
        self.assertEqual(self.started, {})

    async def test_a_query_type_the_workflow_does_not_handle_raises_workflow_query_failed_error(self):
        message = "Query handler for 'GetInvoiceTotal' expected but not found, known queries: [GetInvoiceStatus]"

        def fail(_):
            raise RpcFail("INVALID_ARGUMENT", message)
        self.rpc.handlers["QueryWorkflow"] = fail
        with self.assertRaises(WorkflowQueryFailedError) as caught:
            await self.client.get_workflow_handle("INV-100").query("GetInvoiceTotal")
        self.assertEqual(caught.exception.message, message)

    async def test_a_signal_to_a_closed_workflow_is_rpc_error_not_found_and_not_retried(self):
        def closed(_):
            raise RpcFail("NOT_FOUND", "workflow execution already completed")
        self.rpc.handlers["SignalWorkflowExecution"] = closed
        with self.assertRaises(RPCError) as caught:
            await self.client.get_workflow_handle("INV-100").signal("ApproveInvoice")
        self.assertEqual((caught.exception.status, caught.exception.message),
                         (RPCStatusCode.NOT_FOUND, "workflow execution already completed"))
        self.assertEqual(len(self.rpc.requests("SignalWorkflowExecution")), 1)


class McpToolBadInputTest(unittest.IsolatedAsyncioTestCase):
    """The chapter's mcp_servers/invoice.py, called as an MCP client calls it, given bad arguments."""

    async def asyncSetUp(self):
        self.rpc = FakeRpc()
        self.started = engine_like(self.rpc)
        host.install(rpc=self.rpc)
        self.mcp = load_server(INVOICE_SERVER).mcp

    async def asyncTearDown(self):
        host.uninstall()

    def assert_tool_error(self, result, text):
        self.assertEqual(result, {"isError": True, "content": [{"type": "text", "text": text}]})

    async def test_process_invoice_with_an_invoice_that_is_not_an_object_is_a_tool_error(self):
        # A model that sends the invoice as JSON text, not as an object.
        result = await self.mcp.call_tool("process_invoice", {"invoice": json.dumps(INVOICE)})
        self.assert_tool_error(result, "Invalid arguments for tool process_invoice: invoice: expected object, got string")
        self.assertEqual(self.rpc.requests("StartWorkflowExecution"), [], "nothing was started")

    async def test_process_invoice_without_its_invoice_argument_is_a_tool_error(self):
        result = await self.mcp.call_tool("process_invoice", {"invoce": INVOICE})
        self.assert_tool_error(result, "Invalid arguments for tool process_invoice: invoice is required")
        self.assertEqual(self.rpc.requests("StartWorkflowExecution"), [])

    async def test_a_3_mb_invoice_through_process_invoice_is_a_tool_error_with_the_engines_limit(self):
        big = {**INVOICE, "notes": "x" * (3 * 1024 * 1024)}
        result = await self.mcp.call_tool("process_invoice", {"invoice": big})
        text = "Error executing tool process_invoice: request of StartWorkflowExecution is larger than the limit of 2097152 bytes"
        self.assert_tool_error(result, text)
        self.assertEqual(self.started, {})
        # The server goes on: the ordinary invoice starts.
        result = await self.mcp.call_tool("process_invoice", {"invoice": INVOICE})
        self.assertNotIn("isError", result)

    async def test_approve_invoice_for_an_unknown_workflow_id_is_a_tool_error_with_the_engines_message(self):
        result = await self.mcp.call_tool("approve_invoice", {"workflow_id": "invoice-404", "run_id": "run-1"})
        self.assert_tool_error(result, 'Error executing tool approve_invoice: workflow execution not found for workflow ID "invoice-404"')


if __name__ == "__main__":
    unittest.main()
