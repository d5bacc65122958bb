"""Lab 08's check: child workflows, one per invoice line (see README.md).

Runs the attendee's worker.py on a private engine. Due dates are set a few
days after the engine's virtual time (lab.now()), and the engine's clock is
skipped to them, so days of waiting take no real time.
"""

from datetime import datetime, timedelta

from durable_lab.checks import Check, StepFailure, expect, expect_equal

check = Check("Lab 08: child workflows, one per invoice line")

TASK_QUEUE = "invoice-task-queue"
PAST_DUE = "2024-06-30T00:00:00Z"


def iso(moment: datetime) -> str:
    """A due date as the invoices write it: "2030-06-30T00:00:00Z"."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_time(event: dict) -> datetime:
    """When the event happened, on the engine's clock ("2030-06-30T00:00:00.043Z")."""
    return datetime.fromisoformat(event["eventTime"])


def first(history, event_type: str):
    """The first ``event_type`` event (the raw event, with its eventTime), or None."""
    return next((e for e, t in zip(history.events, history.types) if t == event_type), None)


def children(history) -> list:
    """(workflow type, workflow ID) of each child the parent started, in order."""
    return [((a.get("workflowType") or {}).get("name"), a.get("workflowId"))
            for a in history.attributes("START_CHILD_WORKFLOW_EXECUTION_INITIATED")]


async def child_history(lab, workflow_id: str):
    return await lab.history(lab.client.get_workflow_handle(workflow_id))


async def paid_at(lab, workflow_id: str):
    """When the child scheduled its payment (None if it did not)."""
    event = first(await child_history(lab, workflow_id), "ACTIVITY_TASK_SCHEDULED")
    return event_time(event) if event else None


async def run_invoice(lab, invoice: dict, workflow_id: str):
    """Runs InvoiceWorkflow to its end under auto time skipping: (its result, its history).
    A child that cannot finish (its code fails) is named, rather than waited for."""
    async with lab.skipping_time():
        parent = await lab.start_workflow("InvoiceWorkflow", invoice, id=workflow_id)
        first_task = await lab.wait_for_event(parent, "WORKFLOW_TASK_COMPLETED")
        for _, child_id in children(first_task):
            outcome = await lab.outcome(lab.client.get_workflow_handle(child_id))
            if outcome.status == "TERMINATED":
                raise StepFailure(f"InvoiceWorkflow ended before its child {child_id} finished, so the server "
                                  "terminated the child (a child's default parent close policy)",
                                  expected="InvoiceWorkflow to wait until every child has finished")
            if outcome.status != "COMPLETED":
                raise StepFailure(f"the child {child_id} {outcome.describe()}", details=outcome.stack_trace)
        result = await lab.result(parent)
    return result, await lab.history(parent)


async def started_child(lab, parent):
    """Waits until ``parent`` has started its first child; that child's ID."""
    history = await lab.wait_for_event(parent, "CHILD_WORKFLOW_EXECUTION_STARTED")
    return children(history)[0][1]


def days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.2f} days"


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "worker.py's Worker also runs PayLineWorkflow, the child",
    hint="In worker.py, at TODO(register-child), add PayLineWorkflow to workflows=[...], after InvoiceWorkflow. "
         "A child is a workflow like any other: a worker must register it to run it.",
    needs=[worker_runs],
)
async def registers_the_child(lab):
    await lab.start_worker(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow", "PayLineWorkflow"],
                           activities=["payment_gateway"])


@check.step(
    "Each invoice line is paid in a PayLineWorkflow child of its own, and the invoice waits for them all",
    hint="In workflows.py, at TODO(children): await asyncio.gather(*(workflow.execute_child_workflow("
         "PayLineWorkflow.run, line, id=f\"{parent_id}-line-{i}\") for i, line in enumerate(invoice.get(\"lines\", [])))).",
    needs=[registers_the_child],
)
async def pays_each_line_in_a_child(lab):
    invoice = {"invoice_id": "INV-100", "lines": [
        {"description": "Widget A", "amount": 100, "due_date": PAST_DUE},
        {"description": "Widget B", "amount": 200, "due_date": "2024-07-05T00:00:00Z"}]}
    result, history = await run_invoice(lab, invoice, "INV-100")
    started = children(history)
    expect([kind for kind, _ in started] == ["PayLineWorkflow", "PayLineWorkflow"],
           expected="two PayLineWorkflow children, one per invoice line",
           happened="InvoiceWorkflow started " + (", ".join(f"a {kind} child" for kind, _ in started) or "no child"))
    ids = [workflow_id for _, workflow_id in started]
    expect(all(i.startswith("INV-100-") for i in ids) and len(set(ids)) == 2,
           expected='child IDs made from the invoice\'s own ID, one per line: "INV-100-line-0", "INV-100-line-1"',
           happened=f"the children's IDs are {', '.join(ids)}")
    expect_equal(history.count("CHILD_WORKFLOW_EXECUTION_COMPLETED"), 2,
                 "the number of children InvoiceWorkflow saw complete before it ended")
    expect_equal(result, "PAID", "the workflow's result")
    for workflow_id in ids:
        child = await child_history(lab, workflow_id)
        names = [(a.get("activityType") or {}).get("name") for a in child.attributes("ACTIVITY_TASK_SCHEDULED")]
        expect(names == ["payment_gateway"] and child.count("ACTIVITY_TASK_COMPLETED") == 1,
               expected=f"{workflow_id} to pay its line with one payment_gateway activity",
               happened=f"{workflow_id} ran {', '.join(names) or 'no activity'}")


