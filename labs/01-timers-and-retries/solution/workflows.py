# Lab 01: InvoiceWorkflow pays each line of an invoice, one after another.
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import payment_gateway


@workflow.defn
class InvoiceWorkflow:
    @workflow.run
    async def run(self, invoice: dict) -> str:
        for line in invoice.get("lines", []):
            # A durable timer: the server keeps it, so it survives a worker restart.
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
                # After the last attempt fails, the activity's error lands here.
                workflow.logger.error(f"Failed to process line item {line.get('description')}: {e}")
        return "COMPLETED"
