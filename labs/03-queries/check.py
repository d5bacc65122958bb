"""Lab 03's check: queries, the invoice's status (see README.md).

Runs the attendee's worker.py on a private engine and asks GetInvoiceStatus at
each stage of an invoice: waiting, approved and being paid, paid, rejected.
The last two ask after the workflow has closed.
"""

from temporalio.client import WorkflowExecutionStatus, WorkflowQueryFailedError

from durable_lab.checks import Check, StepFailure, expect, expect_equal

check = Check("Lab 03: queries, the invoice's status")

TASK_QUEUE = "invoice-task-queue"
QUERY = "GetInvoiceStatus"
INVOICE = {"invoice_id": "INV-100", "lines": [{"description": "Widget A", "amount": 100},
                                             {"description": "Widget B", "amount": 200}]}


async def status_of(handle, when):
    """The answer to GetInvoiceStatus; ``when`` says at which stage, for the report."""
    try:
        return await handle.query(QUERY)
    except WorkflowQueryFailedError as err:
        raise StepFailure(f"{when}, the query {QUERY} failed: {err}") from None


async def start_waiting_invoice(lab):
    """Starts InvoiceWorkflow and returns once it waits for a decision."""
    handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
    await lab.wait_for_event(handle, "TIMER_STARTED")
    return handle


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "InvoiceWorkflow answers the GetInvoiceStatus query: PENDING-APPROVAL while it waits for a decision",
    hint="In workflows.py, at TODO(query), add a method marked @workflow.query: "
         "def GetInvoiceStatus(self) -> str: return self.status. A query handler is a plain def that only reads.",
    needs=[worker_runs],
)
async def answers_while_waiting(lab):
    queries = lab.worker.queries("InvoiceWorkflow")
    expect(QUERY in queries, expected=f"a query named {QUERY} on InvoiceWorkflow",
           happened=f"InvoiceWorkflow's queries are {', '.join(queries) or 'none'}")
    handle = await start_waiting_invoice(lab)
    expect_equal(await status_of(handle, "while the workflow waits"), "PENDING-APPROVAL",
                 "the status while the workflow waits")


@check.step(
    "After ApproveInvoice the status is APPROVED while the lines are paid",
    hint='In workflows.py, at TODO(approved), after the rejected case returns: self.status = "APPROVED".',
    needs=[answers_while_waiting],
)
async def approved_while_paying(lab):
    handle = await start_waiting_invoice(lab)
    await handle.signal("ApproveInvoice")
    # The second timer is the 2-second wait before the first payment: the
    # decision is made and nothing is paid yet.
    await lab.wait_for_event(handle, "TIMER_STARTED", count=2)
    expect_equal(await status_of(handle, "while the lines are paid"), "APPROVED",
                 "the status while the lines are paid")


@check.step(
    "Once every line is paid the status is PAID, and the query still answers after the workflow has completed",
    hint='In workflows.py, at TODO(paid), after the payment loop and before return "PAID": self.status = "PAID".',
    needs=[answers_while_waiting],
)
async def paid_after_completion(lab):
    handle = await start_waiting_invoice(lab)
    await handle.signal("ApproveInvoice")
    async with lab.skipping_time():
        expect_equal(await lab.result(handle), "PAID", "the workflow's result")
    expect_equal((await handle.describe()).status, WorkflowExecutionStatus.COMPLETED, "the workflow's status")
    expect_equal(await status_of(handle, "after the workflow completed"), "PAID",
                 "the status after the workflow completed")


@check.step(
    "A rejected invoice reports REJECTED, also after its workflow has closed",
    hint='Keep self.status = "REJECTED" before return "REJECTED", and let GetInvoiceStatus return self.status.',
    needs=[answers_while_waiting],
)
async def rejected_after_close(lab):
    handle = await start_waiting_invoice(lab)
    await handle.signal("RejectInvoice")
    expect_equal(await lab.result(handle), "REJECTED", "the workflow's result")
    expect_equal(await status_of(handle, "after the workflow closed"), "REJECTED",
                 "the status after the workflow closed")


if __name__ == "__main__":
    check.run()
