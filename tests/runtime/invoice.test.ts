// The chapter's invoice flow, end to end through engine.wasm: a ServerHost on
// a MemoryBatchStore plays the Temporal server, a scripted worker plays
// InvoiceWorkflow (wait up to 5 days for approval, then per line a 2 s timer
// and the payment_gateway activity, a GetInvoiceStatus query, "PAID").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerHost } from '../../web/src/server/host.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import { EngineError } from '../../web/src/server/errors.ts';
import { INVOICE, decodePayload, engineModule, payloads } from './helpers.ts';
import { NAMESPACE, ScriptedWorker, commands, fetchHistory, shortType, taskEventTypes } from './scripted-worker.ts';

const TASK_QUEUE = 'invoice-task-queue';
const WORKFLOW_ID = 'invoice-INV-100';
const RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 3 };

async function query(host: ServerHost, worker: ScriptedWorker, answer: (type: string) => unknown): Promise<unknown> {
  const pending = host.call<{ queryResult: { payloads: never[] } }>('QueryWorkflow', {
    namespace: NAMESPACE,
    execution: { workflowId: WORKFLOW_ID },
    query: { queryType: 'GetInvoiceStatus' },
  });
  // No workflow task is outstanding, so the query goes to the worker as a query task.
  const task = await host.call('PollWorkflowTaskQueue', {
    namespace: NAMESPACE, taskQueue: { name: TASK_QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, identity: worker.identity,
  });
  assert.equal(task.query?.queryType, 'GetInvoiceStatus', 'a query task');
  await worker.answerLegacyQuery(task, answer);
  const result = await pending;
  return decodePayload(result.queryResult.payloads[0]!);
}

async function describe(host: ServerHost) {
  return host.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: WORKFLOW_ID } });
}