@check.step(
    "A line due in 3 days is paid on its due date, not before",
    hint="In workflows.py, at TODO(sleep-until-due): if due is not None and due > workflow.now(): "
         "await workflow.sleep(due - workflow.now()). Use workflow.now(), the workflow's clock, not datetime.now().",
    needs=[pays_each_line_in_a_child],
)
async def waits_until_due(lab):
    # A day skipped first: the engine's clock is now a day ahead of the computer's,
    # as the page's is after +1 day, so a wait computed from datetime.now() shows.
    await lab.skip_time(timedelta(days=1))
    due = (await lab.now()).replace(microsecond=0) + timedelta(days=3)
    parent = await lab.start_workflow("InvoiceWorkflow", {"lines": [
        {"description": "Widget A", "amount": 100, "due_date": iso(due)}]}, id="INV-DUE")
    child_id = await started_child(lab, parent)
    child = await lab.wait_for_event(lab.client.get_workflow_handle(child_id), "WORKFLOW_TASK_COMPLETED")
    timer = first(child, "TIMER_STARTED")
    if timer is None:
        raise StepFailure(f"{child_id} {'paid its line at once' if child.count('ACTIVITY_TASK_SCHEDULED') else 'started no timer'}",
                          expected=f"{child_id} to sleep on a durable timer until the line's due date, 3 days away")
    ends = event_time(timer) + child.timers()[0]
    expect(abs(ends - due) < timedelta(minutes=1),
           expected=f"the timer to end on the due date, {iso(due)}",
           happened=f"the timer ends at {iso(ends)}, {days(ends - due)} "
                    f"{'after' if ends > due else 'before'} the due date"
                    + (" (is the wait computed from datetime.now()?)" if abs(ends - due) >= timedelta(hours=23) else ""))
    await lab.skip_time(timedelta(days=3) - timedelta(hours=1))
    expect(await paid_at(lab, child_id) is None,
           expected="nothing paid an hour before the due date", happened=f"{child_id} paid its line early")
    async with lab.skipping_time():
        expect_equal(await lab.result(parent), "PAID", "the workflow's result")
    paid = await paid_at(lab, child_id)
    expect(paid is not None and paid >= due - timedelta(seconds=1),
           expected=f"the line paid on its due date, {iso(due)}", happened=f"it was paid at {paid and iso(paid)}")


@check.step(
    "A line already due, or without a due date, is paid at once, with no timer",
    hint="At TODO(sleep-until-due), sleep only when the line has a due date later than workflow.now(): "
         "if due is not None and due > workflow.now(): ... A line past due, or without a \"due_date\", waits for nothing.",
    needs=[pays_each_line_in_a_child],
)
async def pays_past_due_at_once(lab):
    result, history = await run_invoice(lab, {"lines": [
        {"description": "Widget A", "amount": 100, "due_date": PAST_DUE},
        {"description": "Widget C", "amount": 300}]}, "INV-NOW")
    expect_equal(result, "PAID", "the workflow's result")
    for _, child_id in children(history):
        child = await child_history(lab, child_id)
        expect(child.count("TIMER_STARTED") == 0 and child.count("ACTIVITY_TASK_COMPLETED") == 1,
               expected=f"{child_id} to pay its line at once", happened=f"{child_id} {child.describe_end()}")


@check.step(
    "The children run side by side: a line due in 2 days is not held up by one due in 5",
    hint="At TODO(children), start every child before you wait for any: await asyncio.gather(...) over the "
         "execute_child_workflow calls, not an await per line inside a for loop.",
    needs=[waits_until_due],
)
async def children_run_side_by_side(lab):
    now = (await lab.now()).replace(microsecond=0)
    later, sooner = now + timedelta(days=5), now + timedelta(days=2)
    result, history = await run_invoice(lab, {"lines": [
        {"description": "Widget A", "amount": 100, "due_date": iso(later)},
        {"description": "Widget B", "amount": 200, "due_date": iso(sooner)}]}, "INV-BOTH")
    expect_equal(result, "PAID", "the workflow's result")
    ids = [workflow_id for _, workflow_id in children(history)]
    expect_equal(len(ids), 2, "the number of children")
    paid = await paid_at(lab, ids[1])
    expect(paid is not None and paid < later - timedelta(days=1),
           expected=f"Widget B, due {iso(sooner)}, paid on its due date while Widget A still waits",
           happened=f"Widget B was paid at {paid and iso(paid)}, {days(paid - now) if paid else ''} after the start: "
                    "its child started only once Widget A's had finished")


if __name__ == "__main__":
    check.run()
