"""Lab 00's check: orientation (see README.md).

Runs the attendee's worker.py on a private engine; the hour of validation is
skipped on the engine's clock.
"""

from datetime import timedelta

from durable_lab.checks import Check, expect, expect_equal

check = Check("Lab 00: orientation")

TASK_QUEUE = "invoice-task-queue"
INVOICE = {"invoice_id": "INV-100", "customer": "ACME Corp",
           "lines": [{"description": "Widget A", "amount": 100},
                     {"description": "Widget B", "amount": 200}]}


@check.step(
    "worker.py runs a Worker on invoice-task-queue for InvoiceWorkflow",
    hint="Keep worker.py as given: Worker(client, task_queue=\"invoice-task-queue\", workflows=[InvoiceWorkflow], ...), "
         "then await worker.run().",
)
async def worker_runs(lab):
    await lab.start_worker(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"])


@check.step(
    "The Worker also registers the payment_gateway activity",
    hint="In worker.py, at TODO(register-activity), write activities=[payment_gateway], on the line under "
         "workflows=[InvoiceWorkflow]. Without it no worker runs the payments: they wait on the server, scheduled, for ever.",
    needs=[worker_runs],
)
async def registers_the_activity(lab):
    await lab.start_worker(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "While the invoice is validated (an hour), GetInvoiceStatus answers VALIDATING and nothing is paid",
    hint="Keep workflows.py as given: run(...) sets self.status = \"VALIDATING\", then waits an hour with "
         "await workflow.sleep(timedelta(hours=1)) before it pays.",
    needs=[worker_runs],
)
async def status_while_validating(lab):
    handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
    await lab.wait_for_event(handle, "TIMER_STARTED")
    expect_equal(await handle.query("GetInvoiceStatus"), "VALIDATING", "GetInvoiceStatus during the validation")
    await lab.skip_time(timedelta(minutes=59))
    history = await lab.history(handle)
    expect(history.count("ACTIVITY_TASK_SCHEDULED") == 0,
           expected="nothing paid before the hour of validation is over",
           happened="a payment started 59 minutes after the start")


@check.step(
    "After the hour, each invoice line is paid and the workflow returns PAID",
    hint="In worker.py, at TODO(register-activity): activities=[payment_gateway], so that a worker runs the "
         "payments the workflow schedules.",
    needs=[registers_the_activity],
)
async def pays_after_the_hour(lab):
    async with lab.skipping_time():
        handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
        expect_equal(await lab.result(handle), "PAID", "the workflow's result")
    history = await lab.history(handle)
    expect_equal(history.timers(), [timedelta(hours=1)], "the workflow's timers")
    expect_equal(history.count("ACTIVITY_TASK_COMPLETED"), 2, "the number of completed payments")
    expect_equal(await handle.query("GetInvoiceStatus"), "PAID", "GetInvoiceStatus once the workflow has completed")


if __name__ == "__main__":
    check.run()
