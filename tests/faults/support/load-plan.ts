// The fault suites' load: invoices whose inputs fix their outcome (approve,
// reject or no answer within the 5-day wait; how often each line's payment
// flakes before it succeeds, within the chapter's 3 attempts), drawn from a
// seed so a failing run can be repeated with DURABLE_FAULT_SEED. Shared by the browser and the Node crash suites.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The chapter's worker.py polls this queue. */
export const TASK_QUEUE = 'invoice-task-queue';
export const WORKFLOW_TYPE = 'InvoiceWorkflow';
/** The chapter's retry policy: maximum_attempts=3 for each payment. */
export const PAYMENT_ATTEMPTS = 3;

/**
 * The Python program both suites run: the chapter's own workflows.py and
 * worker.py (web/src/workspace/chapter), unchanged, with a flaky
 * activities.py (tests/faults/program) in place of the chapter's.
 */
export function faultProgram(): { files: Record<string, string>; entry: string } {
  const read = (url: string) => readFileSync(fileURLToPath(new URL(url, import.meta.url)), 'utf8');
  return {
    files: {
      'workflows.py': read('../../../web/src/workspace/chapter/workflows.py'),
      'worker.py': read('../../../web/src/workspace/chapter/worker.py'),
      'activities.py': read('../program/activities.py'),
    },
    entry: 'worker.py',
  };
}

export type Decision = 'approve' | 'reject' | 'none';

export interface InvoicePlan {
  workflowId: string;
  invoice: { invoice_id: string; customer: string; lines: { description: string; amount: number; flaky_failures: number }[] };
  decision: Decision;
}

/** mulberry32: small, seedable, good enough to pick crash moments and inputs. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function faultSeed(): number {
  const fromEnv = Number(process.env.DURABLE_FAULT_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : (Date.now() % 2_147_483_647) || 1;
}

export function makePlan(seed: number, count: number, prefix = 'fault-inv'): InvoicePlan[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${String(i).padStart(3, '0')}`;
    const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, n) => ({
      description: `line ${n + 1} of ${id}`,
      amount: Math.round(next() * 100_000) / 100,
      flaky_failures: pick([0, 0, 1, 2]),
    }));
    return { workflowId: id, invoice: { invoice_id: id, customer: pick(['ACME', 'Globex', 'Initech']), lines }, decision: pick(['approve', 'approve', 'approve', 'reject', 'none'] as const) };
  });
}

/** The close event and result each decision leads to. */
export function expectedOutcome(plan: InvoicePlan): { closeEvent: string; result?: string } {
  switch (plan.decision) {
    case 'approve': return { closeEvent: 'WorkflowExecutionCompleted', result: 'PAID' };
    case 'reject': return { closeEvent: 'WorkflowExecutionCompleted', result: 'REJECTED' };
    case 'none': return { closeEvent: 'WorkflowExecutionFailed' };
  }
}

export const signalFor = (decision: Decision) =>
  decision === 'approve' ? 'ApproveInvoice' : decision === 'reject' ? 'RejectInvoice' : null;
