// The MCP page (#/mcp) in the built site, in Debian's Chromium, against the
// real MCP server process (the chapter's mcp_servers/invoice.py on FastMCP in
// Pyodide), the Python worker running InvoiceWorkflow and the server worker:
// (a) the chapter's Claude Desktop demo through the scripted assistant,
// including quitting the MCP server mid-flow; (b) the same flow through the
// client panel's generated forms; (c) the JSON-RPC transcript, its pairs and
// its export. Needs `npm run build` first. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_INVOICE } from '../../web/src/workspace/samples.ts';
import { openLab as openLabIn, root, useBuiltSite } from './support/chromium.ts';

const results = `${root}/test-results`;
const LOAD_MS = 180_000;
const CALL_MS = 30_000;
const INVOICE_JSON = JSON.stringify(DEFAULT_INVOICE, null, 2);
const site = useBuiltSite();
before(() => mkdirSync(results, { recursive: true }));

const openLab = (hash: string) => openLabIn(site, hash, { viewport: { width: 1280, height: 1000 }, acceptDownloads: true });

const nav = (page: Page, name: 'Workflows' | 'MCP' | 'Processes') =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

const connectionState = (page: Page) => page.getByTestId('mcp-connection-state');

// ---- the scripted assistant ----

const chat = (page: Page) => page.getByRole('log', { name: 'Conversation with the scripted assistant' });

/** Sends a request; with `tool`, waits for its permission request and answers Allow. */
async function ask(page: Page, prompt: string, tool?: string): Promise<void> {
  await page.getByLabel('Your request').fill(prompt);
  await page.getByLabel('Your request').press('Enter');
  if (!tool) return;
  const permission = chat(page).getByRole('group', { name: `Allow the call to ${tool}?` });
  await permission.waitFor({ timeout: LOAD_MS }); // the first request also starts the MCP server process
  await permission.getByRole('button', { name: 'Allow' }).click();
}

/** Waits for an assistant message matching `pattern` and returns its text. */
async function reply(page: Page, pattern: RegExp, timeout = CALL_MS): Promise<string> {
  const message = chat(page).locator('.mcp-msg-assistant .mcp-msg-text').filter({ hasText: pattern }).last();
  await message.waitFor({ timeout });
  return (await message.textContent()) ?? '';
}

/** On a workflow's detail view: skips to each pending timer until the run completes. */
async function waitForCompletion(page: Page): Promise<void> {
  const completed = page.locator('.wf-event-type', { hasText: 'WorkflowExecutionCompleted' });
  const end = Date.now() + 60_000;
  while (!(await completed.count())) {
    assert.ok(Date.now() < end, 'the workflow did not complete');
    await page.getByRole('button', { name: 'Next timer' }).click();
    await page.waitForTimeout(500);
  }
}

