# Lab 00: the worker, `python worker.py`. It polls the server's task queue
# invoice-task-queue and runs the code it registers: InvoiceWorkflow, and the
# payment_gateway activity once you add it.
import asyncio

from temporalio.client import Client
from temporalio.worker import Worker

from activities import payment_gateway
from workflows import InvoiceWorkflow


async def run_worker():
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
