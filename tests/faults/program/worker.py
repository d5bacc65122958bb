# The fault suites' worker: the chapter's worker.py on its own task queue.
import asyncio

from temporalio.client import Client
from temporalio.worker import Worker

from activities import payment_gateway
from workflows import InvoiceWorkflow

TASK_QUEUE = "fault-invoice-queue"


async def main():
    client = await Client.connect("localhost:7233")
    worker = Worker(client, task_queue=TASK_QUEUE, workflows=[InvoiceWorkflow], activities=[payment_gateway])
    print("Worker started. Listening for workflows...")
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
