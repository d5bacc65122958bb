import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyBatch, emptySnapshot } from '../../web/src/server/store/batch-store.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';

test('applyBatch puts and deletes like the engine, and "__proto__" is an ordinary key', () => {
  const snapshot = emptySnapshot();
  applyBatch(snapshot, [
    { table: 'executions', key: 'r1', value: { n: 1 } },
    { table: 'executions', key: '__proto__', value: { evil: true } },
    { table: 'current', key: 'wf', value: 'r1' },
  ]);
  applyBatch(snapshot, [
    { table: 'executions', key: 'r1', delete: true },
    { table: 'nothing', key: 'x', delete: true },
  ]);
  assert.equal(JSON.stringify(snapshot), '{"executions":{"__proto__":{"evil":true}},"current":{"wf":"r1"}}');
  assert.deepEqual(Object.keys(snapshot.executions!), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).evil, undefined);
});

test('MemoryBatchStore commits in order, validates batches and hands out copies', async () => {
  const store = new MemoryBatchStore();
  await store.commit([{ table: 't', key: 'a', value: [1] }]);
  await store.commit([{ table: 't', key: 'a', value: [2] }, { table: 't', key: 'b', value: 'x' }]);
  await assert.rejects(store.commit([{ table: 't', key: 'c' } as never]), /exactly one of/);
  const loaded = await store.load();
  assert.deepEqual(JSON.parse(JSON.stringify(loaded)), { t: { a: [2], b: 'x' } });
  (loaded.t!.a as number[]).push(3);
  assert.deepEqual(JSON.parse(JSON.stringify(await store.load())), { t: { a: [2], b: 'x' } });
  assert.equal(store.commits, 2);
});