test('the invoice workflow: approval wait, signal, timers, activities, queries, completion', async (t) => {
  const store = new MemoryBatchStore();
  const host = new ServerHost({ engine: await engineModule(), store, engineOptions: { longPollTimeoutMs: 120_000 } });
  await host.open();
  t.after(() => host.close());
  const worker = new ScriptedWorker(host, TASK_QUEUE);
  let status = 'INITIALIZING';
  const answer = (type: string) => {
    assert.equal(type, 'GetInvoiceStatus');
    return status;
  };

  // process_invoice: start InvoiceWorkflow with the chapter's invoice.
  const started = await host.call<{ runId: string }>('StartWorkflowExecution', {
    namespace: NAMESPACE,
    workflowId: WORKFLOW_ID,
    workflowType: { name: 'InvoiceWorkflow' },
    taskQueue: { name: TASK_QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: payloads(INVOICE),
    identity: 'mcp-server',
    requestId: 'request-INV-100',
  });
  assert.match(started.runId, /^[0-9a-f-]{36}$/);
  assert.ok(store.commits >= 1, 'the start was committed before it was acknowledged');
  await assert.rejects(
    host.call('StartWorkflowExecution', {
      namespace: NAMESPACE, workflowId: WORKFLOW_ID, workflowType: { name: 'InvoiceWorkflow' },
      taskQueue: { name: TASK_QUEUE }, input: payloads(INVOICE), requestId: 'another-request',
    }),
    (e: unknown) => e instanceof EngineError && e.code === 'ALREADY_EXISTS',
  );

  // First workflow task: the run method starts; wait_condition(timeout=5 days) is timer "1".
  let task = await worker.nextWorkflowTask();
  assert.deepEqual(taskEventTypes(task), ['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
  const startedAttrs = task.history!.events[0]!.workflowExecutionStartedEventAttributes;
  assert.equal(startedAttrs.workflowType.name, 'InvoiceWorkflow');
  assert.equal(startedAttrs.taskQueue.name, TASK_QUEUE);
  assert.deepEqual(decodePayload(startedAttrs.input.payloads[0]), INVOICE);
  status = 'PENDING-APPROVAL';
  const beforeTimer = host.nowMs();
  await worker.complete(task, [commands.startTimer('1', '432000s')]);

  // invoice_status: Describe and the query, while the 5-day timer runs.
  const running = await describe(host);
  assert.equal(running.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  assert.equal(running.workflowExecutionInfo.type.name, 'InvoiceWorkflow');
  assert.equal(running.workflowExecutionInfo.execution.runId, started.runId);
  const timers = running.pendingTimers as Array<{ timerId: string; fireTime: string }>;
  assert.equal(timers.length, 1);
  assert.equal(timers[0]!.timerId, '1');
  const fireIn = Date.parse(timers[0]!.fireTime) - beforeTimer;
  assert.ok(Math.abs(fireIn - 5 * 24 * 3600 * 1000) < 60_000, `the approval timer fires in 5 days, not ${fireIn} ms`);
  assert.equal(await query(host, worker, answer), 'PENDING-APPROVAL');

  // approve_invoice: the signal wakes the workflow, which cancels the wait and sleeps 2 s.
  await host.call('SignalWorkflowExecution', {
    namespace: NAMESPACE,
    workflowExecution: { workflowId: WORKFLOW_ID },
    signalName: 'ApproveInvoice',
    identity: 'mcp-server',
    requestId: 'approve-1',
  });
  task = await worker.nextWorkflowTask();
  assert.deepEqual(taskEventTypes(task).slice(-3), ['WorkflowExecutionSignaled', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
  const signaled = task.history!.events.find((e) => shortType(e.eventType) === 'WorkflowExecutionSignaled')!;
  assert.equal(signaled.workflowExecutionSignaledEventAttributes.signalName, 'ApproveInvoice');
  status = 'APPROVED';
  await worker.complete(task, [commands.cancelTimer('1'), commands.startTimer('2', '2s')]);
  assert.equal(await query(host, worker, answer), 'APPROVED');

  // Line 1: the 2 s timer fires on real time (the host's own wakeup timer ticks the engine).
  const waitStarted = Date.now();
  task = await worker.nextWorkflowTask();
  assert.ok(Date.now() - waitStarted >= 1500, 'the timer fired early');
  assert.deepEqual(taskEventTypes(task).slice(-3), ['TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
  await worker.complete(task, [commands.scheduleActivity('1', 'payment_gateway', TASK_QUEUE, INVOICE.lines[0], { startToCloseTimeout: '30s', retryPolicy: RETRY })]);

  let activity = await worker.nextActivityTask();
  assert.equal(activity.activityType.name, 'payment_gateway');
  assert.equal(activity.activityId, '1');
  assert.deepEqual(ScriptedWorker.activityInput(activity), INVOICE.lines[0]);
  const pendingActivity = await describe(host);
  assert.equal(pendingActivity.pendingActivities.length, 1);
  assert.equal(pendingActivity.pendingActivities[0].activityType.name, 'payment_gateway');
  await worker.completeActivity(activity, true);

  // Line 2: its 2 s timer is skipped over with the test service's clock.
  task = await worker.nextWorkflowTask();
  assert.deepEqual(taskEventTypes(task).slice(-4), ['ActivityTaskStarted', 'ActivityTaskCompleted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
  await worker.complete(task, [commands.startTimer('3', '2s')]);
  await host.call('SkipToNextTimer', { namespace: NAMESPACE });
  task = await worker.nextWorkflowTask();
  assert.deepEqual(taskEventTypes(task).slice(-3), ['TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted']);
  await worker.complete(task, [commands.scheduleActivity('2', 'payment_gateway', TASK_QUEUE, INVOICE.lines[1], { startToCloseTimeout: '30s', retryPolicy: RETRY })]);
  activity = await worker.nextActivityTask();
  assert.deepEqual(ScriptedWorker.activityInput(activity), INVOICE.lines[1]);
  await worker.completeActivity(activity, true);

  task = await worker.nextWorkflowTask();
  status = 'PAID';
  await worker.complete(task, [commands.completeWorkflow('PAID')]);

  // Closed: Describe says so, and queries are still answered (by the worker, not recorded).
  const closed = await describe(host);
  assert.equal(closed.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_COMPLETED');
  assert.equal(await query(host, worker, answer), 'PAID');

  const history = await fetchHistory(host, WORKFLOW_ID);
  assert.deepEqual(history.map((e) => shortType(e.eventType)), [
    'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'TimerStarted',
    'WorkflowExecutionSignaled', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'TimerCanceled', 'TimerStarted',
    'TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted',
    'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'TimerStarted', 'TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted',
    'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
    'WorkflowExecutionCompleted',
  ]);
  history.forEach((e, i) => assert.equal(e.eventId, String(i + 1)));
  const times = history.map((e) => Date.parse(e.eventTime));
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `eventTime goes backwards at event ${i + 1}`);
  const timerStarted = history[4]!.timerStartedEventAttributes;
  assert.equal(timerStarted.timerId, '1');
  assert.equal(timerStarted.startToFireTimeout, '432000s');
  assert.equal(history[9]!.timerCanceledEventAttributes.timerId, '1');
  const firstActivity = history[15]!.activityTaskScheduledEventAttributes;
  assert.equal(firstActivity.activityType.name, 'payment_gateway');
  assert.equal(firstActivity.startToCloseTimeout, '30s');
  assert.equal(firstActivity.retryPolicy.maximumAttempts, 3);
  assert.equal(history[16]!.activityTaskStartedEventAttributes.attempt, 1);
  assert.deepEqual(decodePayload(history[17]!.activityTaskCompletedEventAttributes.result.payloads[0]), true);
  // TimerFired (event 23) came from SkipToNextTimer: exactly 2 s after its TimerStarted.
  assert.equal(times[22]! - times[21]!, 2000);
  const completed = history[32]!.workflowExecutionCompletedEventAttributes;
  assert.deepEqual(decodePayload(completed.result.payloads[0]), 'PAID');

  // The exported history is valid Temporal history JSON.
  const module = await engineModule();
  const exported = JSON.parse(module.exportHistory(JSON.stringify({ events: history })));
  assert.equal(exported.history.events.length, history.length);

  // What was committed restores to exactly the same engine.
  const restored = new ServerHost({ engine: module, store });
  await restored.open();
  try {
    assert.deepEqual(restored.dumpState(), host.dumpState());
    assert.deepEqual(await fetchHistory(restored, WORKFLOW_ID), history);
  } finally {
    await restored.close();
  }
});
