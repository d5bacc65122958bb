// The app shell in the built site (dist/), in Debian's Chromium: both processes
// (the server worker and the Python worker on the chapter's invoice code) come
// up, the Start workflow form starts InvoiceWorkflow, processes are killed and
// restarted for real, time is skipped, and Reset all data empties the lab.
// Needs `npm run build` first. Screenshots go to test-results/ (gitignored).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { root, useBuiltSite } from './support/chromium.ts';

const results = `${root}/test-results`;
const LOAD_MS = 180_000;
const site = useBuiltSite();
before(() => mkdirSync(results, { recursive: true }));

const state = (page: Page, name: 'server' | 'python') => page.locator(`[data-testid="${name}-state"]`);

async function waitForState(page: Page, name: 'server' | 'python', text: string | RegExp, timeout = LOAD_MS) {
  await state(page, name).filter({ hasText: text }).waitFor({ timeout });
}

/** Follows a link in the header's navigation. */
const nav = (page: Page, name: 'Workflows' | 'Processes') =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

async function clockMs(page: Page): Promise<number> {
  const value = await page.locator('[data-testid="virtual-clock"]').getAttribute('datetime');
  return Date.parse(value ?? '');
}

test('the app: processes run, the form starts the invoice workflow, kill/restart, skip time, reset', async () => {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));

  // The shell: name, what it is, engine status, the default route.
  await page.goto(`${site.origin}/`);
  assert.equal(await page.title(), 'Durable Lab');
  await page.getByRole('heading', { name: 'Durable Lab', level: 1 }).waitFor();
  await page.getByText(/re-implementation of Temporal.s public API, for teaching.*not Temporal.s software/).waitFor();
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });
  assert.match(page.url(), /#\/labs$/);
  // The clock shows the server's virtual time once it answered.
  await page.locator('[data-testid="virtual-clock"]').filter({ hasText: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/ }).waitFor({ timeout: 30_000 });
  // IndexedDB works in a fresh profile: no memory-only banner.
  assert.equal(await page.locator('.banner').isVisible(), false);

  // Both processes reach running.
  await nav(page, 'Processes');
  assert.match(page.url(), /#\/processes$/);
  await waitForState(page, 'server', 'running');
  await waitForState(page, 'python', 'running');
  await page.getByTestId('python-console').filter({ hasText: 'Worker started. Listening for workflows...' }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${results}/app-processes.png`, fullPage: true });

  // Skip 5 days with the time controls.
  const before5 = await clockMs(page);
  await page.getByRole('button', { name: '+5 days' }).click();
  await page.waitForFunction((previous) => {
    const el = document.querySelector('[data-testid="virtual-clock"]');
    return el && Date.parse(el.getAttribute('datetime') ?? '') - previous >= 5 * 86_400_000;
  }, before5, { timeout: 30_000 });
  assert.ok((await clockMs(page)) - before5 < 6 * 86_400_000);

  // The Start workflow form: malformed JSON is refused with a clear error, then the chapter's invoice starts.
  await nav(page, 'Workflows');
  const form = page.locator('form.start-form');
  assert.equal(await form.getByLabel('Workflow type').inputValue(), 'InvoiceWorkflow');
  assert.equal(await form.getByLabel('Task queue').inputValue(), 'invoice-task-queue');
  assert.match(await form.getByLabel('Workflow ID').inputValue(), /^invoice-[0-9a-f-]{32,36}$/);
  const invoice = await form.getByLabel('Input (JSON)').inputValue();
  assert.equal(JSON.parse(invoice).invoice_id, 'INV-100');
  await form.getByLabel('Input (JSON)').fill('{"invoice_id": "INV-100",');
  await form.getByRole('button', { name: 'Start workflow' }).click();
  await form.getByRole('alert').filter({ hasText: /not valid JSON/ }).waitFor();
  await form.getByLabel('Input (JSON)').fill(invoice);
  await form.getByLabel('Workflow ID').fill('invoice-e2e');
  await form.getByRole('button', { name: 'Start workflow' }).click();
  await form.getByText(/^Started invoice-e2e \(run \S+\)\.$/).waitFor({ timeout: 30_000 });
  const list = page.locator('.workflow-list');
  await list.getByText('invoice-e2e').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${results}/app-shell.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${results}/app-shell-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  // The Python worker ran the workflow: its first task started the approval wait (a 5-day timer).
  await form.getByRole('link', { name: 'invoice-e2e' }).click();
  assert.match(page.url(), /#\/workflows\/invoice-e2e\/[0-9a-f-]+$/);
  await page.getByText('TimerStarted').first().waitFor({ timeout: 60_000 });
  await nav(page, 'Workflows');

  // Kill the Python worker for real, then restart it (it replays).
  await nav(page, 'Processes');
  await page.getByRole('button', { name: 'Kill Python worker' }).click();
  await waitForState(page, 'python', /stopped|crashed/, 10_000);
  await page.getByTestId('python-console').filter({ hasText: '[process exited: code 137, stopped]' }).waitFor();
  await page.getByRole('button', { name: 'Restart Python worker' }).click();
  await waitForState(page, 'python', 'running');

  // Kill the server worker and restart it: it restores from IndexedDB (the workflow is still there).
  await page.getByRole('button', { name: 'Kill Server worker' }).click();
  await waitForState(page, 'server', 'stopped', 10_000);
  assert.equal(await page.locator('#status').textContent(), 'server worker stopped');
  await page.getByRole('button', { name: 'Restart Server worker' }).click();
  await waitForState(page, 'server', 'running', 60_000);
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor();
  await nav(page, 'Workflows');
  await list.getByText('invoice-e2e').first().waitFor({ timeout: 30_000 });
  // The Python worker that ran through the server's restart still picks up new work.
  await form.getByLabel('Workflow ID').fill('invoice-after-restart');
  await form.getByRole('button', { name: 'Start workflow' }).click();
  await form.getByRole('link', { name: 'invoice-after-restart' }).click();
  await page.getByText('TimerStarted').first().waitFor({ timeout: 60_000 });

  // Reload: a process the user stopped stays stopped, the other starts again.
  await page.goto(`${site.origin}/#/processes`);
  await page.getByRole('button', { name: 'Kill Python worker' }).waitFor();
  await waitForState(page, 'server', 'running', 60_000);
  await waitForState(page, 'python', 'running');
  await page.getByRole('button', { name: 'Kill Python worker' }).click();
  await waitForState(page, 'python', 'stopped', 10_000);
  await page.reload();
  await waitForState(page, 'server', 'running', 60_000);
  await waitForState(page, 'python', 'stopped', 10_000);
  await page.getByRole('button', { name: 'Restart Python worker' }).click();
  await waitForState(page, 'python', 'running');

  // Reset all data: cancel keeps everything, confirm empties the list.
  await nav(page, 'Workflows');
  await list.getByText('invoice-e2e').first().waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Reset all data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reset all data?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await list.getByText('invoice-e2e').first().waitFor();
  await page.getByRole('button', { name: 'Reset all data' }).click();
  await dialog.getByRole('button', { name: 'Delete everything' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  await list.getByText('invoice-e2e').waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal(await list.getByText('invoice-e2e').count(), 0);

  // The auto time-skipping switch is set on the server and remembered across reloads.
  const autoSkip = page.getByRole('switch', { name: 'Auto time-skipping' });
  assert.equal(await autoSkip.isChecked(), false);
  await autoSkip.check();
  await page.reload();
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole('switch', { name: 'Auto time-skipping' }).isChecked(), true);
  assert.equal(await page.locator('.time-message').textContent(), '');

  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${site.origin}/`)), [], 'requests outside the origin');
  await context.close();
});

test('two tabs: the second is not the owner and says so; Take over moves the lab to it', async () => {
  const context = await site.browser.newContext();
  const first = await context.newPage();
  await first.goto(`${site.origin}/`);
  await first.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });
  const second = await context.newPage();
  await second.goto(`${site.origin}/`);
  const banner = second.locator('.banner');
  await banner.filter({ hasText: 'owned by another tab' }).waitFor({ timeout: 60_000 });
  await banner.getByRole('button', { name: 'Take over' }).click();
  await banner.waitFor({ state: 'hidden', timeout: 30_000 });
  await first.locator('.banner').filter({ hasText: 'owned by another tab' }).waitFor({ timeout: 30_000 });
  await second.screenshot({ path: `${results}/app-after-takeover.png` });
  await first.screenshot({ path: `${results}/app-not-owner.png` });
  await context.close();
});
