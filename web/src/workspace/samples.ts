// Sample inputs for the workspace's workflows and tools, kept apart from the
// Python sources (index.ts imports those as ?raw, which only Vite resolves)
// so that Node tests can import them too.

/** The chapter's INV-100 invoice, the input the chapter starts InvoiceWorkflow with. */
export const DEFAULT_INVOICE = {
  invoice_id: 'INV-100',
  customer: 'ACME Corp',
  lines: [
    { description: 'Widget A', amount: 100, due_date: '2024-06-30T00:00:00Z' },
    { description: 'Widget B', amount: 200, due_date: '2024-07-05T00:00:00Z' },
  ],
};

/** A request for the currency exercise's convert_currency tool. */
export const SAMPLE_CONVERSION_REQUEST = { amount: 250, currency: 'EUR' };
