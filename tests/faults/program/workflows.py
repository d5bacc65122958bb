# The fault suites' workflow: the chapter's InvoiceWorkflow with a retry policy
# generous enough that activity attempts lost to a crash (they time out and
# count as attempts) never exhaust it, so every input has one right outcome.
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import payment_gateway


@workflow.defn(sandboxed=False)
class InvoiceWorkflow:
    def __init__(self) -> None:
        self.approved: bool | None = None
        self.status: str = "INITIALIZING"

    @workflow.signal
    async def ApproveInvoice(self) -> None:
        self.approved = True

    @workflow.signal
    async def RejectInvoice(self) -> None:
        self.approved = False

    @workflow.query
    def GetInvoiceStatus(self) -> str:
        return self.status

    @workflow.run
    async def run(self, invoice: dict) -> str:
        self.status = "PENDING-APPROVAL"
        await workflow.wait_condition(lambda: self.approved is not None, timeout=timedelta(days=5))
        if not self.approved:
            self.status = "REJECTED"
            return self.status

        self.status = "APPROVED"
        for line in invoice.get("lines", []):
            await workflow.sleep(timedelta(seconds=2))
            await workflow.execute_activity(
                payment_gateway,
                line,
                start_to_close_timeout=timedelta(seconds=10),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1),
                    maximum_interval=timedelta(seconds=2),
                    maximum_attempts=50,
                ),
            )
        self.status = "PAID"
        return self.status
