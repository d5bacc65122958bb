"""Lab 04's check: the worker, its task queue and its registrations (see README.md).

Runs the attendee's worker.py on a private engine. The worker's task queue and
each registration are separate steps, so each mistake gets its own verdict
and says what it would do to an invoice; the last step runs one end to end.
"""

from durable_lab.checks import Check, expect, expect_equal

check = Check("Lab 04: the worker")

TASK_QUEUE = "invoice-task-queue"
INVOICE = {"invoice_id": "INV-100", "lines": [{"description": "Widget A", "amount": 100},
                                             {"description": "Widget B", "amount": 200}]}


@check.step(
    "worker.py starts a Worker that polls invoice-task-queue",
    hint='In worker.py, at TODO(task-queue): task_queue="invoice-task-queue", the queue that invoices are started '
         "on. A Worker needs a task queue and at least one workflow or activity: fill in TODO(workflows) and "
         "TODO(activities) too.",
)
async def polls_the_task_queue(lab):
    await lab.start_worker(task_queue=TASK_QUEUE)


@check.step(
    "The Worker registers InvoiceWorkflow, so it runs the invoices' workflow tasks",
    hint="In worker.py, at TODO(workflows): workflows=[InvoiceWorkflow], the class imported from workflows.py.",
    needs=[polls_the_task_queue],
)
async def registers_the_workflow(lab):
    registered = lab.worker.workflows
    if not registered:
        happened = ("the Worker registers no workflow, so it does not poll for workflow tasks: an InvoiceWorkflow "
                    "would stay at WorkflowTaskScheduled, with nobody to run it")
    else:
        happened = (f"the Worker registers {', '.join(registered)}: the workflow task of an InvoiceWorkflow would fail "
                    "with \"Workflow class InvoiceWorkflow is not registered on this worker\"")
    expect("InvoiceWorkflow" in registered, expected="workflows=[InvoiceWorkflow] in Worker(...)", happened=happened)


@check.step(
    "The Worker registers payment_gateway, so it runs the payments",
    hint="In worker.py, at TODO(activities): activities=[payment_gateway], the function imported from activities.py.",
    needs=[polls_the_task_queue],
)
async def registers_the_activity(lab):
    registered = lab.worker.activities
    if not registered:
        happened = ("the Worker registers no activity, so it does not poll for activity tasks: an approved invoice's "
                    "payment_gateway would stay scheduled, never started")
    else:
        happened = (f"the Worker registers {', '.join(registered)}: each payment_gateway attempt would fail with "
                    "\"Activity function payment_gateway is not registered on this worker\"")
    expect("payment_gateway" in registered, expected="activities=[payment_gateway] in Worker(...)", happened=happened)


@check.step(
    "An approved invoice started on invoice-task-queue runs on this worker until it is paid",
    hint="worker.py's Worker runs InvoiceWorkflow and payment_gateway on invoice-task-queue: keep the registrations "
         "of TODO(workflows) and TODO(activities), and await worker.run() at the end of run_worker.",
    needs=[registers_the_workflow, registers_the_activity],
)
async def runs_an_invoice(lab):
    handle = await lab.start_workflow("InvoiceWorkflow", INVOICE)
    await lab.wait_for_event(handle, "TIMER_STARTED")
    await handle.signal("ApproveInvoice")
    async with lab.skipping_time():
        expect_equal(await lab.result(handle), "PAID", "the workflow's result")
    expect_equal((await lab.history(handle)).count("ACTIVITY_TASK_COMPLETED"), 2, "the number of completed payments")


if __name__ == "__main__":
    check.run()
