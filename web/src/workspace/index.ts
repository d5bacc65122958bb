// The default workspace the app runs: the chapter's final invoice code
// (InvoiceWorkflow with ApproveInvoice/RejectInvoice/GetInvoiceStatus, the
// payment_gateway activity, and worker.py on invoice-task-queue). These files
// are the one copy: the Python tests read them from here too.
import activities from './chapter/activities.py?raw';
import worker from './chapter/worker.py?raw';
import workflows from './chapter/workflows.py?raw';

export const DEFAULT_ENTRY = 'worker.py';
export const DEFAULT_TASK_QUEUE = 'invoice-task-queue';
export const DEFAULT_WORKFLOW_TYPE = 'InvoiceWorkflow';

/** The chapter's INV-100 invoice, the input the chapter starts InvoiceWorkflow with. */
export const DEFAULT_INVOICE = {
  invoice_id: 'INV-100',
  customer: 'ACME Corp',
  lines: [
    { description: 'Widget A', amount: 100, due_date: '2024-06-30T00:00:00Z' },
    { description: 'Widget B', amount: 200, due_date: '2024-07-05T00:00:00Z' },
  ],
};

export function defaultWorkspaceFiles(): Record<string, string> {
  return { 'workflows.py': workflows, 'activities.py': activities, 'worker.py': worker };
}
