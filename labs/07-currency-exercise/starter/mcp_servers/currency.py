# Exercise 2: MCP tools that start a currency conversion, read its amount (a
# Query) and confirm it (a Signal), like the chapter's invoice tools.
from temporalio.client import Client
from fastmcp import FastMCP
from typing import Dict
import uuid

mcp = FastMCP("currency")

# Connected on the first tool call, then shared by every later call.
temporal_client = None

async def get_temporal_client():
    """Get or create a Temporal client connection."""
    global temporal_client
    if not temporal_client:
        temporal_client = await Client.connect("localhost:7233")
    return temporal_client

@mcp.tool()
async def convert_currency(request: Dict) -> Dict[str, str]:
    """Start a CurrencyConversionWorkflow converting an amount to US dollars,
    e.g. {"amount": 250, "currency": "EUR"}."""
    client = await get_temporal_client()
    handle = await client.start_workflow(
        # TODO(start): start "CurrencyConversionWorkflow" with request as its input, on the task queue "currency-task-queue".
        id=f"conversion-{uuid.uuid4()}",
    )
    return {"workflow_id": handle.id, "run_id": handle.result_run_id}

# TODO(confirm-tool): add a tool confirm_database_add(workflow_id: str, run_id: str) -> str that sends the ConfirmDatabaseAdd signal and returns "CONFIRMED".

# TODO(amount-tool): add a tool get_conversion_amount(workflow_id: str, run_id: str) -> str that queries GetConversionAmount and returns the amount in USD.

if __name__ == "__main__":
    mcp.run(transport="stdio")
