// The labs in the built site (dist/), in Debian's Chromium: the list with
// each lab's progress, a deep link to lab 01, its README with mermaid
// diagrams in light and dark, lab 01's solution typed into the editor, Run
// (the worker restarts on the edited code, which a started workflow proves by
// its timers), Check on a private engine (every step passes; the list says
// done), the edits surviving a reload, the solution diff and "Use the
// solution", and Reset to starter (the TODOs are back and the check fails
// with hints). Needs `npm run build` first. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { root, useBuiltSite } from './support/chromium.ts';
import { checkSummary, editor, LOAD_MS, nav, openFile, pasteFile, runCheck, runStatus } from './support/labs.ts';

const results = `${root}/test-results`;
const LAB = '01-timers-and-retries';
const labFile = (path: string) => readFileSync(`${root}/labs/${LAB}/${path}`, 'utf8');
const SOLUTION = labFile('solution/workflows.py');
const EDITED_LINE = 'print("Lab 01 worker, edited in the browser")';
const MERMAID_BLOCKS = (labFile('README.md').match(/^```mermaid$/gm) ?? []).length;
const site = useBuiltSite();
before(() => mkdirSync(results, { recursive: true }));

const labStatus = (page: Page) => page.getByTestId(`lab-status-${LAB}`);

test('lab 01 from the list: README and diagrams, edit, Run, Check, reload, solution, reset', async () => {
  const context = await site.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) errors.push(message.text()); });
  page.on('request', (request) => requests.push(request.url()));

  // A first visit lands on the list: every lab, not started.
  await page.goto(`${site.origin}/`);
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });
  assert.match(page.url(), /#\/labs$/);
  const row = page.locator(`tr[data-lab="${LAB}"]`);
  await row.waitFor();
  assert.equal(await row.locator('.lab-number').textContent(), '01');
  assert.equal(await row.getByRole('link').textContent(), 'Durable timers and retries');
  assert.equal(await row.locator('.lab-minutes').textContent(), '15 min');
  assert.equal(await labStatus(page).textContent(), 'not started');
  await page.screenshot({ path: `${results}/labs-list.png`, fullPage: true });

  // An unknown lab says so; a deep link by number opens lab 01.
  await page.goto(`${site.origin}/#/labs/99`);
  await page.getByText('There is no lab 99.').waitFor();
  await page.goto(`${site.origin}/#/labs/01`);
  await page.getByRole('heading', { name: 'Lab 01: Durable timers and retries', level: 1 }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Labs' }).getAttribute('aria-current'), 'page');

  // The README's diagrams are drawn, in light and then in dark.
  assert.ok(MERMAID_BLOCKS >= 1);
  const diagrams = (scheme: string) => page.locator(`.lab-diagram[data-scheme="${scheme}"] svg`);
  await diagrams('light').nth(MERMAID_BLOCKS - 1).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('pre.lab-mermaid:visible').count(), 0, 'no diagram is left as source');
  await page.screenshot({ path: `${results}/lab-page.png` });
  await page.locator('.lab-diagram').last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${results}/lab-diagrams.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await diagrams('dark').nth(MERMAID_BLOCKS - 1).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${results}/lab-diagrams-dark.png` });
  await page.locator('.lab-readme').evaluate((readme) => readme.scrollTo(0, 0));
  await page.screenshot({ path: `${results}/lab-page-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });

  // The editor: one tab per file in lab.json order, the starter's TODOs in workflows.py.
  assert.deepEqual((await editor(page).getByRole('tab').allTextContents()).map((name) => name.trim()), ['workflows.py', 'activities.py', 'worker.py']);
  await editor(page).locator('.cm-content').getByText('# TODO(timer): wait 2 seconds on a durable timer before paying the line.').waitFor();

  // The worker runs the chapter's example until Run.
  await runStatus(page).filter({ hasText: /the chapter\u2019s example code, not this lab\u2019s/ }).waitFor({ timeout: LOAD_MS });

  // Type the solution: workflows.py pasted whole, a line typed at the top of worker.py.
  await pasteFile(page, 'workflows.py', SOLUTION);
  await editor(page).locator('.cm-content').getByText('await workflow.sleep(timedelta(seconds=2))').waitFor();
  await openFile(page, 'worker.py');
  await page.keyboard.press('Control+Home');
  await page.keyboard.type(EDITED_LINE);
  await page.keyboard.press('Enter');

  // Run: the worker restarts on the edited files, and its console shows it.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const workerConsole = page.getByTestId('python-console');
  await workerConsole.filter({ hasText: /\$ python worker\.py {4}# lab 01: your code as edited at \d\d:\d\d:\d\d/ }).waitFor();
  await workerConsole.filter({ hasText: 'Lab 01 worker, edited in the browser' }).waitFor({ timeout: LOAD_MS });
  await page.getByTestId('lab-worker-state').filter({ hasText: 'running' }).waitFor({ timeout: LOAD_MS });
  await runStatus(page).filter({ hasText: /^Running lab 01: your code as edited at \d\d:\d\d:\d\d\.$/ }).waitFor();
  // An edit after Run marks the worker's code as older; taking it back clears the mark.
  await openFile(page, 'worker.py');
  await page.keyboard.type('x');
  await runStatus(page).filter({ hasText: 'Modified since run' }).waitFor();
  await page.keyboard.press('Backspace');
  await runStatus(page).and(page.locator('[data-freshness="latest"]')).waitFor();

  // The edited workflow runs: started from the lab page, its history has the 2-second timers the starter lacks.
  await page.getByRole('tab', { name: 'Workflows', exact: true }).click();
  const form = page.locator('form.start-form');
  await form.getByLabel('Workflow ID').fill('invoice-lab-01');
  await form.getByRole('button', { name: 'Start workflow' }).click();
  await page.locator('.wf-list tr[data-workflow-id="invoice-lab-01"]').waitFor({ timeout: 30_000 });
  await form.getByRole('link', { name: 'invoice-lab-01' }).click();
  await page.locator('.wf-event-type', { hasText: 'TimerStarted' }).first().waitFor({ timeout: 60_000 });
  await page.goBack();
  await editor(page).waitFor({ timeout: 30_000 });

  // Check: every step passes on a private engine, and the list says done.
  assert.match(await runCheck(page), /^All \d+ steps passed\.$/);
  const steps = page.locator('.check-step');
  assert.ok((await steps.count()) >= 4);
  assert.equal(await page.locator('.check-step:not([data-status="passed"])').count(), 0);
  await page.screenshot({ path: `${results}/lab-check-passed.png` });
  // The check's engine is not the attendee's: their one workflow is all the server holds.
  await nav(page, 'Workflows');
  await page.locator('.wf-list tr[data-workflow-id="invoice-lab-01"]').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.wf-list tbody tr[data-workflow-id]').count(), 1);
  await nav(page, 'Labs');
  await labStatus(page).filter({ hasText: /^done$/ }).waitFor();

  // Reload: the edits are still there, and the worker starts again on them.
  await page.goto(`${site.origin}/#/labs/${LAB}`);
  await page.reload();
  await editor(page).locator('.cm-content').getByText('await workflow.sleep(timedelta(seconds=2))').waitFor({ timeout: 30_000 });
  await workerConsole.filter({ hasText: /# lab 01: your code as edited at/ }).waitFor({ timeout: 30_000 });
  await editor(page).getByRole('tab', { name: 'worker.py' }).click();
  await editor(page).locator('.cm-content').getByText(EDITED_LINE).waitFor();

  // Show solution: workflows.py is the solution's; worker.py differs by the typed line, until the solution's is used.
  await page.getByRole('button', { name: 'Show solution' }).click();
  const solution = page.locator('.lab-solution');
  await solution.getByRole('tab', { name: 'workflows.py' }).click();
  await solution.getByText('Your workflows.py is the same as the solution\u2019s.').waitFor();
  await solution.getByRole('tab', { name: 'worker.py differs' }).click();
  await solution.locator('.cm-deletedChunk').getByText(EDITED_LINE).waitFor();
  await page.screenshot({ path: `${results}/lab-solution-diff.png` });
  await solution.getByRole('button', { name: 'Use the solution\u2019s worker.py' }).click();
  const useDialog = page.getByRole('dialog', { name: 'Use the solution\u2019s worker.py?' });
  await useDialog.getByRole('button', { name: 'Use the solution' }).click();
  await solution.getByText('Your worker.py is the same as the solution\u2019s.').waitFor();
  assert.equal(await solution.locator('.tab-mark:visible').count(), 0);
  await page.getByRole('button', { name: 'Show solution' }).click();
  assert.equal(await editor(page).locator('.cm-content').getByText(EDITED_LINE).count(), 0);

  // Reset to starter: Cancel keeps everything; confirming brings back the TODOs, and the check fails with hints.
  await page.getByRole('button', { name: 'Reset to starter' }).click();
  const resetDialog = page.getByRole('dialog', { name: 'Reset lab 01 to its starter files?' });
  await resetDialog.getByRole('button', { name: 'Cancel' }).click();
  await resetDialog.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Reset to starter' }).click();
  await resetDialog.getByRole('button', { name: 'Reset to starter' }).click();
  await resetDialog.waitFor({ state: 'detached' });
  await openFile(page, 'workflows.py');
  await editor(page).locator('.cm-content').getByText('# TODO(timer): wait 2 seconds on a durable timer before paying the line.').waitFor();
  await nav(page, 'Labs');
  await labStatus(page).filter({ hasText: /^not started$/ }).waitFor();
  await page.goBack();
  // Stop ends a check at once; a stopped check records nothing.
  await page.getByRole('toolbar').getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByRole('button', { name: 'Stop' }).click();
  await checkSummary(page).filter({ hasText: /^Stopped: / }).waitFor({ timeout: 30_000 });
  assert.match(await runCheck(page), /^\d+ of \d+ steps passed, \d+ failed/);
  const failed = page.locator('.check-step[data-status="failed"]');
  assert.ok((await failed.count()) >= 1);
  await failed.first().locator('dt', { hasText: 'Hint' }).waitFor();
  assert.match(await failed.first().locator('dd').last().textContent() ?? '', /TODO\(/);
  await failed.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${results}/lab-check-failed.png` });
  await nav(page, 'Labs');
  await labStatus(page).filter({ hasText: /^checks passed \d+ of \d+$/ }).waitFor();

  // Narrow screens: the README goes above the code.
  await page.setViewportSize({ width: 860, height: 1000 });
  await page.goto(`${site.origin}/#/labs/01`);
  await editor(page).waitFor({ timeout: 30_000 });
  const readmeBox = await page.locator('.lab-readme').boundingBox();
  const codeBox = await page.locator('.lab-editor-panel').boundingBox();
  assert.ok(readmeBox && codeBox && readmeBox.y + readmeBox.height <= codeBox.y, 'stacked below 900 px');
  await page.screenshot({ path: `${results}/lab-page-narrow.png`, fullPage: true });

  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${site.origin}/`)), [], 'requests outside the origin');
  await context.close();
});

test('without IndexedDB (private mode) the edits are kept in memory, and the page says so', async () => {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The page's IndexedDB is gone (the server worker, a worker of its own, keeps its own).
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.origin}/#/labs/01`);
  const notice = page.locator('.lab-drafts-notice');
  await notice.filter({ hasText: /^Your edits and progress are kept in this tab only \(IndexedDB is not available here/ }).waitFor({ timeout: 30_000 });
  await openFile(page, 'workflows.py');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# kept in memory');
  await nav(page, 'Labs');
  await notice.waitFor();
  await labStatus(page).filter({ hasText: /^in progress$/ }).waitFor();
  await page.screenshot({ path: `${results}/labs-list-memory-only.png` });
  await page.getByRole('link', { name: 'Durable timers and retries' }).click();
  await editor(page).locator('.cm-content').getByText('# kept in memory').waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, []);
  await context.close();
});
