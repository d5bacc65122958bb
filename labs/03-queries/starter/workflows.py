# Lab 03: InvoiceWorkflow records where the invoice is in its lifecycle, and
# answers the GetInvoiceStatus query with it.
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
        # Where the invoice is: INITIALIZING, PENDING-APPROVAL, then APPROVED and PAID, or REJECTED.
        self.status: str = "INITIALIZING"

    @workflow.signal
    async def ApproveInvoice(self) -> None:
        self.approved = True

    @workflow.signal
    async def RejectInvoice(self) -> None:
        self.approved = False

    # TODO(query): add a GetInvoiceStatus query that returns self.status.

    @workflow.run
    async def run(self, invoice: dict) -> str:
        self.status = "PENDING-APPROVAL"
        try:
            await workflow.wait_condition(
                lambda: self.approved is not None,
                timeout=timedelta(days=5),
            )
        except asyncio.TimeoutError:
            # The business rule: no decision within 5 days means approved.
            workflow.logger.info("No decision within 5 days: the invoice is approved")
            self.approved = True

        if not self.approved:
            workflow.logger.info("REJECTED")
            self.status = "REJECTED"
            return "REJECTED"

        # TODO(approved): the invoice is approved: set self.status to "APPROVED" before paying.
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

        # TODO(paid): every line has been through the payment gateway: set self.status to "PAID".
        return "PAID"
