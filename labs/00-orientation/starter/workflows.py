# Lab 00: the chapter's invoice processor, as a workflow. The same steps as the
# in-memory processor (validate for an hour, then pay), but the state lives
# in the workflow's history on the server, not in one process's memory.
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import payment_gateway


@workflow.defn
class InvoiceWorkflow:
    def __init__(self) -> None:
        self.status: str = "INITIALIZING"

    @workflow.query
    def GetInvoiceStatus(self) -> str:
        return self.status

    @workflow.run
    async def run(self, invoice: dict) -> str:
        self.status = "VALIDATING"
        # The chapter's 1-hour validation, on a durable timer that the server keeps.
        await workflow.sleep(timedelta(hours=1))

        self.status = "PAYING"
        for line in invoice.get("lines", []):
            # An activity: the server hands it to a worker that registered payment_gateway.
            await workflow.execute_activity(
                payment_gateway,
                line,
                start_to_close_timeout=timedelta(seconds=30),
            )

        self.status = "PAID"
        return self.status
