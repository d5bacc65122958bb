# Exercise 2 (solution): MCP tools that start a currency conversion, read its
# amount (a Query) and confirm it (a Signal), like the chapter's invoice tools.
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
        "CurrencyConversionWorkflow",
        request,
        id=f"conversion-{uuid.uuid4()}",
        task_queue="currency-task-queue",
    )
    return {"workflow_id": handle.id, "run_id": handle.result_run_id}

@mcp.tool()
async def confirm_database_add(workflow_id: str, run_id: str) -> str:
    """Confirm the conversion so the workflow adds it to the database."""
    client = await get_temporal_client()
    handle = client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id)
    await handle.signal("ConfirmDatabaseAdd")
    return "CONFIRMED"

@mcp.tool()
async def get_conversion_amount(workflow_id: str, run_id: str) -> str:
    """Return the converted amount in US dollars, once the conversion has run."""
    client = await get_temporal_client()
    handle = client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id)
    amount = await handle.query("GetConversionAmount")
    if amount is None:
        return f"Conversion {workflow_id} has no amount yet: the convert activity has not succeeded so far."
    return f"Conversion {workflow_id}: {amount:.2f} USD"

if __name__ == "__main__":
    mcp.run(transport="stdio")
