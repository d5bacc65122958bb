"""Lab 06's check: crash and replay (see README.md).

The check cannot kill the page's processes, so it does the same to its own
copy of the attendee's worker: it stops it while an invoice waits, moves the
clock, starts it again, and the invoice must go on from its history. For the
nondeterminism lesson, a stand-in for the code deployed before the change
runs an invoice's first workflow task; then the attendee's worker takes the
invoice over and must replay that history without a NondeterminismError.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.worker import Worker

from durable_lab.checks import Check, StepFailure, expect, expect_equal

check = Check("Lab 06: crash and replay", step_timeout=45)

TASK_QUEUE = "invoice-task-queue"
FIVE_DAYS = timedelta(days=5)
INVOICE = {"invoice_id": "INV-100", "lines": [{"description": "Widget A", "amount": 100},
                                             {"description": "Widget B", "amount": 200}]}


@workflow.defn(name="InvoiceWorkflow")
class DeployedInvoiceWorkflow:
    """InvoiceWorkflow as it ran before the attendee's change (lab 05's code),
    as far as the check needs it: its first workflow task starts the wait for
    a decision, so the history it writes begins with the 5-day timer."""

    def __init__(self) -> None:
        self.approved = None

    @workflow.signal
    async def ApproveInvoice(self) -> None:
        self.approved = True

    @workflow.run
    async def run(self, invoice: dict) -> str:
        await workflow.wait_condition(lambda: self.approved is not None, timeout=FIVE_DAYS)
        return "not reached: the attendee's worker takes over before the decision"


async def start_waiting_invoice(lab, workflow_type="InvoiceWorkflow"):
    handle = await lab.start_workflow(workflow_type, INVOICE)
    await lab.wait_for_event(handle, "TIMER_STARTED")
    return handle


def describe_timers(timers):
    return ", ".join(f"a timer of {t}" for t in timers) or "no timer"


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "An invoice's 5-day wait goes on while the worker is down, and a restarted worker picks the invoice up where it was",
    hint="A restarted worker replays InvoiceWorkflow's history: keep run() deterministic (no random numbers, clock "
         "reads or network calls in the workflow: those belong in activities) and keep the except "
         "asyncio.TimeoutError that approves the invoice after 5 days.",
    needs=[worker_runs],
)
async def resumes_after_a_worker_restart(lab):
    handle = await start_waiting_invoice(lab)
    await lab.stop_worker()
    await lab.skip_time(FIVE_DAYS)
    history = await lab.history(handle)
    expect(history.count("TIMER_FIRED") == 1, expected="the 5-day timer to fire on the server while no worker runs",
           happened=history.describe_end())
    await lab.start_worker(task_queue=TASK_QUEUE)
    async with lab.skipping_time():
        outcome = await lab.outcome(handle)
    expect(outcome.status == "COMPLETED" and outcome.result == "PAID",
           expected='the restarted worker to approve the invoice (no decision in 5 days), pay it and return "PAID"',
           happened=f"after the restart the workflow {outcome.describe()}")
    timers = outcome.history.timers()
    expect(timers.count(FIVE_DAYS) == 1, expected="one 5-day timer: the wait did not start over",
           happened=f"the workflow started {describe_timers(timers)}")


@check.step(
    "An invoice started by the code deployed before your change goes on under your InvoiceWorkflow, "
    "without a nondeterminism error",
    hint="Leave what InvoiceWorkflow.run does as it was: the invoices it started replay it. Put a new step, such as "
         "validate_invoice, in InvoiceWorkflowV2 (TODO(v2)) and start new invoices with it (TODO(start-v2)).",
    needs=[worker_runs],
)
async def replays_invoices_started_before(lab):
    # Your worker is "not yet deployed": the old code takes the invoice's first workflow task.
    await lab.stop_worker()
    async with Worker(lab.client, task_queue=TASK_QUEUE, workflows=[DeployedInvoiceWorkflow], max_cached_workflows=0):
        handle = await lab.start_workflow("InvoiceWorkflow", INVOICE, task_queue=TASK_QUEUE)
        await lab.wait_for_event(handle, "TIMER_STARTED")
    # "Deploy": your worker starts, and the approval makes it replay the old history.
    await lab.start_worker(task_queue=TASK_QUEUE)
    await handle.signal("ApproveInvoice")
    async with lab.skipping_time():
        outcome = await lab.outcome(handle)
    if outcome.status == "TASK_FAILED" and "nondeterminism" in (outcome.failure or ""):
        raise StepFailure(f"the invoice cannot go on: its workflow task failed with {outcome.failure}",
                          expected="your InvoiceWorkflow to make the calls the old code made, in the same order: "
                                   "first the 5-day wait for a decision",
                          details=outcome.stack_trace)
    expect(outcome.status == "COMPLETED" and outcome.result == "PAID",
           expected='the approved invoice to be paid and the workflow to return "PAID"',
           happened=f"the workflow {outcome.describe()}")


@check.step(
    "InvoiceWorkflowV2 validates the invoice first, then waits for a decision and pays",
    hint="In workflows.py, at TODO(v2): @workflow.defn class InvoiceWorkflowV2(InvoiceWorkflow) with a @workflow.run "
         "async def run(self, invoice: dict) -> str that awaits workflow.execute_activity(validate_invoice, invoice, "
         "start_to_close_timeout=timedelta(seconds=30)), then returns await super().run(invoice). In worker.py, import "
         "it (TODO(import-v2)) and add it to workflows=[...] (TODO(register-v2)).",
    needs=[worker_runs],
)
async def v2_validates_first(lab):
    for kind, name, registered in (("workflow", "InvoiceWorkflowV2", lab.worker.workflows),
                                   ("activity", "validate_invoice", lab.worker.activities)):
        expect(name in registered, expected=f"worker.py's Worker to register the {kind} {name}",
               happened=f"it registers {', '.join(registered)}")
    handle = await start_waiting_invoice(lab, "InvoiceWorkflowV2")
    history = await lab.history(handle)
    first = next((t for t in history.types if t in ("ACTIVITY_TASK_SCHEDULED", "TIMER_STARTED")), None)
    validated = [(a.get("activityType") or {}).get("name") for a in history.attributes("ACTIVITY_TASK_SCHEDULED")]
    expect(first == "ACTIVITY_TASK_SCHEDULED" and validated[:1] == ["validate_invoice"],
           expected="validate_invoice scheduled before the 5-day wait for a decision",
           happened="the workflow started the 5-day wait " + (f"after {', '.join(validated)}" if validated else "first"))
    expect_equal(await handle.query("GetInvoiceStatus"), "PENDING-APPROVAL", "the status once validated")
    await handle.signal("ApproveInvoice")
    async with lab.skipping_time():
        expect_equal(await lab.result(handle), "PAID", "the workflow's result")


@check.step(
    "process_invoice starts new invoices as InvoiceWorkflowV2",
    hint='In mcp_servers/invoice.py, at TODO(start-v2), start "InvoiceWorkflowV2" instead of "InvoiceWorkflow": '
         "new invoices get the new version, and the running ones finish on the old one.",
    needs=[worker_runs],
)
async def process_invoice_starts_v2(lab):
    server = lab.module("mcp_servers.invoice").mcp
    result = await server.call_tool("process_invoice", {"invoice": INVOICE})
    started = result.get("structuredContent") or {}
    expect(not result.get("isError") and "workflow_id" in started,
           expected="process_invoice to start a workflow and return its workflow_id and run_id",
           happened=f"process_invoice answered {result.get('content')}")
    handle = lab.get_workflow_handle(started["workflow_id"], run_id=started.get("run_id"))
    expect_equal((await handle.describe()).workflow_type, "InvoiceWorkflowV2", "the type of the workflow it started")


if __name__ == "__main__":
    check.run()
