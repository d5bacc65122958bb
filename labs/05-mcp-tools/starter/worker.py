# Lab 05: the worker, `python worker.py`. It polls a task queue on the server
# and runs the workflows and activities it registers, and only those.
import asyncio

from temporalio.client import Client
from temporalio.worker import Worker

from activities import payment_gateway
from workflows import InvoiceWorkflow


async def run_worker():
    # Any address reaches the page's server; with Temporal it is the server's.
    client = await Client.connect("localhost:7233")

    worker = Worker(
        client,
        task_queue="invoice-task-queue",
        workflows=[InvoiceWorkflow],
        activities=[payment_gateway],
    )
    print("Worker started. Listening for workflows...")
    await worker.run()


if __name__ == "__main__":
    asyncio.run(run_worker())
