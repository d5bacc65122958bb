#!/usr/bin/env node
// The page in Debian's Chromium (not a test): the built site served by vite
// preview (build-bench/site/ under run.mjs, else dist/: see siteDir() in
// bench/support.mjs), driven by Playwright as tests/e2e/ drives it. Measures
// page load to ready, the Python worker's cold start in the browser, and
// crash-to-resume times of the server worker and the Python worker; median of
// 3 each, every sample in a fresh browser context (empty IndexedDB). Prints one
// JSON object, {"suite":"page","figures":[...]}, as its last stdout line
// (bench/run.mjs collects it); progress goes to stderr.
//
//   npx vite build && node bench/page-bench.mjs
//
// It re-runs itself under tsx to share tests/e2e/support/chromium.ts.
import { logger, median, relaunch, report, root, siteDir } from './support.mjs';

relaunch(import.meta.url);

const { launchChromium } = await import('../tests/e2e/support/chromium.ts');
const { preview } = await import('vite');

const RUNS = 3;
const LOAD_MS = 180_000;
const log = logger('page-bench');
const server = await preview({
  configFile: `${root}/vite.config.ts`, build: { outDir: siteDir() },
  preview: { port: 0, strictPort: false, open: false }, logLevel: 'error',
});
const origin = server.resolvedUrls.local[0].replace(/\/$/, '');
const browser = await launchChromium();
const environment = `Chromium ${browser.version()} (headless, Playwright)`;

const state = (page, name, text) => page.locator(`[data-testid="${name}-state"]`).filter({ hasText: text });
const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

async function withPage(fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const page = await context.newPage();
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function loadReady(page) {
  const t0 = performance.now();
  await page.goto(`${origin}/#/processes`);
  await state(page, 'server', 'running').waitFor({ timeout: LOAD_MS });
  await state(page, 'python', 'running').waitFor({ timeout: LOAD_MS });
  const ms = performance.now() - t0;
  await page.getByTestId('python-console').filter({ hasText: 'Worker started. Listening for workflows...' }).waitFor({ timeout: LOAD_MS });
  return ms;
}

async function startInvoice(page, id) {
  await nav(page, 'Workflows');
  const form = page.locator('form.start-form');
  await form.getByLabel('Workflow ID').fill(id);
  await form.getByRole('button', { name: 'Start workflow' }).click();
  await form.getByText(`Started ${id} (run`).waitFor({ timeout: 30_000 });
}

const samples = { load: [], cold: [], server: [], python: [] };
for (let i = 0; i < RUNS; i++) {
  await withPage(async (page) => {
    samples.load.push(await loadReady(page));

    // Python worker cold start: Kill, then Restart click -> running.
    await page.getByRole('button', { name: 'Kill Python worker' }).click();
    await state(page, 'python', /stopped|crashed/).waitFor({ timeout: 10_000 });
    let t0 = performance.now();
    await page.getByRole('button', { name: 'Restart Python worker' }).click();
    await state(page, 'python', 'running').waitFor({ timeout: LOAD_MS });
    samples.cold.push(performance.now() - t0);
    await page.getByTestId('python-console').filter({ hasText: 'Worker started. Listening for workflows...' }).waitFor({ timeout: LOAD_MS });

    // A workflow waiting for its approval (the 5-day timer started).
    const id = `invoice-bench-${i}-${Date.now().toString(36)}`;
    await startInvoice(page, id);
    const row = page.locator(`.wf-list tr[data-workflow-id="${id}"]`);
    await row.locator('a').first().click();
    await page.waitForURL(/#\/workflows\/[^/]+\/[0-9a-f-]{36}$/);
    const detailHash = page.url().slice(page.url().indexOf('#'));
    await page.locator('.wf-detail [data-pending="timer"]').waitFor({ timeout: 60_000 });

    // Server crash to resume: Kill click -> Restart (as soon as stopped) -> the list shows the workflow again.
    await nav(page, 'Processes');
    t0 = performance.now();
    await page.getByRole('button', { name: 'Kill Server worker' }).click();
    await state(page, 'server', 'stopped').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Restart Server worker' }).click();
    await nav(page, 'Workflows');
    await row.waitFor({ timeout: 60_000 });
    samples.server.push(performance.now() - t0);

    // Python crash to resume: Kill click -> approval sent while it is down -> Restart -> the workflow's next
    // timer (the first 2 s sleep) appears in its feed.
    await nav(page, 'Processes');
    await state(page, 'python', 'running').waitFor({ timeout: LOAD_MS });
    t0 = performance.now();
    await page.getByRole('button', { name: 'Kill Python worker' }).click();
    await state(page, 'python', /stopped|crashed/).waitFor({ timeout: 10_000 });
    await page.goto(`${origin}/${detailHash}`);
    const detail = page.locator('.wf-detail');
    await detail.getByLabel('Signal name').fill('ApproveInvoice');
    await detail.getByRole('button', { name: 'Send signal' }).click();
    await detail.locator('[data-answer="signal"]').filter({ hasText: 'Signal ApproveInvoice sent.' }).waitFor({ timeout: 30_000 });
    await nav(page, 'Processes');
    await page.getByRole('button', { name: 'Restart Python worker' }).click();
    await page.goto(`${origin}/${detailHash}`);
    await page.waitForFunction(() => [...document.querySelectorAll('.wf-detail .wf-feed .wf-event-type')]
      .filter((el) => el.textContent === 'TimerStarted').length >= 2, undefined, { timeout: LOAD_MS, polling: 50 });
    samples.python.push(performance.now() - t0);
  });
  log(`run ${i + 1}: load ${samples.load.at(-1).toFixed(0)} ms, cold ${samples.cold.at(-1).toFixed(0)} ms, server ${samples.server.at(-1).toFixed(0)} ms, python ${samples.python.at(-1).toFixed(0)} ms`);
}

await browser.close();
await server.close();

const round = (x) => Math.round(x);
const figures = [
  { name: 'page load to ready', value: round(median(samples.load)), unit: 'ms',
    how: 'navigation of a fresh context to #/processes until both the server worker and the Python worker show running' },
  { name: 'Python worker cold start', value: round(median(samples.cold)), unit: 'ms',
    how: 'Restart Python worker click (after a Kill) until its state shows running again (Pyodide, packages and worker.py loaded anew)' },
  { name: 'server crash to resume', value: round(median(samples.server)), unit: 'ms',
    how: 'Kill Server worker click, Restart as soon as it shows stopped, until the workflow list shows the waiting workflow again (restored from IndexedDB)' },
  { name: 'Python worker crash to resume', value: round(median(samples.python)), unit: 'ms',
    how: 'Kill Python worker click, ApproveInvoice sent while it is down, Restart, until the pending workflow\'s feed shows its next TimerStarted (history replayed)' },
];
report({
  suite: 'page',
  title: 'The page: load, cold start, crash to resume',
  about: `The built site served by vite preview, driven in headless Chromium by Playwright as tests/e2e/ does; median of ${RUNS} ` +
    'samples each, every sample in a fresh browser context (empty IndexedDB, nothing cached).',
  environment,
  figures,
});