test('(a) the chapter\u2019s Claude Desktop demo through the scripted assistant, across an MCP server restart', async () => {
  const { page, finish } = await openLab('#/mcp');
  await page.getByText('scripted, not a language model').waitFor();
  assert.equal(await connectionState(page).textContent(), 'disconnected');

  // Not understood: it says what it understands, and an example fills the request box.
  await ask(page, 'Tell me a joke');
  await reply(page, /I did not recognise that request/);
  await chat(page).locator('.mcp-msg-assistant').last().getByRole('button', { name: /^Approve this invoice$/ }).click();
  assert.equal(await page.getByLabel('Your request').inputValue(), 'Approve this invoice');
  // Malformed JSON: no tool call, and the JSON error is named.
  await ask(page, 'Process this invoice for me: {"invoice_id": "INV-100",');
  await reply(page, /^The invoice is not valid JSON \(.+\), so I did not call process_invoice/);

  // "Process this invoice for me": it connects first (starting the MCP server), asks, then starts InvoiceWorkflow.
  await ask(page, `Process this invoice for me: ${INVOICE_JSON}`, 'process_invoice');
  await reply(page, /not connected to the MCP server yet, so I am connecting/);
  const started = await reply(page, /^Started workflow invoice-\S+ \(run \S+\)\. It is now waiting for approval/);
  const [, workflowId, runId] = /^Started workflow (invoice-[0-9a-f-]{36}) \(run (\S+)\)/.exec(started)!;
  assert.ok(workflowId && runId, started);
  await connectionState(page).filter({ hasText: 'connected' }).waitFor();
  const call = chat(page).locator('.mcp-msg-tool[data-tool="process_invoice"]');
  assert.deepEqual(JSON.parse((await call.locator('pre').first().textContent())!), { invoice: DEFAULT_INVOICE });
  assert.deepEqual(JSON.parse((await call.locator('.mcp-result-structured').textContent())!), { workflow_id: workflowId, run_id: runId });
  await page.screenshot({ path: `${results}/mcp-assistant-started.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${results}/mcp-assistant-started-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // The workflow view: the worker ran the first task, so the approval wait's timer is pending.
  await chat(page).getByRole('link', { name: `Open workflow ${workflowId}` }).first().click();
  assert.ok(page.url().endsWith(`#/workflows/${workflowId}/${runId}`), page.url());
  await page.locator('.wf-event-type', { hasText: 'TimerStarted' }).first().waitFor({ timeout: 60_000 });
  await page.locator('[data-pending="timer"]').waitFor({ timeout: 30_000 });

  // The status, through the GetInvoiceStatus query.
  await nav(page, 'MCP');
  await reply(page, /^Started workflow/); // the conversation survived leaving the page
  await ask(page, 'What is the status of this invoice?', 'invoice_status');
  await reply(page, /^The invoice is PENDING-APPROVAL; its workflow is RUNNING\.$/);
  await chat(page).getByText(`Invoice with ID ${workflowId} is currently PENDING-APPROVAL. Workflow status: RUNNING`).waitFor();

  // "Quit Claude Desktop": the MCP server process is killed, then started again; the page reconnects by itself.
  await nav(page, 'Processes');
  await page.getByTestId('mcp-state').filter({ hasText: 'running' }).waitFor();
  await page.getByRole('button', { name: 'Kill MCP server' }).click();
  await page.getByTestId('mcp-state').filter({ hasText: /stopped|crashed/ }).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Restart MCP server' }).click();
  await page.getByTestId('mcp-state').filter({ hasText: 'running' }).waitFor({ timeout: LOAD_MS });
  await nav(page, 'MCP');
  await connectionState(page).filter({ hasText: /^connected$/ }).waitFor({ timeout: CALL_MS });
  await page.locator('.mcp-tx-note', { hasText: 'the server process ended (killed)' }).waitFor();

  // Approve: the ApproveInvoice signal; the workflow pays both lines (skipping its 2-second sleeps) and completes.
  await ask(page, 'Approve this invoice', 'approve_invoice');
  await reply(page, /^Approval sent; the server answered APPROVED\./);
  await chat(page).getByRole('link', { name: `Open workflow ${workflowId}` }).last().click();
  await waitForCompletion(page);
  await page.locator('.wf-event-type', { hasText: 'WorkflowExecutionSignaled' }).first().waitFor();
  assert.equal(await page.locator('.wf-event-type', { hasText: /^ActivityTaskCompleted$/ }).count(), 2, 'both lines paid');
  assert.equal(await page.locator('[data-io="result"]').textContent(), '"PAID"');

  // The query still answers on the completed workflow.
  await nav(page, 'MCP');
  await ask(page, 'What is the status of this invoice?', 'invoice_status');
  await reply(page, /^The invoice is PAID; its workflow is COMPLETED\. The workflow has closed, and its query still answers\.$/);
  // Deny: no call.
  await ask(page, 'Reject it');
  await chat(page).getByRole('group', { name: 'Allow the call to reject_invoice?' }).getByRole('button', { name: 'Deny' }).click();
  await reply(page, /^All right: I did not call reject_invoice\.$/);
  await page.screenshot({ path: `${results}/mcp-assistant-demo.png`, fullPage: true });
  await finish();
});

// ---- the client panel ----

const panel = (page: Page) => page.locator('section.mcp-inspector');

async function chooseTool(page: Page, name: string): Promise<Locator> {
  await panel(page).getByRole('button', { name: new RegExp(`^${name}\\b`) }).click();
  const form = panel(page).locator('form.mcp-tool-form');
  await panel(page).getByRole('heading', { name, level: 3 }).waitFor();
  return form;
}

/** Calls the chosen tool and returns the result's text content. */
async function callTool(page: Page, form: Locator): Promise<string> {
  // The click disables the button ("Calling…") before it returns; it is back once the result is drawn.
  await form.getByRole('button', { name: 'Call tool' }).click();
  await form.getByRole('button', { name: 'Call tool' }).and(page.locator(':enabled')).waitFor({ timeout: CALL_MS });
  assert.equal(await form.getByText('Not sent: fix the marked fields.').count(), 0);
  return (await panel(page).locator('.mcp-call-result .mcp-result-text').allTextContents()).join('\n');
}

/** Calls until the text matches, skipping to the next timer in between. */
async function callUntil(page: Page, form: Locator, pattern: RegExp): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const text = await callTool(page, form);
    if (pattern.test(text)) return text;
    assert.ok(Date.now() < end, `never matched ${pattern}: ${text}`);
    await page.getByRole('button', { name: 'Next timer' }).click();
    await page.waitForTimeout(500);
  }
}

