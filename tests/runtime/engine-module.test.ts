import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRawEngine } from '../../web/src/server/engine-module.ts';
import { EngineError } from '../../web/src/server/errors.ts';
import { engineModule } from './helpers.ts';

test('engine.wasm loads under Node and reports a version', async () => {
  const module = await engineModule();
  assert.match(module.version(), /^\d+\.\d+\.\d+/);
});

test('the module lists the WorkflowService RPCs it serves', async () => {
  const methods = JSON.parse((await engineModule()).methods()) as string[];
  for (const rpc of ['StartWorkflowExecution', 'SignalWorkflowExecution', 'QueryWorkflow', 'DescribeWorkflowExecution',
    'GetWorkflowExecutionHistory', 'PollWorkflowTaskQueue', 'RespondWorkflowTaskCompleted', 'PollActivityTaskQueue',
    'RespondActivityTaskCompleted', 'RespondQueryTaskCompleted']) {
    assert.ok(methods.includes(rpc), `${rpc} missing from ${methods.join(', ')}`);
  }
});

test('Engine.open reports bad options and snapshots as structured errors', async () => {
  const module = await engineModule();
  const cases: Array<[string, string, string]> = [
    ['{not json', '{}', 'INVALID_ARGUMENT'],
    ['{"noSuchOption":1}', '{}', 'INVALID_ARGUMENT'],
    ['{"seed":-1}', '{}', 'INVALID_ARGUMENT'],
    ['{}', '[1,2]', 'INVALID_ARGUMENT'],
    ['{}', '{"executions":"not rows"}', 'INVALID_ARGUMENT'],
  ];
  for (const [options, snapshot, code] of cases) {
    const opened = module.Engine.open(options, snapshot);
    assert.equal(typeof opened, 'string', `open(${options}, ${snapshot}) should fail`);
    const { error } = JSON.parse(opened as string) as { error: { code: string; message: string } };
    assert.equal(error.code, code, `open(${options}, ${snapshot}): ${error.message}`);
    assert.ok(error.message.length > 0);
  }
  // ...and the module still opens good engines afterwards.
  const engine = openRawEngine(module, { seed: '12345' }, {});
  assert.ok(engine.nowMs() > Date.parse('2020-01-01'));
  engine.delete();
  assert.throws(() => openRawEngine(module, { queryTimeoutMs: 'soon' as unknown as number }, {}), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT');
});

test('a fresh engine has nothing to wake up for, and its clock follows wall time', async () => {
  const engine = openRawEngine(await engineModule(), {}, {});
  try {
    assert.equal(engine.nextWakeupMs(), -1);
    const now = engine.nowMs();
    assert.ok(Math.abs(now - Date.now()) < 5000, `engine now ${now} vs Date.now() ${Date.now()}`);
    const idle = JSON.parse(engine.tick()) as { batch: unknown[]; replies: unknown[] };
    assert.deepEqual(idle.replies, []);
  } finally {
    engine.delete();
  }
});
