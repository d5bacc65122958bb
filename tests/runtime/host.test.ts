// ServerHost's own contract, with the real engine: commit before reply, in
// order; cancellation of pending calls; failures of the store; restarts on a
// NodeFileStore that continue where the last process stopped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../web/src/server/errors.ts';
import { ServerHost } from '../../web/src/server/host.ts';
import type { BatchStore, StoreSnapshot, WriteBatch } from '../../web/src/server/store/batch-store.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import { NodeFileStore } from '../../web/src/server/store/node-file-store.ts';
import { engineModule, payloads, tempDir } from './helpers.ts';
import { NAMESPACE, ScriptedWorker, commands, fetchHistory, shortType } from './scripted-worker.ts';

const QUEUE = 'host-test-queue';

function startRequest(workflowId: string) {
  return {
    namespace: NAMESPACE,
    workflowId,
    workflowType: { name: 'InvoiceWorkflow' },
    taskQueue: { name: QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: payloads({ invoice_id: workflowId }),
    requestId: `start-${workflowId}`,
  };
}

/** A store whose commits wait until the test lets them through, and which logs what happens. */
class GatedStore implements BatchStore {
  readonly inner = new MemoryBatchStore();
  readonly log: string[] = [];
  gates: Array<() => void> = [];
  failNext: Error | null = null;
  #count = 0;

  load(): Promise<StoreSnapshot> {
    return this.inner.load();
  }

  async commit(batch: WriteBatch): Promise<void> {
    const n = ++this.#count;
    this.log.push(`commit ${n} begin`);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      this.log.push(`commit ${n} failed`);
      throw error;
    }
    await this.inner.commit(batch);
    this.log.push(`commit ${n} done`);
  }

  /** Lets every waiting commit through (so a failed test does not hang close()). */
  releaseAll(): void {
    while (this.gates.length) this.gates.shift()!();
  }

  release(): void {
    const gate = this.gates.shift();
    assert.ok(gate, 'no commit is waiting');
    gate();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

test('replies wait for their batch to commit, and batches commit one at a time in order', async (t) => {
  const store = new GatedStore();
  const host = new ServerHost({ engine: await engineModule(), store });
  await host.open();
  t.after(() => { store.releaseAll(); return host.close(); });

  const first = host.call('StartWorkflowExecution', startRequest('wf-a')).then(() => store.log.push('reply a'));
  const second = host.call('StartWorkflowExecution', startRequest('wf-b')).then(() => store.log.push('reply b'));
  // A read needs no batch, but its answer reflects both starts: it must wait for them too.
  const listed = host.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: 'wf-b' } })
    .then(() => store.log.push('reply describe'));
  await tick();
  assert.deepEqual(store.log, ['commit 1 begin'], 'the second commit must not start before the first is done');
  store.release();
  await tick();
  assert.deepEqual(store.log, ['commit 1 begin', 'commit 1 done', 'reply a', 'commit 2 begin']);
  store.release();
  await Promise.all([first, second, listed]);
  assert.deepEqual(store.log, ['commit 1 begin', 'commit 1 done', 'reply a', 'commit 2 begin', 'commit 2 done', 'reply b', 'reply describe']);
  assert.equal(store.inner.commits, 2);
});

test('a failed commit fails the calls waiting on it and stops the host', async (t) => {
  const store = new GatedStore();
  const errors: Error[] = [];
  const host = new ServerHost({ engine: await engineModule(), store, onError: (e) => errors.push(e) });
  await host.open();
  t.after(() => { store.releaseAll(); return host.close(); });
  store.failNext = new Error('disk full');
  const start = host.call('StartWorkflowExecution', startRequest('wf-fail'));
  await tick();
  store.release();
  await assert.rejects(start, (e: unknown) => e instanceof EngineError && e.code === 'UNAVAILABLE' && /disk full/.test(e.message));
  await assert.rejects(host.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: 'wf-fail' } }),
    (e: unknown) => e instanceof EngineError && e.code === 'UNAVAILABLE');
  assert.equal(errors.length, 1);
  assert.equal(store.inner.commits, 0);
});

