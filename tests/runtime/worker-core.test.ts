// The replay core (worker role) through engine.wasm, against the engine (server role).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkerCore, type RawWorkerCore } from '../../web/src/server/engine-module.ts';
import { EngineError, decodeResult } from '../../web/src/server/errors.ts';
import { ServerHost } from '../../web/src/server/host.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import { INVOICE, decodePayload, engineModule, payloads } from './helpers.ts';
import { NAMESPACE, fetchHistory, shortType } from './scripted-worker.ts';

const QUEUE = 'core-queue';

interface CoreResult {
  evictions: Array<{ runId: string }>;
  activation?: { runId: string; isReplaying: boolean; jobs: Array<Record<string, any>> };
  respond?: { method: string; request: Record<string, any> };
}

const handle = (core: RawWorkerCore, poll: unknown) => decodeResult<CoreResult>(core.handleWorkflowTask(JSON.stringify(poll)));
const complete = (core: RawWorkerCore, runId: string, commands: unknown[]) =>
  decodeResult<CoreResult>(core.completeActivation(JSON.stringify({ runId, successful: { commands } })));

async function poll(host: ServerHost) {
  return host.call('PollWorkflowTaskQueue', { namespace: NAMESPACE, taskQueue: { name: QUEUE }, identity: 'core-worker' });
}

test('the replay core turns tasks into activations and commands into RPCs, and detects nondeterminism', async (t) => {
  const module = await engineModule();
  const host = new ServerHost({ engine: module, store: new MemoryBatchStore() });
  await host.open();
  t.after(() => host.close());
  const core = createWorkerCore(module, { identity: 'core-worker', taskQueue: QUEUE, maxCachedRuns: 10 });
  t.after(() => core.delete());

  const { runId } = await host.call('StartWorkflowExecution', {
    namespace: NAMESPACE, workflowId: 'core-1', workflowType: { name: 'PaymentWorkflow' },
    taskQueue: { name: QUEUE }, input: payloads(INVOICE.lines[0]), requestId: 'core-1',
  });

  // Task 1: initializeWorkflow -> the code sleeps 2 s.
  let result = handle(core, await poll(host));
  const init = result.activation!.jobs[0]!.initializeWorkflow;
  assert.equal(init.workflowType, 'PaymentWorkflow');
  assert.deepEqual(decodePayload(init.arguments[0]), INVOICE.lines[0]);
  result = complete(core, runId, [{ startTimer: { seq: 1, startToFireTimeout: '2s' } }]);
  assert.equal(result.respond!.method, 'RespondWorkflowTaskCompleted');
  assert.deepEqual(result.respond!.request.commands.map((c: { commandType: string }) => c.commandType), ['COMMAND_TYPE_START_TIMER']);
  await host.call(result.respond!.method, result.respond!.request);
  assert.equal(core.cachedRunCount(), 1);

  // Task 2: fireTimer -> schedule the activity.
  await host.call('SkipToNextTimer', { namespace: NAMESPACE });
  result = handle(core, await poll(host));
  assert.deepEqual(result.activation!.jobs as unknown, [{ fireTimer: { seq: 1 } }]);
  result = complete(core, runId, [{ scheduleActivity: { seq: 1, activityType: 'payment_gateway', arguments: [payloads(INVOICE.lines[0]).payloads[0]], startToCloseTimeout: '30s' } }]);
  await host.call(result.respond!.method, result.respond!.request);

  // The run is evicted; a new core replays the full history and this time the
  // code (deliberately changed) schedules the activity without sleeping first.
  assert.deepEqual(decodeResult(core.evict(runId)), {});
  assert.throws(() => decodeResult(core.evict(runId)), (e: unknown) => e instanceof EngineError && e.code === 'NOT_FOUND');
  const events = await fetchHistory(host, 'core-1');
  assert.equal(shortType(events.at(-1)!.eventType), 'ActivityTaskScheduled');
  const activity = await host.call('PollActivityTaskQueue', { namespace: NAMESPACE, taskQueue: { name: QUEUE }, identity: 'a' });
  await host.call('RespondActivityTaskCompleted', { namespace: NAMESPACE, taskToken: activity.taskToken, result: payloads(true) });
  const task3 = await poll(host);
  const fresh = createWorkerCore(module, { identity: 'core-worker-2', taskQueue: QUEUE });
  t.after(() => fresh.delete());
  const full = { ...task3, history: { events: await fetchHistory(host, 'core-1') } };
  const replay = handle(fresh, full);
  assert.equal(replay.activation!.isReplaying, true);
  assert.ok(replay.activation!.jobs[0]!.initializeWorkflow);
  result = complete(fresh, runId, [{ scheduleActivity: { seq: 1, activityType: 'payment_gateway', arguments: [], startToCloseTimeout: '30s' } }]);
  assert.equal(result.respond?.method, 'RespondWorkflowTaskFailed', JSON.stringify(result));
  assert.equal(result.respond!.request.cause, 'WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR');
  assert.match(result.respond!.request.failure.message, /TimerStarted/);
  assert.ok(result.evictions.some((e) => e.runId === runId) || fresh.cachedRunCount() === 0, 'the run is evicted on nondeterminism');
  await host.call(result.respond!.method, result.respond!.request);
});

test('the replay core rejects bad input with structured errors and keeps working', async (t) => {
  const module = await engineModule();
  assert.throws(() => createWorkerCore(module, { maxCachedRuns: 0 }), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => createWorkerCore(module, { colour: 'blue' } as never), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT');
  const core = createWorkerCore(module, { taskQueue: QUEUE });
  t.after(() => core.delete());
  const errorOf = (text: string) => (JSON.parse(text) as { error?: { code: string; message: string } }).error;
  assert.equal(errorOf(core.handleWorkflowTask('{oops'))?.code, 'INVALID_ARGUMENT');
  assert.equal(errorOf(core.handleWorkflowTask('{"taskToken":"x"}'))?.code, 'INVALID_ARGUMENT');
  assert.equal(errorOf(core.completeActivation('{"runId":"nope","successful":{"commands":[]}}'))?.code, 'NOT_FOUND');
  assert.equal(errorOf(core.evict('nope'))?.code, 'NOT_FOUND');
  assert.equal(core.cachedRunCount(), 0);
});
