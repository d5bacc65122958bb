# Exercise 2: the worker for the currency conversion, `python worker.py`.
import asyncio

from temporalio.client import Client
from temporalio.worker import Worker

from activities import add_to_database, convert
from workflows import CurrencyConversionWorkflow


async def run_worker():
    client = await Client.connect("localhost:7233")

    worker = Worker(
        client,
        task_queue="currency-task-queue",
        workflows=[CurrencyConversionWorkflow],
        activities=[convert, add_to_database],
    )
    print("Worker started. Listening for workflows...")
    await worker.run()


if __name__ == "__main__":
    asyncio.run(run_worker())