async function fillRun(form: Locator, workflowId: string, runId: string): Promise<void> {
  await form.getByLabel(/^workflow_id/).fill(workflowId);
  await form.getByLabel(/^run_id/).fill(runId);
}

test('(b) the same flow through the client panel\u2019s generated forms', async () => {
  const { page, finish } = await openLab('#/mcp');
  await page.locator('section.mcp-connection').getByRole('button', { name: 'Connect', exact: true }).click();
  await connectionState(page).filter({ hasText: /^connected$/ }).waitFor({ timeout: LOAD_MS });
  const facts = page.locator('.mcp-facts');
  await facts.getByText('invoice', { exact: false }).first().waitFor();
  assert.match((await facts.textContent()) ?? '', /Protocol\d{4}-\d\d-\d\d/);
  const tools = await panel(page).locator('button.mcp-tool strong').allTextContents();
  assert.deepEqual(tools.sort(), ['approve_invoice', 'invoice_status', 'process_invoice', 'reject_invoice']);

  // process_invoice: its invoice argument is a JSON object; required and parse errors are shown before sending.
  let form = await chooseTool(page, 'process_invoice');
  const invoice = form.getByLabel(/^invoice/);
  assert.equal(await invoice.evaluate((el) => el.tagName), 'TEXTAREA');
  await form.getByRole('button', { name: 'Call tool' }).click();
  await form.getByText('Required.').waitFor();
  await invoice.fill('{"invoice_id": "INV-100",');
  await form.getByText(/^Not valid JSON: /).waitFor();
  assert.equal(await invoice.getAttribute('aria-invalid'), 'true');
  await invoice.fill(INVOICE_JSON);
  assert.equal(await form.getByText(/^Not valid JSON: /).count(), 0);
  await callTool(page, form);
  const structured = panel(page).locator('.mcp-call-result .mcp-result-structured');
  const ids = JSON.parse((await structured.textContent())!) as { workflow_id: string; run_id: string };
  assert.match(ids.workflow_id, /^invoice-[0-9a-f-]{36}$/);
  await page.screenshot({ path: `${results}/mcp-client-started.png`, fullPage: true });

  // invoice_status with the IDs typed from that result.
  form = await chooseTool(page, 'invoice_status');
  await fillRun(form, ids.workflow_id, ids.run_id);
  await callUntil(page, form, /is currently PENDING-APPROVAL\. Workflow status: RUNNING$/);

  // approve_invoice, through the raw JSON editor for once.
  form = await chooseTool(page, 'approve_invoice');
  await fillRun(form, ids.workflow_id, ids.run_id);
  await form.getByRole('switch', { name: 'Edit the arguments as raw JSON' }).check();
  const raw = form.getByLabel('Arguments (JSON object)');
  assert.deepEqual(JSON.parse(await raw.inputValue()), ids);
  assert.equal(await callTool(page, form), 'APPROVED');

  form = await chooseTool(page, 'invoice_status');
  const done = await callUntil(page, form, /Workflow status: COMPLETED$/);
  assert.equal(done, `Invoice with ID ${ids.workflow_id} is currently PAID. Workflow status: COMPLETED`);
  await page.screenshot({ path: `${results}/mcp-client-completed.png`, fullPage: true });
  await finish();
});

