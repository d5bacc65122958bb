// NodeFileStore on its own: durability format, reopen, torn tails, corruption.
import assert from 'node:assert/strict';
import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import { NodeFileStore, StoreCorruptionError, encodeRecord } from '../../web/src/server/store/node-file-store.ts';
import type { WriteBatch } from '../../web/src/server/store/batch-store.ts';
import { tempDir } from './helpers.ts';

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

function batches(): WriteBatch[] {
  return [
    [{ table: 'meta', key: 'engine', value: { seed: '42', seq: 1 } }],
    [{ table: 'executions', key: 'run-1', value: { workflowId: 'invoice-1', status: 'RUNNING', note: 'ünïcødé ✓' } },
      { table: 'current', key: 'invoice-1', value: 'run-1' }],
    [{ table: 'history', key: 'run-1/00000000000000000001', value: { eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' } }],
    [{ table: 'executions', key: 'run-1', value: { workflowId: 'invoice-1', status: 'COMPLETED' } },
      { table: 'current', key: 'invoice-1', delete: true }],
  ];
}

async function commitAll(store: { commit(b: WriteBatch): Promise<void> }, list: WriteBatch[]) {
  for (const batch of list) await store.commit(batch);
}

test('a reopened file store yields the same snapshot as an in-memory store', async (t) => {
  const path = join(await tempDir(t), 'nested', 'server.log');
  const file = new NodeFileStore(path);
  assert.deepEqual(json(await file.load()), {});
  const memory = new MemoryBatchStore();
  await commitAll(file, batches());
  await commitAll(memory, batches());
  assert.equal(file.records, 4);
  await file.close();
  await assert.rejects(file.commit(batches()[0]!), /closed/);

  const reopened = new NodeFileStore(path);
  const snapshot = await reopened.load();
  assert.deepEqual(json(snapshot), json(await memory.load()));
  assert.equal(reopened.records, 4);
  // It keeps appending after the records it read.
  await reopened.commit([{ table: 'executions', key: 'run-2', value: { status: 'RUNNING' } }]);
  await reopened.close();
  const again = new NodeFileStore(path);
  assert.deepEqual((await again.load()).executions!['run-2'], { status: 'RUNNING' });
  assert.equal(again.records, 5);
  await again.close();
});

test('commits are serialized in call order even when not awaited one by one', async (t) => {
  const path = join(await tempDir(t), 'order.log');
  const store = new NodeFileStore(path);
  await store.load();
  const pending = [];
  for (let i = 0; i < 50; i++) pending.push(store.commit([{ table: 'counter', key: 'value', value: i }]));
  await Promise.all(pending);
  await store.close();
  const reopened = new NodeFileStore(path);
  assert.equal((await reopened.load()).counter!.value, 49);
  assert.equal(reopened.records, 50);
  await reopened.close();
});

test('commit() rejects batches that are not write batches, and writes nothing for them', async (t) => {
  const path = join(await tempDir(t), 'invalid.log');
  const store = new NodeFileStore(path);
  await store.load();
  await assert.rejects(store.commit({ not: 'a batch' } as never), TypeError);
  await assert.rejects(store.commit([{ table: 't' }] as never), TypeError);
  await store.commit([{ table: 't', key: 'k', value: 1 }]);
  assert.equal(store.records, 1);
  await store.close();
});

for (const cut of [1, 7, 15, 16, 20]) {
  test(`a torn tail (last record cut ${cut} bytes in) is truncated with a warning`, async (t) => {
    const path = join(await tempDir(t), 'torn.log');
    const store = new NodeFileStore(path);
    await store.load();
    await commitAll(store, batches().slice(0, 3));
    await store.close();
    const intact = (await stat(path)).size;
    // A crash in the middle of appending the fourth record.
    await appendFile(path, encodeRecord(batches()[3]!).subarray(0, cut));

    const warnings: string[] = [];
    const reopened = new NodeFileStore(path, { onWarning: (m) => warnings.push(m) });
    const snapshot = await reopened.load();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /torn tail after record 3/);
    assert.equal((await stat(path)).size, intact, 'the torn bytes are cut off');
    assert.equal(reopened.records, 3);
    assert.deepEqual((snapshot.executions!['run-1'] as { status: string }).status, 'RUNNING');
    // New commits land right after the last intact record.
    await reopened.commit(batches()[3]!);
    await reopened.close();
    const clean: string[] = [];
    const last = new NodeFileStore(path, { onWarning: (m) => clean.push(m) });
    assert.equal(((await last.load()).executions!['run-1'] as { status: string }).status, 'COMPLETED');
    assert.deepEqual(clean, []);
    await last.close();
  });
}

test('a last record with a bad checksum is a torn tail too', async (t) => {
  const path = join(await tempDir(t), 'flipped-tail.log');
  const store = new NodeFileStore(path);
  await store.load();
  await commitAll(store, batches());
  await store.close();
  const data = await readFile(path);
  data[data.length - 3] ^= 0x20; // inside the last payload
  await writeFile(path, data);
  const warnings: string[] = [];
  const reopened = new NodeFileStore(path, { onWarning: (m) => warnings.push(m) });
  const snapshot = await reopened.load();
  assert.match(warnings.join('\n'), /payload checksum mismatch/);
  assert.equal(reopened.records, 3);
  assert.equal((snapshot.executions!['run-1'] as { status: string }).status, 'RUNNING');
  await reopened.close();
});

test('damage before the tail is a clear error, and the file is left alone', async (t) => {
  const path = join(await tempDir(t), 'corrupt.log');
  const store = new NodeFileStore(path);
  await store.load();
  await commitAll(store, batches());
  await store.close();
  const original = await readFile(path);
  const secondRecord = 8 + encodeRecord(batches()[0]!).length;
  const data = Buffer.from(original);
  data[secondRecord + 16 + 5] ^= 0x01; // a byte of record 2's payload
  await writeFile(path, data);
  await assert.rejects(new NodeFileStore(path).load(), (e: unknown) =>
    e instanceof StoreCorruptionError && /record 2 at byte \d+ is damaged/.test(e.message) && /intact record follows/.test(e.message));
  assert.deepEqual(await readFile(path), data, 'a corrupt store must not be truncated');

  // A damaged length field in the middle is caught by the header checksum.
  const lengthHit = Buffer.from(original);
  lengthHit[secondRecord + 4] ^= 0x40;
  await writeFile(path, lengthHit);
  await assert.rejects(new NodeFileStore(path).load(), (e: unknown) =>
    e instanceof StoreCorruptionError && /header checksum mismatch/.test(e.message));
});

test('a file that is not a store log is refused; an empty or half-created one is (re)initialized', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'other.txt'), 'hello, this is not a log');
  await assert.rejects(new NodeFileStore(join(dir, 'other.txt')).load(), /not a Durable Lab store log/);

  await writeFile(join(dir, 'half.log'), Buffer.from('DLAB'));
  const warnings: string[] = [];
  const half = new NodeFileStore(join(dir, 'half.log'), { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(json(await half.load()), {});
  assert.equal(warnings.length, 1);
  await half.commit(batches()[0]!);
  await half.close();
  const reopened = new NodeFileStore(join(dir, 'half.log'));
  assert.deepEqual(json((await reopened.load()).meta), { engine: { seed: '42', seq: 1 } });
  await reopened.close();

  await writeFile(join(dir, 'empty.log'), '');
  const empty = new NodeFileStore(join(dir, 'empty.log'));
  assert.deepEqual(json(await empty.load()), {});
  await empty.close();
  await truncate(join(dir, 'empty.log'), 3); // "DLA": a prefix of the header again
  const prefix = new NodeFileStore(join(dir, 'empty.log'), { onWarning: () => {} });
  assert.deepEqual(json(await prefix.load()), {});
  await prefix.close();
});
