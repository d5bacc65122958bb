"""Lab 05's check: MCP tools for the invoice workflow (see README.md).

Runs the attendee's worker.py on a private engine, imports their
mcp_servers/invoice.py and calls its tools through FastMCP's own API
(list_tools, call_tool), with arguments named as the page's assistant names
them. The tools' Client.connect reaches the same private engine.
"""

from durable_lab.checks import Check, StepFailure, expect, expect_equal

check = Check("Lab 05: MCP tools for the invoice workflow")

TASK_QUEUE = "invoice-task-queue"
SERVER = "mcp_servers.invoice"
INVOICE = {"invoice_id": "INV-100", "customer": "ACME Corp",
           "lines": [{"description": "Widget A", "amount": 100}, {"description": "Widget B", "amount": 200}]}
TODOS = {"process_invoice": "process-invoice", "reject_invoice": "reject-invoice", "invoice_status": "invoice-status"}


async def call_tool(lab, name, arguments):
    """Calls the attendee's tool ``name``; its result, or a StepFailure saying what went wrong."""
    server = getattr(lab.module(SERVER), "mcp", None)
    if server is None or not hasattr(server, "call_tool"):
        raise StepFailure("mcp_servers/invoice.py has no MCP server named mcp",
                          expected='mcp = FastMCP("invoice") at the top of mcp_servers/invoice.py')
    tools = {tool["name"]: tool for tool in await server.list_tools()}
    if name not in tools:
        where = f" (TODO({TODOS[name]}))" if name in TODOS else ""
        raise StepFailure(f"the server has no {name} tool; its tools are {', '.join(tools) or 'none'}",
                          expected=f"an @mcp.tool() function named {name}{where}")
    # As the page's assistant does: a tool of one parameter gets the JSON under
    # that parameter's name; follow-ups pass only the IDs the tool asks for.
    params = list((tools[name].get("inputSchema") or {}).get("properties") or {})
    if "invoice" in arguments and params and "invoice" not in params and len(params) == 1:
        arguments = {params[0]: arguments["invoice"]}
    elif "workflow_id" in arguments and params:
        arguments = {k: v for k, v in arguments.items() if k in params}
    result = await server.call_tool(name, arguments)
    if result.get("isError"):
        raise StepFailure(f"{name} answered with an error: {text_of(result)}")
    return result


def text_of(result):
    return " ".join(item.get("text", "") for item in result.get("content") or [] if item.get("type") == "text")


async def process_invoice(lab):
    """Calls process_invoice; a handle on the workflow it started, once that waits for approval."""
    result = await call_tool(lab, "process_invoice", {"invoice": INVOICE})
    started = result.get("structuredContent") or {}
    expect(isinstance(started.get("workflow_id"), str) and isinstance(started.get("run_id"), str),
           expected='process_invoice to return {"workflow_id": ..., "run_id": ...}',
           happened=f"process_invoice returned {text_of(result) or 'nothing'}")
    handle = lab.get_workflow_handle(started["workflow_id"], run_id=started["run_id"])
    description = await handle.describe()
    expect_equal(description.workflow_type, "InvoiceWorkflow", "the type of the workflow process_invoice started")
    expect_equal(description.task_queue, TASK_QUEUE, "the task queue it was started on")
    await lab.wait_for_event(handle, "TIMER_STARTED")
    return handle


def ids(handle):
    return {"workflow_id": handle.id, "run_id": handle.run_id}


def signals(history):
    return [a.get("signalName") for a in history.attributes("WORKFLOW_EXECUTION_SIGNALED")]


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "process_invoice starts an InvoiceWorkflow on invoice-task-queue and returns its workflow_id and run_id",
    hint="In mcp_servers/invoice.py, at TODO(process-invoice), add @mcp.tool() async def process_invoice(invoice: Dict) "
         '-> Dict[str, str]: start "InvoiceWorkflow" with client.start_workflow(..., id=f"invoice-{uuid.uuid4()}", '
         'task_queue="invoice-task-queue") and return {"workflow_id": handle.id, "run_id": handle.result_run_id}.',
    needs=[worker_runs],
)
async def process_invoice_starts_a_workflow(lab):
    await process_invoice(lab)


@check.step(
    "approve_invoice sends ApproveInvoice to that run, and the invoice is paid",
    hint="approve_invoice gets the run with client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id) and "
         'awaits handle.signal("ApproveInvoice"); keep it as the starter has it.',
    needs=[process_invoice_starts_a_workflow],
)
async def approve_invoice_pays(lab):
    handle = await process_invoice(lab)
    await call_tool(lab, "approve_invoice", ids(handle))
    async with lab.skipping_time():
        expect_equal(await lab.result(handle), "PAID", "the workflow's result")
    expect_equal(signals(await lab.history(handle)), ["ApproveInvoice"], "the signals in the history")


@check.step(
    "reject_invoice sends RejectInvoice to that run, and nothing is paid",
    hint="In mcp_servers/invoice.py, at TODO(reject-invoice), add a tool like approve_invoice: @mcp.tool() async def "
         'reject_invoice(workflow_id: str, run_id: str) -> str that awaits handle.signal("RejectInvoice") and returns '
         '"REJECTED".',
    needs=[process_invoice_starts_a_workflow],
)
async def reject_invoice_stops(lab):
    handle = await process_invoice(lab)
    await call_tool(lab, "reject_invoice", ids(handle))
    expect_equal(await lab.result(handle), "REJECTED", "the workflow's result")
    history = await lab.history(handle)
    expect_equal(signals(history), ["RejectInvoice"], "the signals in the history")
    expect_equal(history.count("ACTIVITY_TASK_SCHEDULED"), 0, "the number of payments")


@check.step(
    "invoice_status tells the invoice's status and the workflow's, while it runs and after it has completed",
    hint="In mcp_servers/invoice.py, at TODO(invoice-status), add @mcp.tool() async def invoice_status(workflow_id: str, "
         'run_id: str) -> str: desc = await handle.describe(), status = await handle.query("GetInvoiceStatus"), and '
         'return f"Invoice with ID {workflow_id} is currently {status}. Workflow status: {desc.status.name}" '
         "(the assistant reads that sentence).",
    needs=[process_invoice_starts_a_workflow],
)
async def invoice_status_reports(lab):
    handle = await process_invoice(lab)
    for invoice, workflow in (("PENDING-APPROVAL", "RUNNING"), ("PAID", "COMPLETED")):
        answer = text_of(await call_tool(lab, "invoice_status", ids(handle)))
        expect(invoice in answer and workflow in answer,
               expected=f"an answer naming the invoice's status ({invoice}) and the workflow's ({workflow})",
               happened=f"invoice_status answered {answer!r}")
        if workflow == "RUNNING":
            await handle.signal("ApproveInvoice")
            async with lab.skipping_time():
                expect_equal(await lab.result(handle), "PAID", "the workflow's result")


if __name__ == "__main__":
    check.run()
