// Shared by the Node tests: the engine module (loaded once per test file) and
// small builders for Temporal's JSON shapes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineModule } from '../../web/src/server/engine-module.ts';
import { loadEngineModuleNode } from '../../web/src/server/node.ts';
import { DEFAULT_INVOICE } from '../../web/src/workspace/samples.ts';

let cached: Promise<EngineModule> | null = null;
export function engineModule(): Promise<EngineModule> {
  cached ??= loadEngineModuleNode();
  return cached;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A json/plain payload, as Temporal's SDKs encode it. */
export function payload(value: unknown): { metadata: { encoding: string }; data: string } {
  return { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) };
}

export function payloads(...values: unknown[]) {
  return { payloads: values.map(payload) };
}

export function decodePayload(p: { metadata?: Record<string, string>; data?: string }): unknown {
  const encoding = Buffer.from(p.metadata?.encoding ?? '', 'base64').toString('utf8');
  if (encoding !== 'json/plain') throw new Error(`unexpected payload encoding ${encoding}`);
  return JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8'));
}

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'durable-lab-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The chapter's demo invoice. */
export const INVOICE = DEFAULT_INVOICE;

/** A well-formed Temporal history: start, a 2 s timer, one activity, completion. */
export function timerActivityHistory(options: { activityType?: string } = {}) {
  const tq = { name: 'payment-task-queue', kind: 'TASK_QUEUE_KIND_NORMAL' };
  const events: Array<Record<string, unknown>> = [];
  let ms = Date.parse('2024-06-30T00:00:00Z');
  const add = (type: string, attrs: Record<string, unknown>): string => {
    const id = String(events.length + 1);
    const field = type.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) + 'EventAttributes';
    ms += 250;
    events.push({ eventId: id, eventTime: new Date(ms).toISOString(), eventType: `EVENT_TYPE_${type}`, taskId: String(1048576 + events.length), [field]: attrs });
    return id;
  };
  const workflowTask = () => {
    const scheduled = add('WORKFLOW_TASK_SCHEDULED', { taskQueue: tq, startToCloseTimeout: '10s', attempt: 1 });
    const started = add('WORKFLOW_TASK_STARTED', { scheduledEventId: scheduled, identity: 'test-worker', requestId: 'req-' + scheduled });
    return add('WORKFLOW_TASK_COMPLETED', { scheduledEventId: scheduled, startedEventId: started, identity: 'test-worker' });
  };
  add('WORKFLOW_EXECUTION_STARTED', {
    workflowType: { name: 'PaymentWorkflow' }, taskQueue: tq, input: payloads(INVOICE.lines[0]),
    workflowTaskTimeout: '10s', originalExecutionRunId: 'run-1', firstExecutionRunId: 'run-1', attempt: 1, identity: 'test-client',
  });
  let completed = workflowTask();
  const timer = add('TIMER_STARTED', { timerId: '1', startToFireTimeout: '2s', workflowTaskCompletedEventId: completed });
  add('TIMER_FIRED', { timerId: '1', startedEventId: timer });
  completed = workflowTask();
  const scheduled = add('ACTIVITY_TASK_SCHEDULED', {
    activityId: '1', activityType: { name: options.activityType ?? 'payment_gateway' }, taskQueue: tq, input: payloads(INVOICE.lines[0]),
    scheduleToCloseTimeout: '0s', scheduleToStartTimeout: '0s', startToCloseTimeout: '30s', heartbeatTimeout: '0s', workflowTaskCompletedEventId: completed,
  });
  const started = add('ACTIVITY_TASK_STARTED', { scheduledEventId: scheduled, identity: 'test-worker', requestId: 'act-req', attempt: 1 });
  add('ACTIVITY_TASK_COMPLETED', { result: payloads(true), scheduledEventId: scheduled, startedEventId: started, identity: 'test-worker' });
  completed = workflowTask();
  add('WORKFLOW_EXECUTION_COMPLETED', { result: payloads('COMPLETED'), workflowTaskCompletedEventId: completed });
  return { events };
}
