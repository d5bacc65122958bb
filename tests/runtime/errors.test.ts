// Bad input through the binding: every failure is a structured error
// {code, message}, the state is untouched, and the module keeps working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRawEngine, type RawEngine } from '../../web/src/server/engine-module.ts';
import { EngineError } from '../../web/src/server/errors.ts';
import { ServerHost } from '../../web/src/server/host.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import { engineModule, payloads } from './helpers.ts';
import { NAMESPACE } from './scripted-worker.ts';

interface Outcome {
  batch: unknown[];
  replies: Array<{ callId: number; response?: any; error?: { code: string; message: string } }>;
}

function call(engine: RawEngine, id: number, method: string, request: string): Outcome {
  return JSON.parse(engine.call(id, method, request)) as Outcome;
}

function expectError(outcome: Outcome, id: number, code: string, what: string): void {
  assert.deepEqual(outcome.batch, [], `${what}: a failed call writes nothing`);
  assert.equal(outcome.replies.length, 1, what);
  const reply = outcome.replies[0]!;
  assert.equal(reply.callId, id, what);
  assert.ok(reply.error, `${what}: expected an error, got ${JSON.stringify(reply)}`);
  assert.equal(reply.error.code, code, `${what}: ${reply.error.message}`);
  assert.ok(reply.error.message.length > 0, what);
}

const start = (workflowId: string) => JSON.stringify({
  namespace: NAMESPACE, workflowId, workflowType: { name: 'InvoiceWorkflow' },
  taskQueue: { name: 'errors-queue' }, input: payloads({ invoice_id: workflowId }), requestId: `r-${workflowId}`,
});

test('malformed JSON, unknown methods, unknown workflows and bad call IDs are structured errors', async (t) => {
  const engine = openRawEngine(await engineModule(), {}, {});
  t.after(() => engine.delete());
  const before = engine.dumpState();

  expectError(call(engine, 1, 'StartWorkflowExecution', '{"workflowId": '), 1, 'INVALID_ARGUMENT', 'malformed JSON');
  expectError(call(engine, 2, 'StartWorkflowExecution', '[1, 2, 3]'), 2, 'INVALID_ARGUMENT', 'a request that is not an object');
  expectError(call(engine, 3, 'StartWorkflowExecution', '{"workflowId": "x"}'), 3, 'INVALID_ARGUMENT', 'missing workflow type and task queue');
  expectError(call(engine, 4, 'LaunchMissiles', '{}'), 4, 'UNIMPLEMENTED', 'unknown method');
  expectError(call(engine, 5, 'DescribeWorkflowExecution', JSON.stringify({ namespace: NAMESPACE, execution: { workflowId: 'no-such-workflow' } })), 5, 'NOT_FOUND', 'unknown workflow (describe)');
  expectError(call(engine, 6, 'SignalWorkflowExecution', JSON.stringify({ namespace: NAMESPACE, workflowExecution: { workflowId: 'no-such-workflow' }, signalName: 'ApproveInvoice' })), 6, 'NOT_FOUND', 'unknown workflow (signal)');
  expectError(call(engine, 7, 'GetWorkflowExecutionHistory', JSON.stringify({ namespace: NAMESPACE, execution: { workflowId: 'no-such-workflow' } })), 7, 'NOT_FOUND', 'unknown workflow (history)');
  expectError(call(engine, 8, 'RespondWorkflowTaskCompleted', JSON.stringify({ namespace: NAMESPACE, taskToken: 'bm90IGEgdG9rZW4=', commands: [] })), 8, 'NOT_FOUND', 'unknown task token');
  expectError(call(engine, 9, 'StartWorkflowExecution', JSON.stringify({
    namespace: NAMESPACE, workflowId: 'huge', workflowType: { name: 'InvoiceWorkflow' }, taskQueue: { name: 'q' },
    input: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'A'.repeat(3 * 1024 * 1024) }] },
  })), 9, 'RESOURCE_EXHAUSTED', 'a request over 2 MB');
  expectError(JSON.parse(engine.call(-1, 'DescribeTaskQueue', '{}')) as Outcome, 0, 'INVALID_ARGUMENT', 'a negative call ID');
  expectError(JSON.parse(engine.call(1.5, 'DescribeTaskQueue', '{}')) as Outcome, 0, 'INVALID_ARGUMENT', 'a fractional call ID');
  // A lone surrogate cannot become valid UTF-8: rejected as malformed, not a trap.
  expectError(call(engine, 10, 'DescribeWorkflowExecution', '{"namespace":"default","execution":{"workflowId":"\udc00"}}'), 10, 'INVALID_ARGUMENT', 'a lone surrogate in an ID');

  assert.equal(engine.dumpState(), before, 'no failed call changed the state');

  // ...and the engine still does its job.
  const started = call(engine, 11, 'StartWorkflowExecution', start('after-errors'));
  assert.ok(started.replies[0]!.response?.runId, JSON.stringify(started.replies[0]));
  assert.ok(started.batch.length > 0);
  const described = call(engine, 12, 'DescribeWorkflowExecution', JSON.stringify({ namespace: NAMESPACE, execution: { workflowId: 'after-errors' } }));
  assert.equal(described.replies[0]!.response.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  expectError(call(engine, 13, 'StartWorkflowExecution', start('after-errors').replace('r-after-errors', 'other')), 13, 'ALREADY_EXISTS', 'a second start of a running workflow ID');
});

