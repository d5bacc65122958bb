// The TypeScript equivalent of the workflow our engine's history is checked
// against (the first step of the chapter's InvoiceWorkflow): a durable 2 s
// timer, then the payment_gateway activity, then "COMPLETED".
import { proxyActivities, sleep } from '@temporalio/workflow';

interface Activities {
  payment_gateway(line: Record<string, unknown>): Promise<boolean>;
}

const { payment_gateway } = proxyActivities<Activities>({ startToCloseTimeout: '30s' });

export async function PaymentWorkflow(line: Record<string, unknown>): Promise<string> {
  await sleep('2 seconds');
  await payment_gateway(line);
  return 'COMPLETED';
}
