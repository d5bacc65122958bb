"""The built-in queries the SDK answers without user code: __temporal_workflow_metadata and __stack_trace."""

import base64
import json
import unittest

from _support import activation, commands, init_job, query_job, signal_job, value

import chapter_cells
from temporalio import workflow
from temporalio._internal.workflow_instance import WorkflowInstance

INVOICE = {"invoice_id": "INV-1", "customer": "ACME", "lines": []}


@workflow.defn(name="Documented")
class DocumentedWorkflow:
    def __init__(self) -> None:
        self.items: list = []

    @workflow.signal
    def add_item(self, item: str) -> None:
        """Adds one item.

        The second paragraph stays in the description.
        """
        self.items.append(item)

    @workflow.signal(name="Clear", description="Empties the list")
    async def clear(self) -> None:
        """Not used: description= wins."""
        self.items = []

    @workflow.query
    def items_count(self) -> int:
        """How many items there are."""
        return len(self.items)

    @workflow.query(name="Items")
    def items_list(self) -> list:
        return list(self.items)

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: len(self.items) > 2)


def start(cls, wf_type, *args):
    defn = workflow._Definition.from_class(cls)
    first = activation(init_job(wf_type, *args))
    inst = WorkflowInstance(defn, first, task_queue="q")
    return inst, inst.activate(first)


def ask(inst, query_type, query_id="q1", **kw):
    (cmd,) = commands(inst.activate(activation(query_job(query_id, query_type), **kw)))
    assert cmd["respondToQuery"]["queryId"] == query_id, cmd
    return cmd["respondToQuery"]["succeeded"]["response"]


def metadata(inst, **kw):
    """Decodes the json/protobuf answer (asserting its metadata) into the proto3 JSON dict."""
    p = ask(inst, "__temporal_workflow_metadata", **kw)
    meta = {k: base64.b64decode(v).decode() for k, v in p["metadata"].items()}
    assert meta == {"encoding": "json/protobuf", "messageType": "temporal.api.sdk.v1.WorkflowMetadata"}, meta
    return json.loads(base64.b64decode(p["data"]))


INVOICE_METADATA = {
    "definition": {
        "type": "InvoiceWorkflow",
        "queryDefinitions": [
            {"name": "GetInvoiceStatus"},
            {"name": "__stack_trace"},
            {"name": "__temporal_workflow_metadata"},
        ],
        "signalDefinitions": [{"name": "ApproveInvoice"}, {"name": "RejectInvoice"}],
    }
}


class WorkflowMetadataTest(unittest.TestCase):
    def test_invoice_workflow_metadata_is_exact_proto3_json(self):
        inst, _ = start(chapter_cells.InvoiceWorkflow, "InvoiceWorkflow", INVOICE)
        self.assertEqual(metadata(inst), INVOICE_METADATA)
        # Compact JSON, fields in proto order; empty descriptions and update lists omitted.
        raw = base64.b64decode(ask(inst, "__temporal_workflow_metadata", "q2")["data"]).decode()
        self.assertEqual(raw, json.dumps(INVOICE_METADATA, separators=(",", ":")))

    def test_descriptions_come_from_description_or_docstring(self):
        inst, _ = start(DocumentedWorkflow, "Documented")
        self.assertEqual(metadata(inst), {
            "definition": {
                "type": "Documented",
                "queryDefinitions": [
                    {"name": "Items"},
                    {"name": "__stack_trace"},
                    {"name": "__temporal_workflow_metadata"},
                    {"name": "items_count", "description": "How many items there are."},
                ],
                "signalDefinitions": [
                    {"name": "Clear", "description": "Empties the list"},
                    {"name": "add_item",
                     "description": "Adds one item.\n\nThe second paragraph stays in the description."},
                ],
            }
        })

    def test_metadata_does_not_run_user_code_or_add_commands(self):
        inst, _ = start(DocumentedWorkflow, "Documented")
        done = inst.activate(activation(query_job("q1", "__temporal_workflow_metadata")))
        self.assertEqual([next(iter(c)) for c in commands(done)], ["respondToQuery"])
        self.assertEqual(value(ask(inst, "items_count", "q2")), 0)

    def test_metadata_on_a_closed_workflow_and_while_replaying(self):
        inst, _ = start(DocumentedWorkflow, "Documented")
        done = inst.activate(activation(signal_job("add_item", "a"), signal_job("add_item", "b"),
                                        signal_job("add_item", "c")))
        self.assertEqual([next(iter(c)) for c in commands(done)], ["completeWorkflowExecution"])
        self.assertEqual(metadata(inst)["definition"]["type"], "Documented")
        # A fresh instance replaying the history answers the same way.
        defn = workflow._Definition.from_class(chapter_cells.InvoiceWorkflow)
        first = activation(init_job("InvoiceWorkflow", INVOICE), replaying=True)
        replay = WorkflowInstance(defn, first, task_queue="q")
        replay.activate(first)
        self.assertEqual(metadata(replay, replaying=True), INVOICE_METADATA)


class StackTraceTest(unittest.TestCase):
    def test_stack_trace_shows_where_the_workflow_waits(self):
        inst, _ = start(DocumentedWorkflow, "Documented")
        trace = value(ask(inst, "__stack_trace"))
        self.assertIsInstance(trace, str)
        self.assertIn("test_workflow_metadata.py", trace)
        self.assertIn("in run", trace)


if __name__ == "__main__":
    unittest.main()
