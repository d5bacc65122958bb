# Exercise 2: a currency conversion that waits for a person to confirm it
# before it is stored.
import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import add_to_database, convert


@workflow.defn
class CurrencyConversionWorkflow:
    def __init__(self) -> None:
        self.converted_amount: float | None = None
        self.confirmed = False

    # TODO(query): add a query named "GetConversionAmount" that returns self.converted_amount.

    # TODO(signal): add a signal named "ConfirmDatabaseAdd" that sets self.confirmed to True.

    @workflow.run
    async def run(self, request: dict) -> dict:
        conversion = await workflow.execute_activity(
            convert,
            request,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                maximum_interval=timedelta(seconds=30),
                maximum_attempts=5,
            ),
        )
        self.converted_amount = conversion["converted_amount"]

        # TODO(wait): wait until self.confirmed is true, for at most 5 days.
        # TODO(expire): when the 5 days pass, the wait raises asyncio.TimeoutError: return {"status": "EXPIRED", **conversion} then.

        record_id = await workflow.execute_activity(
            add_to_database,
            conversion,
            start_to_close_timeout=timedelta(seconds=30),
        )
        return {"status": "ADDED_TO_DATABASE", "record_id": record_id, **conversion}
