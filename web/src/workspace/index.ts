// The default workspace the app runs: the chapter's final invoice code
// (InvoiceWorkflow with ApproveInvoice/RejectInvoice/GetInvoiceStatus, the
// payment_gateway activity, worker.py on invoice-task-queue, and the MCP
// server mcp_servers/invoice.py with the chapter's four tools). These files
// are the one copy: the Python tests read them from here too.
import activities from './chapter/activities.py?raw';
import invoiceMcpServer from './chapter/mcp_servers/invoice.py?raw';
import worker from './chapter/worker.py?raw';
import workflows from './chapter/workflows.py?raw';

export const DEFAULT_ENTRY = 'worker.py';
export const DEFAULT_MCP_ENTRY = 'mcp_servers/invoice.py';
export const DEFAULT_TASK_QUEUE = 'invoice-task-queue';
export const DEFAULT_WORKFLOW_TYPE = 'InvoiceWorkflow';

export { DEFAULT_INVOICE } from './samples.ts';

export function defaultWorkspaceFiles(): Record<string, string> {
  return { 'workflows.py': workflows, 'activities.py': activities, 'worker.py': worker, [DEFAULT_MCP_ENTRY]: invoiceMcpServer };
}