// ---- the transcript ----

test('(c) the transcript pairs initialize, tools/list and tools/call, and Export JSON has them', async () => {
  const { page, finish } = await openLab('#/mcp');
  await page.locator('section.mcp-connection').getByRole('button', { name: 'Connect', exact: true }).click();
  await connectionState(page).filter({ hasText: /^connected$/ }).waitFor({ timeout: LOAD_MS });

  // A tool error: the server answers with isError, shown in the error style.
  const form = await chooseTool(page, 'approve_invoice');
  await fillRun(form, 'invoice-nope', 'no-such-run');
  await form.getByRole('button', { name: 'Call tool' }).click();
  const toolError = panel(page).locator('.mcp-result-error');
  await toolError.getByText('The tool reported an error (isError: true)').waitFor({ timeout: CALL_MS });

  const transcript = page.locator('section.mcp-transcript');
  const entry = (kind: string, method: string) => transcript.locator(`li[data-kind="${kind}"]`, { has: page.locator('.mcp-tx-method', { hasText: new RegExp(`^${method}$`) }) });
  for (const method of ['initialize', 'tools/list', 'tools/call']) {
    await entry('request', method).first().waitFor();
    await entry('response', method).first().waitFor();
  }
  await transcript.locator('.mcp-tx-note', { hasText: 'connecting to the MCP server process' }).waitFor();
  // The initialize request links to its response, which shows the duration.
  const request = entry('request', 'initialize').first();
  await request.getByRole('button', { name: /^response #\d+$/ }).click();
  const response = entry('response', 'initialize').first();
  assert.match((await response.getAttribute('class')) ?? '', /mcp-tx-highlight/);
  assert.match((await response.locator('.mcp-tx-pair').textContent()) ?? '', /^request #\d+ · \d+ ms$/);
  // Each message's JSON on demand.
  await request.locator('.mcp-tx-toggle').click();
  assert.equal(JSON.parse((await request.locator('pre').textContent())!).method, 'initialize');
  await page.screenshot({ path: `${results}/mcp-transcript.png`, fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), transcript.getByRole('button', { name: 'Export JSON' }).click()]);
  assert.match(download.suggestedFilename(), /^mcp-transcript-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
  const saved = `${results}/${download.suggestedFilename()}`;
  await download.saveAs(saved);
  const exported = JSON.parse(readFileSync(saved, 'utf8')) as { format: string; entries: Array<{ kind: string; method?: string; pairedSeq?: number; seq: number }> };
  assert.equal(exported.format, 'durable-lab/mcp-transcript');
  for (const method of ['initialize', 'tools/list', 'tools/call']) {
    const sent = exported.entries.find((e) => e.kind === 'request' && e.method === method);
    assert.ok(sent?.pairedSeq, `${method} request paired`);
    const answer = exported.entries.find((e) => e.seq === sent.pairedSeq);
    assert.equal(answer?.kind, 'response');
    assert.equal(answer?.pairedSeq, sent.seq);
  }
  assert.ok(exported.entries.some((e) => e.kind === 'notification' && e.method === 'notifications/initialized'));

  // Narrow: the panels stack and nothing needs sideways scrolling.
  await page.setViewportSize({ width: 420, height: 900 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways at 420 px');
  await page.screenshot({ path: `${results}/mcp-narrow.png`, fullPage: true });
  await finish();
});
