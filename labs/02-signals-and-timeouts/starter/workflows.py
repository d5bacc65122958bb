# Lab 02: InvoiceWorkflow waits for a person to approve or reject the invoice
# before it pays anything.
import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import payment_gateway


@workflow.defn
class InvoiceWorkflow:
    def __init__(self) -> None:
        # The decision: None until someone decides, then True (approved) or False (rejected).
        self.approved: bool | None = None

    @workflow.signal
    async def ApproveInvoice(self) -> None:
        self.approved = True

    # TODO(reject): add a RejectInvoice signal that sets self.approved to False.

    @workflow.run
    async def run(self, invoice: dict) -> str:
        # TODO(wait): wait until self.approved is not None, for at most 5 days.
        # TODO(auto-approve): when the 5 days pass, the wait raises asyncio.TimeoutError: approve the invoice then.

        if not self.approved:
            workflow.logger.info("REJECTED")
            return "REJECTED"

        for line in invoice.get("lines", []):
            await workflow.sleep(timedelta(seconds=2))
            try:
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
            except Exception as e:
                workflow.logger.error(f"Failed to process line item {line.get('description')}: {e}")
        return "PAID"
