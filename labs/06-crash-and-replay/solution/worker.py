# Lab 06: the worker, `python worker.py`. A restarted worker replays each
# running invoice from its history, with the code it has now.
import asyncio

from temporalio.client import Client
from temporalio.worker import Worker

from activities import payment_gateway, validate_invoice
from workflows import InvoiceWorkflow, InvoiceWorkflowV2


async def run_worker():
    # Any address reaches the page's server; with Temporal it is the server's.
    client = await Client.connect("localhost:7233")

    worker = Worker(
        client,
        task_queue="invoice-task-queue",
        workflows=[
            InvoiceWorkflow,
            InvoiceWorkflowV2,
        ],
        activities=[payment_gateway, validate_invoice],
    )
    print("Worker started. Listening for workflows...")
    await worker.run()


if __name__ == "__main__":
    asyncio.run(run_worker())
