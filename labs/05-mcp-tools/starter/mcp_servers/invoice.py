# Lab 05: the invoice MCP server. Each @mcp.tool() function is a tool that an
# assistant (or any MCP client) can call: start an invoice, approve or reject
# it, ask its status. The page runs this file as the MCP server process.
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

# TODO(process-invoice): a process_invoice tool: start "InvoiceWorkflow" on "invoice-task-queue", return its IDs.

@mcp.tool()
async def approve_invoice(workflow_id: str, run_id: str) -> str:
    """Signal approval for the invoice workflow."""
    client = await get_temporal_client()
    handle = client.get_workflow_handle(workflow_id=workflow_id, run_id=run_id)
    await handle.signal("ApproveInvoice")
    return "APPROVED"

# TODO(reject-invoice): a reject_invoice tool that sends the RejectInvoice signal, like approve_invoice.

# TODO(invoice-status): an invoice_status tool: the GetInvoiceStatus query and the workflow's status.

if __name__ == "__main__":
    # Serve over stdio: in the browser, the page's MCP client is on the other end.
    mcp.run(transport="stdio")
