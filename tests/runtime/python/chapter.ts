// The chapter's files as an attendee's project ({path: text}) and the client
// side of its invoice flow over any `call(method, request)`: a ServerHost in
// Node, or the server worker through a page (tests/e2e). Used by the process
// tests, the browser test and bench/python-bench.mjs.
import { readFileSync } from 'node:fs';
import { DEFAULT_INVOICE } from '../../../web/src/workspace/samples.ts';

// The chapter's files live with the site (web/src/workspace/chapter/): the app ships them as its default workspace.
const dir = new URL('../../../web/src/workspace/chapter/', import.meta.url);

/** workflows.py, activities.py, worker.py as an attendee would have them. */
export function chapterFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of ['workflows.py', 'activities.py', 'worker.py']) files[name] = readFileSync(new URL(name, dir), 'utf8');
  return files;
}

export type Call = (method: string, request: unknown) => Promise<any>;
export const NAMESPACE = 'default';
export const TASK_QUEUE = 'invoice-task-queue';
export const INVOICE = DEFAULT_INVOICE;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
export const payload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
export const decode = (p: { data?: string }) => JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8'));

export async function history(call: Call, workflowId: string): Promise<any[]> {
  const reply = await call('GetWorkflowExecutionHistory', { namespace: NAMESPACE, execution: { workflowId } });
  return reply.history?.events ?? [];
}

export const eventTypes = (events: any[]) => events.map((e) => String(e.eventType).replace('EVENT_TYPE_', ''));

/** Waits until the history has `type` (polls every 50 ms). */
export async function waitForEvent(call: Call, workflowId: string, type: string, timeoutMs = 30_000): Promise<any[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const events = await history(call, workflowId);
    if (eventTypes(events).includes(type)) return events;
    if (Date.now() > end) throw new Error(`${workflowId}: no ${type} within ${timeoutMs} ms: ${eventTypes(events).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startInvoice(call: Call, workflowId: string, invoice: unknown = INVOICE): Promise<string> {
  const started = await call('StartWorkflowExecution', {
    namespace: NAMESPACE, workflowId, workflowType: { name: 'InvoiceWorkflow' },
    taskQueue: { name: TASK_QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, input: { payloads: [payload(invoice)] },
    identity: 'test-client', requestId: `start-${workflowId}`,
  });
  return started.runId;
}

export async function signal(call: Call, workflowId: string, name: string): Promise<void> {
  await call('SignalWorkflowExecution', {
    namespace: NAMESPACE, workflowExecution: { workflowId }, signalName: name, identity: 'test-client', requestId: `${name}-${workflowId}`,
  });
}

export async function query(call: Call, workflowId: string, queryType: string): Promise<unknown> {
  const reply = await call('QueryWorkflow', { namespace: NAMESPACE, execution: { workflowId }, query: { queryType } });
  return decode(reply.queryResult.payloads[0]);
}

/** The chapter's demo: start, see PENDING-APPROVAL, approve, wait for completion. */
export async function approveFlow(call: Call, workflowId: string, timeoutMs = 60_000) {
  await startInvoice(call, workflowId);
  await waitForEvent(call, workflowId, 'TIMER_STARTED', timeoutMs);
  const before = await query(call, workflowId, 'GetInvoiceStatus');
  await signal(call, workflowId, 'ApproveInvoice');
  const events = await waitForEvent(call, workflowId, 'WORKFLOW_EXECUTION_COMPLETED', timeoutMs);
  const completed = events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  const result = decode(completed.workflowExecutionCompletedEventAttributes.result.payloads[0]);
  const after = await query(call, workflowId, 'GetInvoiceStatus');
  return { before, result, after, events: eventTypes(events) };
}
