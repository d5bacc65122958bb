// The workflows views (web/src/ui/workflows/) in the built site, in Debian's
// Chromium, against the real server worker and the Python worker running the
// chapter's InvoiceWorkflow: the list and its filters, the detail view
// (pending timer countdown, query, signal with a JSON error first, live
// history in feed/compact/JSON, the mermaid diagram), download and offline
// import of the history, terminate. Needs `npm run build` first.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { root, useBuiltSite } from './support/chromium.ts';

const results = `${root}/test-results`;
const LOAD_MS = 180_000;
const site = useBuiltSite();
before(() => mkdirSync(results, { recursive: true }));

async function startInvoice(page: Page, workflowId: string, input?: unknown) {
  const form = page.locator('form.start-form');
  await form.getByLabel('Workflow ID').fill(workflowId);
  if (input !== undefined) await form.getByLabel('Input (JSON)').fill(JSON.stringify(input));
  await form.getByRole('button', { name: 'Start workflow' }).click();
  await form.getByText(new RegExp(`^Started ${workflowId} \\(run \\S+\\)\\.$`)).waitFor({ timeout: 30_000 });
}

test('workflows list and detail: live history, query, signal, diagram, download, import, terminate', async () => {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));

  await page.goto(`${site.origin}/#/processes`);
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="python-state"]').filter({ hasText: 'running' }).waitFor({ timeout: LOAD_MS });
  await page.getByTestId('python-console').filter({ hasText: 'Worker started. Listening for workflows...' }).waitFor({ timeout: LOAD_MS });
  await page.getByRole('link', { name: 'Workflows' }).click();

  // Two runs: one to approve, one to terminate.
  const suffix = Date.now().toString(36);
  const approveId = `invoice-view-${suffix}`;
  const terminateId = `invoice-stop-${suffix}`;
  await startInvoice(page, approveId);
  await startInvoice(page, terminateId);

  // The list: both rows, Running badges; the status filter builds the visibility query.
  const list = page.locator('.wf-list');
  const row = (id: string) => list.locator(`tr[data-workflow-id="${id}"]`);
  await row(approveId).locator('.wf-badge', { hasText: 'Running' }).waitFor({ timeout: 30_000 });
  await row(terminateId).locator('.wf-badge', { hasText: 'Running' }).waitFor({ timeout: 30_000 });
  assert.equal(await row(approveId).locator('td').nth(2).textContent(), 'InvoiceWorkflow');
  assert.match(await row(approveId).locator('td').nth(1).textContent() ?? '', /^[0-9a-f-]{36}$/);
  await list.getByLabel('Status').selectOption('Completed');
  await row(approveId).waitFor({ state: 'detached', timeout: 10_000 });
  await list.getByLabel('Status').selectOption('Running');
  await list.getByLabel('Type').fill('InvoiceWorkflow');
  await row(approveId).waitFor({ timeout: 10_000 });
  await list.getByLabel('Type').fill('NoSuchType');
  await list.getByText('No workflows match.').waitFor({ timeout: 10_000 });
  await list.getByLabel('Type').fill('');
  await list.getByLabel('Status').selectOption('');
  await row(approveId).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${results}/workflows-list.png`, fullPage: true });

  // Terminate the second run from its detail view (confirmation dialog), then back to the list.
  await row(terminateId).locator('a').click();
  assert.match(page.url(), new RegExp(`#/workflows/${terminateId}/[0-9a-f-]{36}$`));
  const detail = page.locator('.wf-detail');
  await detail.locator('[data-pending="timer"]').waitFor({ timeout: 30_000 });
  page.once('dialog', (dialog) => void dialog.accept());
  await detail.getByLabel('Termination reason').fill('e2e: not needed');
  await detail.getByRole('button', { name: 'Terminate' }).click();
  await detail.locator('.wf-summary .wf-badge', { hasText: 'Terminated' }).waitFor({ timeout: 30_000 });
  await detail.locator('.wf-event-summary', { hasText: 'terminated: e2e: not needed' }).waitFor({ timeout: 30_000 });
  await detail.getByRole('link', { name: '← All workflows' }).click();
  await row(terminateId).locator('.wf-badge', { hasText: 'Terminated' }).waitFor({ timeout: 10_000 });

  // Detail of the first run: summary, input, the 5-day approval timer counting down.
  await row(approveId).locator('td').nth(2).click();
  const runId = /#\/workflows\/[^/]+\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
  assert.ok(runId, page.url());
  await detail.locator('.wf-summary .wf-badge', { hasText: 'Running' }).waitFor({ timeout: 30_000 });
  assert.match(await detail.locator('.wf-summary').textContent() ?? '', /TypeInvoiceWorkflow.*Task queueinvoice-task-queue/);
  assert.match(await detail.locator('[data-io="input"]').textContent() ?? '', /^\{\n  "invoice_id": "INV-100"/);
  const countdown = detail.locator('[data-pending="timer"] .wf-countdown');
  await countdown.filter({ hasText: /^fires in (5d|4d 23h)$/ }).waitFor({ timeout: 30_000 });

  // Query: the default name is the chapter's GetInvoiceStatus.
  assert.equal(await detail.getByLabel('Query name').inputValue(), 'GetInvoiceStatus');
  await detail.getByRole('button', { name: 'Run query' }).click();
  await detail.locator('[data-answer="query"]').filter({ hasText: '"PENDING-APPROVAL"' }).waitFor({ timeout: 60_000 });

  // The worker answered the built-in __temporal_workflow_metadata query: its names are offered first.
  await detail.locator('#wf-query-names option[data-from="metadata"][value="GetInvoiceStatus"]').waitFor({ state: 'attached', timeout: 60_000 });
  assert.equal(await detail.locator('#wf-query-names option').first().getAttribute('value'), 'GetInvoiceStatus');
  await detail.locator('#wf-signal-names option[data-from="metadata"][value="ApproveInvoice"]').waitFor({ state: 'attached', timeout: 30_000 });
  assert.match(await detail.locator('[data-hint="metadata"]').textContent() ?? '', /__temporal_workflow_metadata/);

  // Signal: bad JSON is refused with a clear error; then ApproveInvoice.
  await detail.getByLabel('Signal name').fill('ApproveInvoice');
  await detail.getByLabel('Signal input (JSON, optional)').fill('{oops');
  await detail.getByRole('button', { name: 'Send signal' }).click();
  await detail.locator('[data-answer="signal"]').filter({ hasText: /^The input is not valid JSON: / }).waitFor();
  await detail.getByLabel('Signal input (JSON, optional)').fill('');
  await detail.getByRole('button', { name: 'Send signal' }).click();
  await detail.locator('[data-answer="signal"]').filter({ hasText: 'Signal ApproveInvoice sent.' }).waitFor({ timeout: 30_000 });

  // Live history: the run completes with PAID without reloading the view.
  await detail.locator('.wf-summary .wf-badge', { hasText: 'Completed' }).waitFor({ timeout: 90_000 });
  await detail.locator('[data-io="result"]').filter({ hasText: '"PAID"' }).waitFor({ timeout: 30_000 });
  const types = await detail.locator('.wf-feed .wf-event-type').allTextContents();
  for (const t of ['WorkflowExecutionStarted', 'WorkflowExecutionSignaled', 'TimerStarted', 'TimerFired', 'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted', 'WorkflowExecutionCompleted']) {
    assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
  }
  assert.equal(await detail.locator('[data-pending]').count(), 0);
  // An event expands to its attributes with payloads decoded.
  const signaled = detail.locator('.wf-feed .wf-event', { hasText: 'WorkflowExecutionSignaled' });
  await signaled.locator('summary').click();
  assert.match(await signaled.locator('pre').textContent() ?? '', /"signalName": "ApproveInvoice"/);
  const started = detail.locator('.wf-feed .wf-event').first();
  await started.locator('summary').click();
  assert.match(await started.locator('pre').textContent() ?? '', /"customer": "ACME Corp"/);
  await page.screenshot({ path: `${results}/workflow-detail-feed.png`, fullPage: true });

  // Compact: timers and activities grouped.
  await detail.getByRole('tab', { name: 'Compact' }).click();
  assert.ok(await detail.locator('.wf-group[data-group="timer"]').count() >= 2);
  assert.match(await detail.locator('.wf-group[data-group="activity"]').first().textContent() ?? '', /activity payment_gateway.*completed · 1 attempt/);
  assert.equal(await detail.locator('.wf-group[data-group="signal"]').count(), 1);
  await page.screenshot({ path: `${results}/workflow-detail-compact.png`, fullPage: true });

  // JSON: Temporal's shape.
  await detail.getByRole('tab', { name: 'JSON' }).click();
  const raw = JSON.parse(await detail.locator('.wf-raw').textContent() ?? '');
  assert.equal(raw.events[0].eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');

  // The sequence diagram, drawn by the bundled mermaid.
  await detail.getByRole('tab', { name: 'Sequence diagram' }).click();
  await detail.locator('.wf-diagram svg').waitFor({ timeout: 30_000 });
  const svgText = await detail.locator('.wf-diagram svg').textContent() ?? '';
  for (const label of ['Client', 'Server', 'Worker', 'Activities', 'signal ApproveInvoice', 'payment_gateway attempt 1']) {
    assert.ok(svgText.includes(label), `${label} in the diagram`);
  }
  await page.screenshot({ path: `${results}/workflow-detail-diagram.png`, fullPage: true });
  // Dark theme: the views follow prefers-color-scheme, and so does the diagram when redrawn.
  await page.emulateMedia({ colorScheme: 'dark' });
  await detail.getByRole('tab', { name: 'Feed' }).click();
  await detail.getByRole('tab', { name: 'Sequence diagram' }).click();
  await detail.locator('.wf-diagram svg').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${results}/workflow-detail-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Download: {"events": [...]} named <workflowId>_<runId>.json.
  const [download] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Download history JSON' }).click()]);
  assert.equal(download.suggestedFilename(), `${approveId}_${runId}.json`);
  const saved = `${results}/${download.suggestedFilename()}`;
  await download.saveAs(saved);
  const downloaded = JSON.parse(readFileSync(saved, 'utf8'));
  assert.deepEqual(Object.keys(downloaded), ['events']);
  assert.equal(downloaded.events.length, raw.events.length);

  // Import: the downloaded file is viewed offline; a file that is not a history is refused clearly.
  await detail.getByRole('link', { name: '← All workflows' }).click();
  await list.locator('input[type="file"]').setInputFiles(saved);
  const offline = page.locator('.wf-offline');
  await offline.getByText(`InvoiceWorkflow · ${approveId} · ${downloaded.events.length} events`, { exact: false }).waitFor();
  assert.equal(await offline.locator('.wf-feed .wf-event').count(), downloaded.events.length);
  await offline.getByRole('tab', { name: 'Compact' }).click();
  assert.equal(await offline.locator('.wf-group[data-group="signal"]').count(), 1);
  await page.screenshot({ path: `${results}/workflow-import.png`, fullPage: true });
  await offline.getByRole('button', { name: 'Close imported history' }).click();
  const bad = `${results}/not-a-history.json`;
  writeFileSync(bad, JSON.stringify({ name: 'durable-lab', version: '0.1.0' }));
  await list.locator('input[type="file"]').setInputFiles(bad);
  await page.locator('.wf-offline [role="alert"]').filter({ hasText: 'This file cannot be viewed as a history. This JSON has no "events" array' }).waitFor();
  await page.getByRole('button', { name: 'Close imported history' }).click();
  await row(approveId).locator('.wf-badge', { hasText: 'Completed' }).waitFor({ timeout: 10_000 });

  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${site.origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')), [], 'requests outside the origin');
  await context.close();
});

test('a failing activity: pending attempt and last failure, then the attempts in compact view and diagram', async () => {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.origin}/#/processes`);
  await page.locator('[data-testid="python-state"]').filter({ hasText: 'running' }).waitFor({ timeout: LOAD_MS });
  await page.getByTestId('python-console').filter({ hasText: 'Worker started. Listening for workflows...' }).waitFor({ timeout: LOAD_MS });
  await page.getByRole('link', { name: 'Workflows' }).click();

  // A line that is not an object makes payment_gateway fail (its argument is a dict): 3 attempts, 1 s then 2 s apart.
  const id = `invoice-retry-${Date.now().toString(36)}`;
  await startInvoice(page, id, { invoice_id: 'INV-BAD', customer: 'ACME Corp', lines: ['not-a-line'] });
  await page.locator(`.wf-list tr[data-workflow-id="${id}"] a`).click();
  const detail = page.locator('.wf-detail');
  await detail.locator('[data-pending="timer"]').waitFor({ timeout: 30_000 });
  await detail.getByLabel('Signal name').fill('ApproveInvoice');
  await detail.getByRole('button', { name: 'Send signal' }).click();

  const activity = detail.locator('[data-pending="activity"]');
  await activity.filter({ hasText: /attempt [23] of 3/ }).waitFor({ timeout: 60_000 });
  assert.match(await activity.locator('.wf-error').textContent() ?? '', /^Last failure: \S.*(Expected dict, got str|has no attribute 'get')/);
  await page.screenshot({ path: `${results}/workflow-detail-retrying.png`, fullPage: true });

  // The workflow catches the final failure and still completes.
  await detail.locator('.wf-summary .wf-badge', { hasText: 'Completed' }).waitFor({ timeout: 60_000 });
  await detail.getByRole('tab', { name: 'Compact' }).click();
  assert.match(await detail.locator('.wf-group[data-group="activity"]').textContent() ?? '', /activity payment_gateway.*failed · 3 attempts/);
  await detail.getByRole('tab', { name: 'Sequence diagram' }).click();
  await detail.locator('.wf-diagram svg').waitFor({ timeout: 30_000 });
  const svgText = await detail.locator('.wf-diagram svg').textContent() ?? '';
  assert.ok(svgText.includes('payment_gateway attempts 1 to 2 failed'), svgText);
  assert.ok(svgText.includes('payment_gateway attempt 3'), svgText);
  assert.deepEqual(errors, []);
  await context.close();
});
