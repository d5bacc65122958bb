#!/usr/bin/env node
// Durable transitions per second in Chromium: signals to one workflow through
// ServerHost on the IndexedDB store (each signal one committed batch, one
// readwrite transaction with durability "strict", acknowledged only after its
// complete event), side by side, in the same page and run, with raw IndexedDB
// single-put readwrite transactions of the same size, and with the same
// signals on the in-memory store (the engine's own cost).
// Prints one JSON object on its last line: {"suite":"indexeddb","figures":[...]}.
//
// Run: node bench/indexeddb-bench.mjs   (after `npm run build:wasm`; Debian's chromium)
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.DURABLE_BENCH_SECONDS ?? 3);
const BLANK = '/__durable_bench__/blank.html';

const server = await createServer({
  configFile: `${root}/vite.config.ts`,
  logLevel: 'error',
  server: { port: 0, strictPort: false, hmr: false, host: 'localhost' },
  optimizeDeps: { noDiscovery: true, include: [] },
  plugins: [{
    name: 'durable-bench-blank-page',
    configureServer(dev) {
      dev.middlewares.use(BLANK, (_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end('<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body></body></html>');
      });
    },
  }],
});
await server.listen();
const origin = server.resolvedUrls.local[0].replace(/\/$/, '');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

try {
  const page = await browser.newPage();
  await page.goto(`${origin}${BLANK}`);
  const result = await page.evaluate(async ({ seconds }) => {
    const { loadEngineModule } = await import('/src/server/engine-module.ts');
    const { ServerHost } = await import('/src/server/host.ts');
    const { IndexedDbStore } = await import('/src/server/store/indexeddb-store.ts');
    const { MemoryBatchStore } = await import('/src/server/store/memory-store.ts');
    const engine = await loadEngineModule(new URL('/engine/engine.mjs', location.origin).href);
    const b64 = (text) => btoa(text);
    const payloads = (v) => ({ payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(v)) }] });

    // Counts the batches and their JSON size on the way to the real store.
    const measured = (inner) => ({
      batches: 0, bytes: 0,
      load: () => inner.load(),
      commit(batch) { this.batches += 1; this.bytes += JSON.stringify(batch).length; return inner.commit(batch); },
      close: () => inner.close?.(),
    });

    async function signals(store, label) {
      const host = new ServerHost({ engine, store });
      await host.open();
      await host.call('StartWorkflowExecution', {
        namespace: 'default', workflowId: `bench-${label}`, workflowType: { name: 'Bench' },
        taskQueue: { name: 'bench' }, input: payloads({}), requestId: `start-${label}`,
      });
      const before = store.batches;
      const bytesBefore = store.bytes;
      let n = 0;
      const start = performance.now();
      const end = start + seconds * 1000;
      while (performance.now() < end) {
        await host.call('SignalWorkflowExecution', {
          namespace: 'default', workflowExecution: { workflowId: `bench-${label}` }, signalName: 'approve',
          input: payloads({ n }), identity: 'bench', requestId: `sig-${n}`,
        });
        n += 1;
      }
      const elapsed = (performance.now() - start) / 1000;
      await host.close();
      const batches = store.batches - before;
      return { perSecond: n / elapsed, n, batches, batchBytes: (store.bytes - bytesBefore) / Math.max(1, batches) };
    }

    const durable = await signals(measured(new IndexedDbStore('bench-durable')), 'idb');
    const memory = await signals(measured(new MemoryBatchStore()), 'memory');

    // Raw IndexedDB: one put per readwrite transaction (strict), of the same size.
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('bench-raw', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('rows');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const value = 'x'.repeat(Math.round(durable.batchBytes));
    let rawN = 0;
    const rawStart = performance.now();
    const rawEnd = rawStart + seconds * 1000;
    while (performance.now() < rawEnd) {
      await new Promise((resolve, reject) => {
        const tx = db.transaction(['rows'], 'readwrite', { durability: 'strict' });
        tx.objectStore('rows').put({ v: value, n: rawN }, rawN);
        tx.oncomplete = resolve;
        tx.onabort = () => reject(tx.error);
      });
      rawN += 1;
    }
    const raw = rawN / ((performance.now() - rawStart) / 1000);
    db.close();
    return { durable, memory, raw, rawN };
  }, { seconds: SECONDS });

  if (result.durable.batches < result.durable.n) throw new Error(`expected a committed batch per signal, got ${result.durable.batches} for ${result.durable.n}`);
  const size = Math.round(result.durable.batchBytes);
  const figures = [
    { name: 'durable transitions through IndexedDB', value: result.durable.perSecond, unit: 'transitions/s',
      how: `SignalWorkflowExecution to one workflow through ServerHost in Chromium, each reply after its batch (~${size} bytes JSON) committed in one strict readwrite transaction.` },
    { name: 'raw IndexedDB single-put transactions', value: result.raw, unit: 'transactions/s',
      how: `One put of a ~${size}-byte record per strict readwrite transaction, awaited one after another, in the same page and run.` },
    { name: 'transitions through the in-memory store', value: result.memory.perSecond, unit: 'transitions/s',
      how: 'The same signals through ServerHost on MemoryBatchStore in the same page: the engine and host cost without IndexedDB.' },
  ];
  console.log(`durable: ${result.durable.n} signals, raw: ${result.rawN} transactions, memory: ${result.memory.n} signals, ${SECONDS}s each`);
  console.log(JSON.stringify({
    suite: 'indexeddb',
    title: 'Durable transitions through IndexedDB',
    about: 'ServerHost and engine.wasm in a page of headless Chromium (served by a Vite dev server from the sources), ' +
      `each kind measured for ${SECONDS} s, one after another in the same page: the durable store beside raw IndexedDB and the in-memory store.`,
    environment: `Chromium ${browser.version()} (headless, Playwright)`,
    figures,
  }));
} finally {
  await browser.close();
  await server.close();
}
