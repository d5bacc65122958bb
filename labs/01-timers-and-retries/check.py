"""Lab 01's check: durable timers and retries (see README.md).

Runs the attendee's worker.py on a private engine with auto time skipping, so
the 2-second timers and the retry backoff take no real time.
"""

from datetime import timedelta

from durable_lab.checks import Check, duration, expect, expect_equal

check = Check("Lab 01: durable timers and retries")

TASK_QUEUE = "invoice-task-queue"
INVOICE = {"invoice_id": "INV-100", "lines": [{"description": "Widget A", "amount": 100},
                                             {"description": "Widget B", "amount": 200}]}


async def run_invoice(lab, invoice):
    """Runs InvoiceWorkflow on ``invoice`` to its end; its history."""
    async with lab.skipping_time():
        handle = await lab.start_workflow("InvoiceWorkflow", invoice)
        expect_equal(await lab.result(handle), "COMPLETED", "the workflow's result")
    return await lab.history(handle)


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=["InvoiceWorkflow"], activities=["payment_gateway"])


@check.step(
    "Each invoice line is paid by the payment_gateway activity",
    hint="In workflows.py, at TODO(activity), pass payment_gateway as the first argument of "
         "workflow.execute_activity, before line.",
    needs=[worker_runs],
)
async def pays_each_line(lab):
    history = await run_invoice(lab, INVOICE)
    names = [(a.get("activityType") or {}).get("name") for a in history.attributes("ACTIVITY_TASK_SCHEDULED")]
    expect(names == ["payment_gateway", "payment_gateway"],
           expected="two payment_gateway activities, one per invoice line",
           happened=f"the workflow ran {', '.join(names) or 'no activity'}")
    expect_equal(history.count("ACTIVITY_TASK_COMPLETED"), 2, "the number of completed payments")


@check.step(
    "Before each payment the workflow waits 2 seconds on a durable timer",
    hint="In workflows.py, at TODO(timer), inside the loop and before the payment: "
         "await workflow.sleep(timedelta(seconds=2)).",
    needs=[worker_runs],
)
async def waits_before_each_payment(lab):
    history = await run_invoice(lab, INVOICE)
    timers = history.timers()
    expect(timers == [timedelta(seconds=2)] * 2,
           expected="two timers of 2 s, one per invoice line",
           happened="the workflow started " + (", ".join(f"a {t.total_seconds():g} s timer" for t in timers) or "no timer"))
    sequence = [t for t in history.types if t in ("TIMER_FIRED", "ACTIVITY_TASK_SCHEDULED")]
    early = [i for i, t in enumerate(sequence) if t == "ACTIVITY_TASK_SCHEDULED" and sequence[i - 1:i] != ["TIMER_FIRED"]]
    expect(not early, expected="each payment to start after its line's timer fired",
           happened="a payment started before its timer fired: " + " -> ".join(sequence))


@check.step(
    "A payment is tried at most 3 times, waiting 1 s at first and never more than 30 s between attempts",
    hint="In workflows.py, at TODO(max-interval), give the RetryPolicy maximum_interval=timedelta(seconds=30), "
         "next to initial_interval and maximum_attempts.",
    needs=[pays_each_line],
)
async def retry_policy_caps_the_wait(lab):
    history = await run_invoice(lab, {"lines": INVOICE["lines"][:1]})
    policy = history.attributes("ACTIVITY_TASK_SCHEDULED")[0].get("retryPolicy") or {}
    initial = duration(policy.get("initialInterval")) or timedelta(0)
    maximum = duration(policy.get("maximumInterval")) or timedelta(0)
    default_note = " (Temporal's default when none is set: 100 x the initial interval)" if maximum == 100 * initial else ""
    expect(maximum == timedelta(seconds=30), expected="a maximum interval of 30 s",
           happened=f"the maximum interval is {maximum.total_seconds():g} s{default_note}")
    expect(initial == timedelta(seconds=1), expected="an initial interval of 1 s",
           happened=f"the initial interval is {initial.total_seconds():g} s")
    expect_equal(policy.get("maximumAttempts"), 3, "the retry policy's maximum_attempts")


@check.step(
    "A flaky payment is retried until it goes through",
    hint="Keep retry_policy=RetryPolicy(..., maximum_attempts=3) on the payment and let payment_gateway's error "
         "leave the activity: the gateway fails this line's first 2 attempts, and Temporal retries it by itself.",
    needs=[pays_each_line],
)
async def retries_a_flaky_payment(lab):
    flaky = {"description": "Widget C", "amount": 300, "fail_attempts": 2}
    history = await run_invoice(lab, {"lines": [flaky]})
    started = history.attributes("ACTIVITY_TASK_STARTED")
    attempts = started[-1].get("attempt") if started else 0
    paid = history.count("ACTIVITY_TASK_COMPLETED") == 1
    expect(paid and attempts == 3,
           expected="the payment to fail on attempts 1 and 2 and go through on attempt 3",
           happened=f"the payment {'went through' if paid else 'failed for good'} after {attempts} attempt(s)")


if __name__ == "__main__":
    check.run()