test('aborting a long poll cancels it in the engine; the task goes to the next poller', async (t) => {
  const host = new ServerHost({ engine: await engineModule(), store: new MemoryBatchStore(), engineOptions: { longPollTimeoutMs: 60_000 } });
  await host.open();
  t.after(() => host.close());
  const worker = new ScriptedWorker(host, QUEUE);
  const controller = new AbortController();
  const abandoned = worker.nextWorkflowTask(undefined, controller.signal);
  await tick();
  controller.abort();
  await assert.rejects(abandoned, (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');

  await host.call('StartWorkflowExecution', startRequest('wf-abort'));
  const task = await worker.nextWorkflowTask();
  assert.equal(task.workflowExecution.workflowId, 'wf-abort');
  assert.equal(shortType(task.history!.events[0]!.eventType), 'WorkflowExecutionStarted');
  // An already aborted signal never reaches the engine.
  await assert.rejects(host.call('DescribeTaskQueue', {}, { signal: AbortSignal.abort() }), (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');
});

test('an unanswered long poll is answered empty at its deadline by the host timer', async (t) => {
  const host = new ServerHost({ engine: await engineModule(), store: new MemoryBatchStore(), engineOptions: { longPollTimeoutMs: 300 } });
  await host.open();
  t.after(() => host.close());
  const began = Date.now();
  const response = await host.call('PollActivityTaskQueue', { namespace: NAMESPACE, taskQueue: { name: QUEUE }, identity: 'w' });
  const waited = Date.now() - began;
  assert.ok(waited >= 250 && waited < 5000, `waited ${waited} ms`);
  assert.ok(!response?.taskToken, 'an empty poll response');
});

test('close() rejects calls still waiting and frees the engine', async () => {
  const host = new ServerHost({ engine: await engineModule(), store: new MemoryBatchStore() });
  await host.open();
  const poll = host.call('PollWorkflowTaskQueue', { namespace: NAMESPACE, taskQueue: { name: QUEUE }, identity: 'w' });
  await tick();
  await host.close();
  await assert.rejects(poll, (e: unknown) => e instanceof EngineError && e.code === 'UNAVAILABLE');
  await assert.rejects(host.call('DescribeTaskQueue', {}), (e: unknown) => e instanceof EngineError && e.code === 'FAILED_PRECONDITION');
});

test('a ServerHost restarted on the same NodeFileStore continues the workflow with the same timer', async (t) => {
  const path = join(await tempDir(t), 'server.log');
  const module = await engineModule();

  // First process: start the workflow; the worker starts the 5-day approval timer.
  const first = new ServerHost({ engine: module, store: new NodeFileStore(path) });
  await first.open();
  const started = await first.call<{ runId: string }>('StartWorkflowExecution', startRequest('invoice-restart'));
  const worker1 = new ScriptedWorker(first, QUEUE);
  const task1 = await worker1.nextWorkflowTask();
  await worker1.complete(task1, [commands.startTimer('1', '432000s')]);
  const before = await first.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: 'invoice-restart' } });
  const fireTime = before.pendingTimers[0].fireTime as string;
  const historyBefore = await fetchHistory(first, 'invoice-restart');
  const stateBefore = first.dumpState();
  await first.close();

  // Second process: everything comes back from the file.
  const second = new ServerHost({ engine: module, store: new NodeFileStore(path) });
  await second.open();
  t.after(() => second.close());
  assert.deepEqual(second.dumpState(), stateBefore);
  const after = await second.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: 'invoice-restart' } });
  assert.equal(after.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  assert.equal(after.workflowExecutionInfo.execution.runId, started.runId);
  assert.equal(after.pendingTimers[0].fireTime, fireTime, 'the timer does not restart from the beginning');
  assert.deepEqual(await fetchHistory(second, 'invoice-restart'), historyBefore);
  // The host armed its wakeup for that same moment (rounded up to the millisecond).
  const armedLate = second.nextWakeupMs - Date.parse(fireTime);
  assert.ok(armedLate >= 0 && armedLate <= 1, `wakeup armed ${armedLate} ms from the fire time`);

  // Five days pass (test clock); the timer fires at its original time and a new worker finishes.
  await second.call('SkipToNextTimer', { namespace: NAMESPACE });
  const worker2 = new ScriptedWorker(second, QUEUE, 'worker-after-restart');
  const task2 = await worker2.nextWorkflowTask();
  const fired = task2.history!.events.find((e) => shortType(e.eventType) === 'TimerFired')!;
  assert.equal(Date.parse(fired.eventTime), Date.parse(fireTime));
  assert.equal(task2.history!.events[0]!.eventId, '1', 'a new worker gets the full history to replay');
  await worker2.complete(task2, [commands.completeWorkflow('PAID')]);
  const closed = await second.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: 'invoice-restart' } });
  assert.equal(closed.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_COMPLETED');
  assert.deepEqual((await fetchHistory(second, 'invoice-restart')).map((e) => shortType(e.eventType)).slice(-5),
    ['TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted']);
});

// Found by the Node crash suite (tests/faults): the engine drew a 64-bit seed
// for run IDs, the store (JSON through JavaScript) kept it rounded to a
// double, and a restored engine's IDs from the rounded seed repeated run IDs
// given out before the restart: a new run overwrote an old one's history.
test('run IDs stay unique across restarts: the seed survives the store as JSON, an older rounded one is replaced', async () => {
  const module = await engineModule();
  const seedIn = (store: MemoryBatchStore) => store.load().then((s) => (s as Record<string, Record<string, { seed: number }>>).meta!.engine!.seed);
  const runIds: string[] = [];
  const startSome = async (store: MemoryBatchStore, from: number) => {
    const host = new ServerHost({ engine: module, store });
    await host.open();
    for (let i = from; i < from + 5; i++) runIds.push((await host.call('StartWorkflowExecution', startRequest(`seed-${i}`))).runId);
    await host.close();
  };
  for (let i = 0; i < 20; i++) {
    const store = new MemoryBatchStore();
    await startSome(store, 0);
    assert.ok(Number.isSafeInteger(await seedIn(store)), `a drawn seed is exact in JavaScript (${await seedIn(store)})`);
    await startSome(store, 5); // restored from the store
    assert.equal(new Set(runIds).size, runIds.length, 'no run ID is given out twice');
    runIds.length = 0;
  }

  // A store written before the fix holds a seed above 2^53 - 1 (rounded): the restored engine draws a new one.
  const legacy = new MemoryBatchStore();
  await startSome(legacy, 0);
  const snapshot = await legacy.load() as Record<string, Record<string, Record<string, unknown>>>;
  snapshot.meta!.engine!.seed = 4895156153607974000;
  const restored = new MemoryBatchStore(snapshot as StoreSnapshot);
  await startSome(restored, 5);
  const reseeded = await seedIn(restored);
  assert.ok(Number.isSafeInteger(reseeded) && reseeded !== 4895156153607974000, `the rounded seed was replaced (${reseeded})`);
  assert.equal(new Set(runIds).size, 10);

  // An explicit seed JavaScript cannot hold exactly is refused.
  const host = new ServerHost({ engine: module, store: new MemoryBatchStore(), engineOptions: { seed: '9007199254740992' } });
  await assert.rejects(host.open(), (error: EngineError) => error.code === 'INVALID_ARGUMENT' && /above 2\^53 - 1/.test(error.message));
});
