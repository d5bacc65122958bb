# Lab 08: the worker, `python worker.py`: it runs the invoice, its children and
# the payment_gateway activity for whoever starts them on invoice-task-queue.
import asyncio

from temporalio.client import Client
from temporalio.worker import Worker

from activities import payment_gateway
from workflows import InvoiceWorkflow, PayLineWorkflow


async def run_worker():
    client = await Client.connect("localhost:7233")

    worker = Worker(
        client,
        task_queue="invoice-task-queue",
        workflows=[
            InvoiceWorkflow,
            PayLineWorkflow,
        ],
        activities=[payment_gateway],
    )
    print("Worker started. Listening for workflows...")
    await worker.run()


if __name__ == "__main__":
    asyncio.run(run_worker())
