"""Lab 02's check: signals, and a 5-day deadline (see README.md).

Runs the attendee's worker.py on a private engine. Steps that need days to
pass skip the engine's clock (a day, or auto time skipping to the deadline).
"""

from datetime import timedelta

from durable_lab.checks import Check, StepFailure, expect, expect_equal

check = Check("Lab 02: signals, and a 5-day deadline")

TASK_QUEUE = "invoice-task-queue"
FIVE_DAYS = timedelta(days=5)
INVOICE = {"invoice_id": "INV-100", "lines": [{"description": "Widget A", "amount": 100},
                                             {"description": "Widget B", "amount": 200}]}


async def start_waiting_invoice(lab):
    """Starts InvoiceWorkflow and returns once it waits on its deadline timer."""
    handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
    await lab.wait_for_event(handle, "TIMER_STARTED")
    return handle


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "The workflow waits for a decision, for up to 5 days",
    hint="In workflows.py, at TODO(wait): await workflow.wait_condition(lambda: self.approved is not None, "
         "timeout=timedelta(days=5)).",
    needs=[worker_runs],
)
async def waits_for_a_decision(lab):
    handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
    history = await lab.wait_for_event(handle, "WORKFLOW_TASK_COMPLETED")
    if history.close_type is not None:
        outcome = await lab.outcome(handle)
        raise StepFailure(f"the workflow {outcome.describe()} at once, without waiting",
                          expected="the workflow to wait for ApproveInvoice or RejectInvoice")
    timers = history.timers()
    expect(timers == [FIVE_DAYS], expected="one timer of 5 days: the deadline of the wait",
           happened="the workflow started " + (", ".join(f"a timer of {t}" for t in timers) or "no timer"))
    await lab.skip_time(timedelta(days=1))
    history = await lab.history(handle)
    expect(history.close_type is None and history.count("ACTIVITY_TASK_SCHEDULED") == 0,
           expected="the workflow still waiting a day later, with nothing paid",
           happened=f"a day later, {history.describe_end()}")


@check.step(
    "ApproveInvoice makes the workflow pay the invoice",
    hint="ApproveInvoice sets self.approved = True; after the wait, an approved invoice goes on to the "
         "payment loop, which pays each line and returns \"PAID\".",
    needs=[waits_for_a_decision],
)
async def approve_pays(lab):
    handle = await start_waiting_invoice(lab)
    await handle.signal("ApproveInvoice")
    async with lab.skipping_time():
        expect_equal(await lab.result(handle), "PAID", "the workflow's result")
    expect_equal((await lab.history(handle)).count("ACTIVITY_TASK_COMPLETED"), 2, "the number of completed payments")


@check.step(
    "RejectInvoice makes the workflow stop without paying",
    hint="In workflows.py, at TODO(reject), add a signal like ApproveInvoice: @workflow.signal, "
         "async def RejectInvoice(self) -> None, whose body sets self.approved = False.",
    needs=[worker_runs],
)
async def reject_stops(lab):
    signals = lab.worker.signals("InvoiceWorkflow")
    expect("RejectInvoice" in signals, expected="a RejectInvoice signal on InvoiceWorkflow",
           happened=f"InvoiceWorkflow's signals are {', '.join(signals) or 'none'}")
    handle = await start_waiting_invoice(lab)
    await handle.signal("RejectInvoice")
    expect_equal(await lab.result(handle), "REJECTED", "the workflow's result")
    expect_equal((await lab.history(handle)).count("ACTIVITY_TASK_SCHEDULED"), 0, "the number of payments")


@check.step(
    "With no decision for 5 days, the invoice is approved and paid",
    hint="When its timeout passes, wait_condition raises asyncio.TimeoutError, and an uncaught exception fails "
         "the workflow. At TODO(auto-approve), put the wait in try: ... except asyncio.TimeoutError: and set "
         "self.approved = True there.",
    needs=[waits_for_a_decision],
)
async def auto_approves_after_five_days(lab):
    async with lab.skipping_time():
        handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
        outcome = await lab.outcome(handle)
    expect(outcome.status == "COMPLETED" and outcome.result == "PAID",
           expected='the workflow to approve the invoice itself after 5 days, pay it and return "PAID"',
           happened=f"5 days without a decision, and the workflow {outcome.describe()}")
    elapsed = outcome.history.elapsed()
    expect(elapsed >= FIVE_DAYS, expected="the workflow to wait the full 5 days first",
           happened=f"it ended {elapsed} after it started")
    expect_equal(outcome.history.count("ACTIVITY_TASK_COMPLETED"), 2, "the number of completed payments")


if __name__ == "__main__":
    check.run()
