# Lab 08: InvoiceWorkflow pays each line of an invoice in a child workflow of
# its own, PayLineWorkflow, which waits until the line's due date.
import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import payment_gateway


def due_date_of(line: dict) -> datetime | None:
    """The line's "due_date" ("2030-06-30T00:00:00Z") as a datetime in UTC, or None without one."""
    due = line.get("due_date")
    return datetime.fromisoformat(due.replace("Z", "+00:00")) if due else None


@workflow.defn
class PayLineWorkflow:
    """One invoice line: wait until it is due, then pay it."""

    @workflow.run
    async def run(self, line: dict) -> str:
        due = due_date_of(line)
        # workflow.now() is the workflow's clock: the same on every replay.
        if due is not None and due > workflow.now():
            await workflow.sleep(due - workflow.now())

        await workflow.execute_activity(
            payment_gateway,
            line,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                maximum_interval=timedelta(seconds=30),
                maximum_attempts=3,
            ),
        )
        return "PAID"


@workflow.defn
class InvoiceWorkflow:
    @workflow.run
    async def run(self, invoice: dict) -> str:
        parent_id = workflow.info().workflow_id
        # One child per line, all started at once; gather waits until every one has finished.
        await asyncio.gather(*(
            workflow.execute_child_workflow(PayLineWorkflow.run, line, id=f"{parent_id}-line-{i}")
            for i, line in enumerate(invoice.get("lines", []))
        ))
        return "PAID"
