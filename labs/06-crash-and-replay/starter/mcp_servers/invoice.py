# Lab 06: the invoice MCP server, lab 05's. It holds no invoice: kill it and
# start it again, and its tools find every invoice by its workflow and run IDs.
from temporalio.client import Client
from fastmcp import FastMCP
from typing import Dict
import uuid

# One MCP server, named "invoice"; the tools below are registered on it.
mcp = FastMCP("invoice")

# Connected on the first tool call, then shared by every later call.
temporal_client = None

async def get_temporal_client():
    """Get or create a Temporal client connection."""
    global temporal_client
    if not temporal_client:
        temporal_client = await Client.connect("localhost:7233")
    return temporal_client

@mcp.tool()
async def process_invoice(invoice: Dict) -> Dict[str, str]:
    """Start the InvoiceWorkflow with the given invoice JSON."""
    client = await get_temporal_client()
    # The tool returns as soon as the workflow has started; the workflow waits
    # for approval on its own, for up to five days.
    handle = await client.start_workflow(
        # TODO(start-v2): start new invoices as "InvoiceWorkflowV2": change the workflow type on the next line.
        "InvoiceWorkflow",
        invoice,
        id=f"invoice-{uuid.uuid4()}",
        task_queue="invoice-task-queue",
    )
    return {"workflow_id": handle.id, "run_id": handle.result_run_id}

@mcp.tool()
async def approve_invoice(workflow_id: str, run_id: str) -> str:
    """Signal approval for the invoice workflow."""
    client = await get_temporal_client()
    handle = client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id)
    await handle.signal("ApproveInvoice")
    return "APPROVED"

@mcp.tool()
async def reject_invoice(workflow_id: str, run_id: str) -> str:
    """Signal rejection for the invoice workflow."""
    client = await get_temporal_client()
    handle = client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id)
    await handle.signal("RejectInvoice")
    return "REJECTED"

@mcp.tool()
async def invoice_status(workflow_id: str, run_id: str) -> str:
    """Return current status of the workflow."""
    client = await get_temporal_client()
    handle = client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id)
    # describe() reads the execution's status from the server; the query asks
    # the workflow itself (a worker must be running to answer it).
    desc = await handle.describe()
    status = await handle.query("GetInvoiceStatus")
    return (
        f"Invoice with ID {workflow_id} is currently {status}. "
        f"Workflow status: {desc.status.name}"
    )

if __name__ == "__main__":
    # Serve over stdio: in the browser, the page's MCP client is on the other end.
    mcp.run(transport="stdio")
