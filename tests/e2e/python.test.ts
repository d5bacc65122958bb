// The Python process in the real built site (dist/), in Debian's Chromium:
// dev/python.html starts the server worker (engine.wasm + ServerHost) and a
// Python process Web Worker (Pyodide + web/python + the chapter's files, all
// from the site's own site.origin); worker.py runs as `python worker.py`. The test
// starts an InvoiceWorkflow through the server worker, approves it and sees
// PAID. Needs `npm run build` first (the test runner's build-site step).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { approveFlow, chapterFiles, type Call } from '../runtime/python/chapter.ts';
import type { ExitInfo, ProcessEvent } from '../../web/src/processes/protocol.ts';
import { useBuiltSite } from './support/chromium.ts';

const site = useBuiltSite('dev/python.html');

async function openDevPage() {
  const page = await site.browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.origin}/dev/python.html`);
  await page.evaluate(() => window.durableLabDev.ready);
  return { page, requests, errors };
}

const events = (page: Page) => page.evaluate(() => structuredClone(window.durableLabDev.events)) as Promise<ProcessEvent[]>;

async function waitForEvent(page: Page, predicate: (e: ProcessEvent) => boolean, timeoutMs: number): Promise<ProcessEvent[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = await events(page);
    if (list.some(predicate)) return list;
    if (Date.now() > end) throw new Error(`no such event within ${timeoutMs} ms: ${JSON.stringify(list).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the chapter worker runs in a Python process Web Worker: start, approve, PAID; nothing leaves the origin', async () => {
  const { page, requests, errors } = await openDevPage();
  const jspi = await page.evaluate(() => typeof (WebAssembly as unknown as Record<string, unknown>).Suspending === 'function');
  assert.equal(jspi, true, 'Chromium has JSPI (WebAssembly.Suspending), so asyncio.run blocks as in CPython');

  await page.evaluate((files) => window.durableLabDev.startPython(files), chapterFiles());
  const loaded = await waitForEvent(page, (e) => (e.type === 'progress' && e.stage === 'ready') || e.type === 'exit', 120_000);
  assert.ok(!loaded.some((e) => e.type === 'exit'), JSON.stringify(loaded.filter((e) => e.type !== 'progress')));
  assert.deepEqual(loaded.filter((e) => e.type === 'progress').map((e) => (e as { stage: string }).stage),
    ['runtime', 'engine', 'packages', 'files', 'starting', 'ready']);
  assert.equal(await page.evaluate(() => window.durableLabDev.jspi()), true);

  const call: Call = (method, request) => page.evaluate(([m, r]) => window.durableLabDev.call(m, r), [method, request] as const);
  const flow = await approveFlow(call, 'invoice-browser');
  assert.equal(flow.before, 'PENDING-APPROVAL');
  assert.equal(flow.result, 'PAID');
  assert.equal(flow.after, 'PAID');

  const seen = await events(page);
  assert.ok(seen.some((e) => e.type === 'output' && e.stream === 'stdout' && e.text === 'Worker started. Listening for workflows...'));
  assert.ok(seen.some((e) => e.type === 'log' && /Paying Widget B/.test(e.message)));

  const exit = await page.evaluate(() => window.durableLabDev.stopPython()) as ExitInfo;
  assert.equal(exit.reason, 'stopped');

  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${site.origin}/`)), [], 'requests outside the origin');
  for (const file of ['pyodide/pyodide.asm.wasm', 'pyodide/python_stdlib.zip', 'python/packages.json', 'engine/engine.wasm']) {
    assert.ok(requests.includes(`${site.origin}/${file}`), `${file} came from the site.origin`);
  }
  assert.ok(requests.some((url) => url.includes('/assets/python-worker')), 'Python runs in its own worker');
  await page.close();
});

test('without JSPI (asyncio.run driven by the host instead of blocking) the same worker.py runs to PAID', async () => {
  const { page, requests } = await openDevPage();
  await page.evaluate((files) => window.durableLabDev.startPython(files, { forceNoJspi: true }), chapterFiles());
  await waitForEvent(page, (e) => (e.type === 'progress' && e.stage === 'ready') || e.type === 'exit', 120_000);
  const call: Call = (method, request) => page.evaluate(([m, r]) => window.durableLabDev.call(m, r), [method, request] as const);
  const flow = await approveFlow(call, 'invoice-browser-driven');
  assert.deepEqual([flow.before, flow.result, flow.after], ['PENDING-APPROVAL', 'PAID', 'PAID']);
  const exit = await page.evaluate(() => window.durableLabDev.stopPython()) as ExitInfo;
  assert.equal(exit.reason, 'stopped');
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${site.origin}/`)), [], 'requests outside the origin');
  await page.close();
});

test('a workflows.py that loops at import: reported as unresponsive, the worker is terminated, the server carries on', async () => {
  const { page } = await openDevPage();
  const files = { ...chapterFiles(), 'workflows.py': 'while True:\n    pass\n' };
  await page.evaluate((f) => window.durableLabDev.startPython(f, { unresponsiveMs: 3_000 }), files);
  const exit = await page.evaluate(() => window.durableLabDev.exited()) as ExitInfo;
  assert.equal(exit.error?.type, 'Unresponsive');
  assert.match(exit.error!.message, /while True: pass/);
  const list = await events(page);
  assert.ok(list.some((e) => e.type === 'progress' && e.stage === 'starting'), 'it hung in the script, not while loading');
  // Nothing is lost: the server worker still answers.
  const reply = await page.evaluate(() => window.durableLabDev.call('ListWorkflowExecutions', { namespace: 'default' })) as { executions?: unknown[] };
  assert.deepEqual(reply.executions ?? [], []);
  await page.close();
});
