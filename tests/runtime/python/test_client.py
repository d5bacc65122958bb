"""The client against a scripted engine (FakeRpc), including the chapter's MCP tool calls."""

import asyncio
import unittest
from datetime import timedelta

from _support import payload, value
from fakes import FakeRpc, RpcFail

import chapter_cells
from temporalio._internal import host
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError, WorkflowQueryFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode


def history(*events):
    return {"history": {"events": list(events)}}


class ClientTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.rpc = FakeRpc()
        host.install(rpc=self.rpc)
        chapter_cells.temporal_client = None
        self.client = await Client.connect("localhost:7233")

    async def asyncTearDown(self):
        host.uninstall()

    async def test_connect_without_host_is_a_clear_error(self):
        host.uninstall()
        with self.assertRaisesRegex(RuntimeError, "No engine connection"):
            await Client.connect("localhost:7233")

    async def test_start_workflow_request_and_handle(self):
        self.rpc.handlers["StartWorkflowExecution"] = lambda r: {"runId": "r-1", "started": True}
        handle = await self.client.start_workflow(
            chapter_cells.InvoiceWorkflow.run, {"lines": []}, id="inv-1", task_queue="invoice-task-queue",
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
        (req,) = self.rpc.requests("StartWorkflowExecution")
        self.assertEqual(req["workflowType"], {"name": "InvoiceWorkflow"})
        self.assertEqual(req["taskQueue"]["name"], "invoice-task-queue")
        self.assertEqual(req["workflowId"], "inv-1")
        self.assertEqual(req["namespace"], "default")
        self.assertEqual(req["workflowIdConflictPolicy"], "WORKFLOW_ID_CONFLICT_POLICY_FAIL")
        self.assertEqual([value(p) for p in req["input"]["payloads"]], [{"lines": []}])
        self.assertEqual((handle.id, handle.result_run_id, handle.run_id), ("inv-1", "r-1", None))

    async def test_already_started(self):
        def fail(_):
            raise RpcFail("ALREADY_EXISTS", "workflow inv-1 is running")
        self.rpc.handlers["StartWorkflowExecution"] = fail
        with self.assertRaises(WorkflowAlreadyStartedError) as caught:
            await self.client.start_workflow("InvoiceWorkflow", id="inv-1", task_queue="q")
        self.assertEqual(caught.exception.workflow_id, "inv-1")

    async def test_rpc_error_codes(self):
        def fail(_):
            raise RpcFail("NOT_FOUND", "no such workflow")
        self.rpc.handlers["SignalWorkflowExecution"] = fail
        with self.assertRaises(RPCError) as caught:
            await self.client.get_workflow_handle("missing").signal("ApproveInvoice")
        self.assertEqual(caught.exception.status, RPCStatusCode.NOT_FOUND)
        self.assertEqual(caught.exception.message, "no such workflow")

    async def test_reads_are_retried_while_the_engine_restarts_but_signals_are_not(self):
        answers = [RpcFail("UNAVAILABLE", "server host closed"), RpcFail("UNAVAILABLE", "server host closed"),
                   {"workflowExecutionInfo": {"status": "WORKFLOW_EXECUTION_STATUS_RUNNING"}}]

        def describe(_):
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        self.rpc.handlers["DescribeWorkflowExecution"] = describe
        desc = await self.client.get_workflow_handle("i").describe()
        self.assertEqual(desc.status.name, "RUNNING")
        self.assertEqual(len(self.rpc.requests("DescribeWorkflowExecution")), 3)

        def signal(_):
            raise RpcFail("UNAVAILABLE", "server host closed")
        self.rpc.handlers["SignalWorkflowExecution"] = signal
        with self.assertRaises(RPCError):
            await self.client.get_workflow_handle("i").signal("ApproveInvoice")
        self.assertEqual(len(self.rpc.requests("SignalWorkflowExecution")), 1)

    async def test_result_completed_waits_through_empty_long_polls(self):
        answers = [history(), history({"eventId": "9", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
                                       "workflowExecutionCompletedEventAttributes": {"result": {"payloads": [payload("PAID")]}}})]
        self.rpc.handlers["GetWorkflowExecutionHistory"] = lambda r: answers.pop(0)
        self.rpc.handlers["StartWorkflowExecution"] = lambda r: {"runId": "r-1"}
        result = await self.client.execute_workflow("InvoiceWorkflow", {}, id="i", task_queue="q")
        self.assertEqual(result, "PAID")
        reqs = self.rpc.requests("GetWorkflowExecutionHistory")
        self.assertEqual(len(reqs), 2)
        self.assertEqual(reqs[0]["execution"], {"workflowId": "i", "runId": "r-1"})
        self.assertTrue(reqs[0]["waitNewEvent"])
        self.assertEqual(reqs[0]["historyEventFilterType"], "HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT")

    async def test_result_failed_raises_workflow_failure_error(self):
        failure = {"message": "", "applicationFailureInfo": {"type": "TimeoutError"}}
        self.rpc.handlers["GetWorkflowExecutionHistory"] = lambda r: history({
            "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED",
            "workflowExecutionFailedEventAttributes": {"failure": failure}})
        with self.assertRaises(WorkflowFailureError) as caught:
            await self.client.get_workflow_handle("i").result()
        self.assertIsInstance(caught.exception.cause, ApplicationError)
        self.assertEqual(caught.exception.cause.type, "TimeoutError")

    async def test_chapter_mcp_tool_calls(self):
        self.rpc.handlers["StartWorkflowExecution"] = lambda r: {"runId": "run-9"}
        self.rpc.handlers["DescribeWorkflowExecution"] = lambda r: {"workflowExecutionInfo": {
            "execution": r["execution"], "type": {"name": "InvoiceWorkflow"},
            "status": "WORKFLOW_EXECUTION_STATUS_RUNNING", "startTime": "2026-01-01T00:00:00Z", "historyLength": "5"}}
        self.rpc.handlers["QueryWorkflow"] = lambda r: {"queryResult": {"payloads": [payload("PENDING-APPROVAL")]}}

        started = await chapter_cells.process_invoice({"invoice_id": "INV-100", "lines": []})
        self.assertEqual(started["run_id"], "run-9")
        self.assertTrue(started["workflow_id"].startswith("invoice-"))
        (req,) = self.rpc.requests("StartWorkflowExecution")
        self.assertEqual((req["workflowType"]["name"], req["taskQueue"]["name"]), ("InvoiceWorkflow", "invoice-task-queue"))

        self.assertEqual(await chapter_cells.approve_invoice(started["workflow_id"], "run-9"), "APPROVED")
        (sig,) = self.rpc.requests("SignalWorkflowExecution")
        self.assertEqual(sig["signalName"], "ApproveInvoice")
        self.assertEqual(sig["workflowExecution"], {"workflowId": started["workflow_id"], "runId": "run-9"})
        self.assertEqual(sig["input"], {"payloads": []})

        text = await chapter_cells.invoice_status(started["workflow_id"], "run-9")
        self.assertEqual(text, f"Invoice with ID {started['workflow_id']} is currently PENDING-APPROVAL. "
                               "Workflow status: RUNNING")
        (q,) = self.rpc.requests("QueryWorkflow")
        self.assertEqual(q["query"]["queryType"], "GetInvoiceStatus")

    async def test_describe_and_query_failed(self):
        self.rpc.handlers["DescribeWorkflowExecution"] = lambda r: {"workflowExecutionInfo": {
            "status": "WORKFLOW_EXECUTION_STATUS_COMPLETED", "closeTime": "2026-01-02T00:00:00.5Z"}}
        desc = await self.client.get_workflow_handle("i").describe()
        self.assertEqual(desc.status, WorkflowExecutionStatus.COMPLETED)
        self.assertEqual(desc.close_time.microsecond, 500000)

        def fail(_):
            raise RpcFail("INVALID_ARGUMENT", "Query handler for 'X' expected but not found")
        self.rpc.handlers["QueryWorkflow"] = fail
        with self.assertRaises(WorkflowQueryFailedError):
            await self.client.get_workflow_handle("i").query("X")

    async def test_list_workflows_pages_with_async_for(self):
        pages = [{"executions": [{"execution": {"workflowId": "a", "runId": "1"},
                                  "status": "WORKFLOW_EXECUTION_STATUS_RUNNING"}], "nextPageToken": "t"},
                 {"executions": [{"execution": {"workflowId": "b", "runId": "2"},
                                  "status": "WORKFLOW_EXECUTION_STATUS_COMPLETED"}]}]
        self.rpc.handlers["ListWorkflowExecutions"] = lambda r: pages.pop(0)
        seen = [(d.id, d.status.name) async for d in self.client.list_workflows("WorkflowType='InvoiceWorkflow'")]
        self.assertEqual(seen, [("a", "RUNNING"), ("b", "COMPLETED")])
        reqs = self.rpc.requests("ListWorkflowExecutions")
        self.assertEqual(reqs[0]["query"], "WorkflowType='InvoiceWorkflow'")
        self.assertEqual(reqs[1]["nextPageToken"], "t")

    async def test_time_skipping_environment(self):
        from temporalio.testing import WorkflowEnvironment

        self.rpc.handlers["GetCurrentTime"] = lambda r: {"time": "2026-01-06T00:00:00Z"}
        async with await WorkflowEnvironment.start_time_skipping() as env:
            self.assertTrue(env.supports_time_skipping)
            await env.sleep(timedelta(days=5))
            self.assertEqual((await env.get_current_time()).day, 6)
        self.assertEqual([r["enabled"] for r in self.rpc.requests("SetAutoTimeSkipping")], [True, False])
        self.assertEqual(self.rpc.requests("SkipTime"), [{"duration": "432000s"}])

    async def test_cancel_terminate_fetch_history(self):
        h = self.client.get_workflow_handle("i", run_id="r")
        await h.cancel()
        await h.terminate("why", reason="enough")
        pages = [{"history": {"events": [{"eventId": "1"}]}, "nextPageToken": "p2"},
                 {"history": {"events": [{"eventId": "2"}]}}]
        self.rpc.handlers["GetWorkflowExecutionHistory"] = lambda r: pages.pop(0)
        hist = await h.fetch_history()
        self.assertEqual([e["eventId"] for e in hist.events], ["1", "2"])
        self.assertEqual(self.rpc.requests("RequestCancelWorkflowExecution")[0]["workflowExecution"],
                         {"workflowId": "i", "runId": "r"})
        term = self.rpc.requests("TerminateWorkflowExecution")[0]
        self.assertEqual(term["reason"], "enough")
        self.assertEqual(value(term["details"]["payloads"][0]), "why")
        self.assertEqual(self.rpc.requests("GetWorkflowExecutionHistory")[1]["nextPageToken"], "p2")


if __name__ == "__main__":
    unittest.main()
