# Exercise 2 (solution): a currency conversion that waits for a person to
# confirm it before it is stored.
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

    @workflow.query(name="GetConversionAmount")
    def get_conversion_amount(self) -> float | None:
        # None until the convert activity has succeeded.
        return self.converted_amount

    @workflow.signal(name="ConfirmDatabaseAdd")
    async def confirm_database_add(self) -> None:
        self.confirmed = True

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

        # A durable wait: no worker holds anything while nobody has confirmed,
        # and a restarted worker picks the wait up where it was.
        try:
            await workflow.wait_condition(lambda: self.confirmed, timeout=timedelta(days=5))
        except asyncio.TimeoutError:
            workflow.logger.info("Not confirmed within 5 days: the conversion is not stored")
            return {"status": "EXPIRED", **conversion}

        record_id = await workflow.execute_activity(
            add_to_database,
            conversion,
            start_to_close_timeout=timedelta(seconds=30),
        )
        return {"status": "ADDED_TO_DATABASE", "record_id": record_id, **conversion}
