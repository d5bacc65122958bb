// Compatibility with Temporal's own SDK: a history written by our engine (via
// engine.wasm, driven by a worker that sends exactly the commands the
// TypeScript SDK sends for ./workflows.ts) must replay cleanly in the real
// TypeScript SDK's replayer (sdk-core, offline), and a tampered history must
// be rejected with a DeterminismViolationError.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { ServerHost } from '../../web/src/server/host.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import { exportHistory, type HistoryDocument } from '../../web/src/server/engine-module.ts';
import { INVOICE, decodePayload, engineModule, payloads } from '../runtime/helpers.ts';
import { NAMESPACE, ScriptedWorker, commands, fetchHistory, shortType, taskEventTypes } from '../runtime/scripted-worker.ts';

const TASK_QUEUE = 'payment-task-queue';
const WORKFLOW_ID = 'payment-INV-100-1';
// What @temporalio/worker 1.24 reports on its first workflow task: sdk-core's
// flags IdAndTypeDeterminismChecks (1) and MoveTerminalCommands (3). Recorded
// in WorkflowTaskCompleted, they tell the replayer which checks apply.
const SDK_METADATA = { coreUsedFlags: [1, 3], langUsedFlags: [] };

let history: HistoryDocument;
let bundle: WorkflowBundle;

before(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    logger: new DefaultLogger('ERROR'),
  });
  history = await recordHistory();
});

/** Runs PaymentWorkflow on our engine, the worker doing what the TS SDK would. */
async function recordHistory(): Promise<HistoryDocument> {
  const module = await engineModule();
  const host = new ServerHost({ engine: module, store: new MemoryBatchStore() });
  await host.open();
  try {
    const worker = new ScriptedWorker(host, TASK_QUEUE, 'ts-sdk-equivalent');
    const line = INVOICE.lines[0];
    await host.call('StartWorkflowExecution', {
      namespace: NAMESPACE,
      workflowId: WORKFLOW_ID,
      workflowType: { name: 'PaymentWorkflow' },
      taskQueue: { name: TASK_QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloads(line),
      workflowTaskTimeout: '10s',
      identity: 'compat-test',
      requestId: 'compat-start',
    });
    // Activation 1: sleep('2 seconds') -> timer seq 1.
    let task = await worker.nextWorkflowTask();
    assert.deepEqual(taskEventTypes(task), ['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
    await worker.complete(task, [commands.startTimer('1', '2s')], { sdkMetadata: SDK_METADATA });
    await host.call('SkipToNextTimer', { namespace: NAMESPACE });
    // Activation 2: timer fired -> payment_gateway, activity seq 1, on the workflow's queue.
    task = await worker.nextWorkflowTask();
    assert.deepEqual(taskEventTypes(task).slice(-3), ['TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
    await worker.complete(task, [commands.scheduleActivity('1', 'payment_gateway', TASK_QUEUE, line, {
      startToCloseTimeout: '30s', header: {},
    })]);
    const activity = await worker.nextActivityTask();
    assert.deepEqual(ScriptedWorker.activityInput(activity), line);
    await worker.completeActivity(activity, true);
    // Activation 3: activity resolved -> return "COMPLETED".
    task = await worker.nextWorkflowTask();
    await worker.complete(task, [commands.completeWorkflow('COMPLETED')]);

    const events = await fetchHistory(host, WORKFLOW_ID);
    return exportHistory(module, { events });
  } finally {
    await host.close();
  }
}

test('our history has the shape the TypeScript SDK expects', () => {
  assert.deepEqual(history.events.map((e) => shortType(e.eventType as string)), [
    'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'TimerStarted', 'TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted',
    'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted',
  ]);
  const completed = history.events[3]!.workflowTaskCompletedEventAttributes as { sdkMetadata?: { coreUsedFlags?: number[] } };
  assert.deepEqual(completed.sdkMetadata?.coreUsedFlags, SDK_METADATA.coreUsedFlags, 'sdkMetadata is recorded as Temporal does');
  const result = history.events[15]!.workflowExecutionCompletedEventAttributes as { result: { payloads: never[] } };
  assert.equal(decodePayload(result.result.payloads[0]!), 'COMPLETED');
});

test('Temporal\'s TypeScript SDK replays the history our engine wrote', async () => {
  await Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'durable-lab-compat' }, history, WORKFLOW_ID);
});

test('the replayer rejects our history when the activity type was changed (nondeterminism)', async () => {
  const tampered = structuredClone(history);
  const scheduled = tampered.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')!;
  (scheduled.activityTaskScheduledEventAttributes as { activityType: { name: string } }).activityType.name = 'charge_card';
  await assert.rejects(
    Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'durable-lab-compat-tampered' }, tampered, WORKFLOW_ID),
    (error: unknown) => error instanceof DeterminismViolationError && /charge_card/.test((error as Error).message),
  );
});

test('the replayer rejects our history when the timer ID was changed (nondeterminism)', async () => {
  // The SDK numbers timers 1, 2, ...; a recorded timer "7" matches no command.
  // (Unlike the activity type, this check does not depend on sdkMetadata.)
  const tampered = structuredClone(history);
  for (const event of tampered.events) {
    const attrs = (event.timerStartedEventAttributes ?? event.timerFiredEventAttributes) as { timerId?: string } | undefined;
    if (attrs) attrs.timerId = '7';
  }
  await assert.rejects(
    Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'durable-lab-compat-timer' }, tampered, WORKFLOW_ID),
    DeterminismViolationError,
  );
});