test('signals to a closed workflow and double completions are rejected, state untouched', async (t) => {
  const engine = openRawEngine(await engineModule(), {}, {});
  t.after(() => engine.delete());
  call(engine, 1, 'StartWorkflowExecution', start('closing'));
  const polled = call(engine, 2, 'PollWorkflowTaskQueue', JSON.stringify({ namespace: NAMESPACE, taskQueue: { name: 'errors-queue' }, identity: 'w' }));
  const token = polled.replies[0]!.response.taskToken as string;
  const complete = JSON.stringify({
    namespace: NAMESPACE, taskToken: token, identity: 'w',
    commands: [{ commandType: 'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION', completeWorkflowExecutionCommandAttributes: { result: payloads('PAID') } }],
  });
  assert.ok(!call(engine, 3, 'RespondWorkflowTaskCompleted', complete).replies[0]!.error);
  const closed = engine.dumpState();
  expectError(call(engine, 4, 'RespondWorkflowTaskCompleted', complete), 4, 'NOT_FOUND', 'a second completion of the same task token');
  const signal = JSON.stringify({ namespace: NAMESPACE, workflowExecution: { workflowId: 'closing' }, signalName: 'ApproveInvoice' });
  const rejected = call(engine, 5, 'SignalWorkflowExecution', signal);
  assert.ok(['NOT_FOUND', 'FAILED_PRECONDITION'].includes(rejected.replies[0]!.error?.code ?? ''), JSON.stringify(rejected));
  assert.equal(engine.dumpState(), closed);
});

test('through ServerHost, errors reject with an EngineError carrying code and message', async (t) => {
  const host = new ServerHost({ engine: await engineModule(), store: new MemoryBatchStore() });
  await host.open();
  t.after(() => host.close());
  await assert.rejects(host.call('NoSuchRpc', {}), (e: unknown) => e instanceof EngineError && e.code === 'UNIMPLEMENTED' && e.message.includes('NoSuchRpc'));
  const error = await host.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId: 'nope' } }).catch((e: EngineError) => e);
  assert.ok(error instanceof EngineError);
  assert.deepEqual(Object.keys(error.toJSON()), ['code', 'message']);
  assert.equal(error.code, 'NOT_FOUND');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await assert.rejects(host.call('StartWorkflowExecution', cyclic), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT');
  const { runId } = await host.call<{ runId: string }>('StartWorkflowExecution', JSON.parse(start('host-ok')));
  assert.ok(runId);
});
