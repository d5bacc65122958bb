// The bad-input catalogue (docs/bad-input.md), its Node cases: each test is
// one row of the catalogue, named as the row names it. Bad input goes in
// through the real engine.wasm (raw or behind a ServerHost), the history
// codec, the page's MCP transport, or the UI modules mounted on jsdom with a
// ServerHost as their WorkflowService; each test checks the error a person
// gets (code and message as the code writes them) and that nothing was lost:
// no batch was committed for a refused call, the state is what it was, the
// text the user typed is still in its field, the engine goes on working.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';
import { MessagePortTransport } from '../../web/src/mcp/message-port-transport.ts';
import { openRawEngine } from '../../web/src/server/engine-module.ts';
import { EngineError } from '../../web/src/server/errors.ts';
import { ServerHost } from '../../web/src/server/host.ts';
import { locateBadRecord } from '../../web/src/server/restore-diagnosis.ts';
import { MemoryBatchStore } from '../../web/src/server/store/memory-store.ts';
import type { UiDeps } from '../../web/src/ui/deps.ts';
import { mountWorkflowDetail } from '../../web/src/ui/workflows/detail.ts';
import { mountOfflineViewer } from '../../web/src/ui/workflows/offline-viewer.ts';
import { engineModule, payloads, timerActivityHistory } from './helpers.ts';
import { NAMESPACE, ScriptedWorker, commands, fetchHistory, shortType } from './scripted-worker.ts';

// The start form takes its defaults from web/src/workspace, which imports the
// chapter's Python files as Vite `?raw` modules; outside Vite, this hook loads
// them as their text. It is registered before the form's module is imported, and all this set-up
// comes before the first test: node:test starts tests while a module waits at a top-level await.
register('data:text/javascript,' + encodeURIComponent(`
  export async function load(url, context, next) {
    if (!url.startsWith('file:') || !url.endsWith('?raw')) return next(url, context);
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
    return { format: 'module', shortCircuit: true, source: 'export default ' + JSON.stringify(text) + ';' };
  }`));
const { mountStartWorkflowForm } = await import('../../web/src/ui/start-workflow-form.ts');
const { renderCallOutcome } = await import('../../web/src/ui/mcp/result-view.ts');

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/' });
const { window } = dom;
for (const name of ['window', 'document', 'Node', 'HTMLElement', 'Event', 'localStorage', 'DOMParser', 'MouseEvent'] as const) {
  if (!(name in globalThis)) Object.defineProperty(globalThis, name, { configurable: true, writable: true, value: name === 'window' ? window : window[name] });
}

const QUEUE = 'bad-input-queue';
const MB3 = 3 * 1024 * 1024;
/** A json/plain payload whose data is 3 MB of base64: over the engine's 2 MB request limit. */
const hugePayloads = () => ({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'A'.repeat(MB3) }] });

const start = (workflowId: string, extra: Record<string, unknown> = {}) => ({
  namespace: NAMESPACE, workflowId, workflowType: { name: 'InvoiceWorkflow' },
  taskQueue: { name: QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, input: payloads({ invoice_id: workflowId }),
  requestId: `start-${workflowId}`, ...extra,
});
const execution = (workflowId: string, runId?: string) => ({ workflowId, ...(runId ? { runId } : {}) });

/** A ServerHost on a MemoryBatchStore; `store.commits` counts what reached the store. */
async function openHost(t: { after(fn: () => Promise<void> | void): void }) {
  const store = new MemoryBatchStore();
  const host = new ServerHost({ engine: await engineModule(), store, onError: () => {} });
  await host.open();
  t.after(() => host.close());
  return { host, store };
}

/** Calls and expects an EngineError; returns it. */
async function refused(host: ServerHost, method: string, request: unknown): Promise<EngineError> {
  const error = await host.call(method, request).then(
    (response) => assert.fail(`${method} was accepted: ${JSON.stringify(response).slice(0, 200)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EngineError, String(error));
  return error;
}

/** The call is refused with this code and message, and nothing was committed or changed. */
async function refusedUntouched(host: ServerHost, store: MemoryBatchStore, method: string, request: unknown, code: string, message: string | RegExp) {
  const before = JSON.stringify(host.dumpState());
  const commits = store.commits;
  const error = await refused(host, method, request);
  assert.equal(error.code, code, error.message);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  assert.equal(store.commits, commits, `${method}: a refused call commits nothing`);
  assert.equal(JSON.stringify(host.dumpState()), before, `${method}: a refused call changes nothing`);
  return error;
}

/** Starts a workflow and completes its first task with a 5-day timer, as the chapter's workflow does. */
async function startedAndWaiting(host: ServerHost, workflowId: string) {
  const { runId } = await host.call<{ runId: string }>('StartWorkflowExecution', start(workflowId));
  const worker = new ScriptedWorker(host, QUEUE);
  const task = await worker.nextWorkflowTask();
  await worker.complete(task, [commands.startTimer('1', '432000s')]);
  return { runId, worker };
}

// ---------------------------------------------------------------- the engine

test('engine: a request that is not JSON is INVALID_ARGUMENT naming the method; nothing written', async (t) => {
  const engine = openRawEngine(await engineModule(), {}, {});
  t.after(() => engine.delete());
  const before = engine.dumpState();
  const outcome = JSON.parse(engine.call(1, 'StartWorkflowExecution', '{"workflowId": "INV-100", "input": ')) as {
    batch: unknown[]; replies: Array<{ callId: number; error?: { code: string; message: string } }>;
  };
  assert.deepEqual(outcome.batch, []);
  assert.deepEqual(outcome.replies, [{ callId: 1, error: { code: 'INVALID_ARGUMENT', message: 'request for StartWorkflowExecution is not valid JSON' } }]);
  assert.equal(engine.dumpState(), before);
});

test('engine: a start request missing its workflow type or task queue names the missing field', async (t) => {
  const { host, store } = await openHost(t);
  await refusedUntouched(host, store, 'StartWorkflowExecution', { namespace: NAMESPACE, workflowId: 'INV-100' },
    'INVALID_ARGUMENT', 'workflowType.name is required');
  await refusedUntouched(host, store, 'StartWorkflowExecution', { namespace: NAMESPACE, workflowId: 'INV-100', workflowType: { name: 'InvoiceWorkflow' } },
    'INVALID_ARGUMENT', 'taskQueue.name is required');
  await refusedUntouched(host, store, 'StartWorkflowExecution', { ...start('x'), workflowId: undefined },
    'INVALID_ARGUMENT', 'workflowId is required');
});

test('engine: a field of the wrong type or an unknown enum value is named in the error', async (t) => {
  const { host, store } = await openHost(t);
  await refusedUntouched(host, store, 'StartWorkflowExecution', start('x', { workflowId: 42 }), 'INVALID_ARGUMENT', 'workflowId must be a string');
  await refusedUntouched(host, store, 'StartWorkflowExecution', start('x', { workflowExecutionTimeout: 'five days' }), 'INVALID_ARGUMENT',
    'workflowExecutionTimeout: "five days" is not a duration: expected a number and a unit, e.g. "10s", "0.500s", "500ms", "5m" or "1h30m"');
  await refusedUntouched(host, store, 'StartWorkflowExecution', start('x', { workflowIdReusePolicy: 'SOMETIMES' }), 'INVALID_ARGUMENT',
    'workflowIdReusePolicy "SOMETIMES" is not a known value');
});

test('engine: an unknown RPC method is UNIMPLEMENTED and names the method', async (t) => {
  const { host, store } = await openHost(t);
  await refusedUntouched(host, store, 'LaunchMissiles', {}, 'UNIMPLEMENTED', 'unknown method "LaunchMissiles"');
});

test('engine: an unknown workflow ID is NOT_FOUND for describe, signal, query, history, terminate and cancel', async (t) => {
  const { host, store } = await openHost(t);
  const message = 'workflow execution not found for workflow ID "INV-404"';
  await refusedUntouched(host, store, 'DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution('INV-404') }, 'NOT_FOUND', message);
  await refusedUntouched(host, store, 'SignalWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-404'), signalName: 'ApproveInvoice' }, 'NOT_FOUND', message);
  await refusedUntouched(host, store, 'QueryWorkflow', { namespace: NAMESPACE, execution: execution('INV-404'), query: { queryType: 'GetInvoiceStatus' } }, 'NOT_FOUND', message);
  await refusedUntouched(host, store, 'GetWorkflowExecutionHistory', { namespace: NAMESPACE, execution: execution('INV-404') }, 'NOT_FOUND', message);
  await refusedUntouched(host, store, 'TerminateWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-404') }, 'NOT_FOUND', message);
  await refusedUntouched(host, store, 'RequestCancelWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-404') }, 'NOT_FOUND', message);
});

test('engine: a known workflow ID with an unknown run ID is NOT_FOUND naming both', async (t) => {
  const { host, store } = await openHost(t);
  const { runId } = await host.call<{ runId: string }>('StartWorkflowExecution', start('INV-100'));
  await refusedUntouched(host, store, 'DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution('INV-100', 'not-a-run') },
    'NOT_FOUND', 'workflow execution not found for workflow ID "INV-100" and run ID "not-a-run"');
  // A real run ID under another workflow ID is not found either.
  await host.call('StartWorkflowExecution', start('INV-200'));
  await refusedUntouched(host, store, 'SignalWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-200', runId), signalName: 'ApproveInvoice' },
    'NOT_FOUND', `workflow execution not found for workflow ID "INV-200" and run ID "${runId}"`);
});

test('engine: starting a workflow ID that is already running is ALREADY_EXISTS naming the running run', async (t) => {
  const { host, store } = await openHost(t);
  const { runId } = await host.call<{ runId: string }>('StartWorkflowExecution', start('INV-100'));
  await refusedUntouched(host, store, 'StartWorkflowExecution', start('INV-100', { requestId: 'another-start' }),
    'ALREADY_EXISTS', `workflow execution is already running: workflow ID "INV-100", run ID "${runId}"`);
  // The same request again (a client retry, same requestId) is no duplicate: it gets the same run.
  assert.equal((await host.call<{ runId: string }>('StartWorkflowExecution', start('INV-100'))).runId, runId);
});

test('engine: a signal, terminate or cancel to a closed workflow is NOT_FOUND "already completed"; its history is kept', async (t) => {
  const { host, store } = await openHost(t);
  await host.call('StartWorkflowExecution', start('INV-100'));
  await host.call('TerminateWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-100'), reason: 'test' });
  const history = await fetchHistory(host, 'INV-100');
  await refusedUntouched(host, store, 'SignalWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-100'), signalName: 'ApproveInvoice' },
    'NOT_FOUND', 'workflow execution already completed');
  await refusedUntouched(host, store, 'TerminateWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-100') },
    'NOT_FOUND', 'workflow execution already completed');
  await refusedUntouched(host, store, 'RequestCancelWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-100') },
    'NOT_FOUND', 'workflow execution already completed');
  assert.deepEqual(await fetchHistory(host, 'INV-100'), history);
  assert.equal(shortType(history.at(-1)!.eventType), 'WorkflowExecutionTerminated');
});

test('engine: a signal name the workflow does not handle is accepted and recorded in history, as in Temporal', async (t) => {
  const { host } = await openHost(t);
  await startedAndWaiting(host, 'INV-100');
  assert.deepEqual(await host.call('SignalWorkflowExecution', {
    namespace: NAMESPACE, workflowExecution: execution('INV-100'), signalName: 'ApprovInvoice', input: payloads('typo'),
  }), {});
  const signaled = (await fetchHistory(host, 'INV-100')).filter((e) => shortType(e.eventType) === 'WorkflowExecutionSignaled');
  assert.deepEqual(signaled.map((e) => e.workflowExecutionSignaledEventAttributes.signalName), ['ApprovInvoice']);
});

test('engine: a query type the workflow does not handle fails the query with the worker\'s message; nothing is written', async (t) => {
  const { host, store } = await openHost(t);
  const { worker } = await startedAndWaiting(host, 'INV-100');
  const commits = store.commits;
  const before = JSON.stringify(host.dumpState());
  const query = host.call('QueryWorkflow', { namespace: NAMESPACE, execution: execution('INV-100'), query: { queryType: 'GetInvoiceTotal' } }).then(
    () => assert.fail('the query was answered'), (e: unknown) => e);
  // The worker gets it as a legacy query task and fails it as the Python SDK does.
  const task = await host.call<{ taskToken: string; query?: { queryType: string } }>('PollWorkflowTaskQueue', {
    namespace: NAMESPACE, taskQueue: { name: QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, identity: worker.identity,
  });
  assert.equal(task.query?.queryType, 'GetInvoiceTotal');
  const sdkMessage = "Query handler for 'GetInvoiceTotal' expected but not found, known queries: [GetInvoiceStatus]";
  await host.call('RespondQueryTaskCompleted', { namespace: NAMESPACE, taskToken: task.taskToken, completedType: 'QUERY_RESULT_TYPE_FAILED', errorMessage: sdkMessage });
  const error = await query;
  assert.ok(error instanceof EngineError);
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.message, sdkMessage);
  assert.equal(store.commits, commits, 'a query is never written');
  assert.equal(JSON.stringify(host.dumpState()), before);
});

test('engine: a 3 MB workflow input is RESOURCE_EXHAUSTED before anything is stored', async (t) => {
  const { host, store } = await openHost(t);
  await refusedUntouched(host, store, 'StartWorkflowExecution', start('INV-big', { input: hugePayloads() }),
    'RESOURCE_EXHAUSTED', 'request of StartWorkflowExecution is larger than the limit of 2097152 bytes');
  await refused(host, 'DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution('INV-big') });
});

test('engine: a 3 MB signal payload is RESOURCE_EXHAUSTED; the workflow goes on without it', async (t) => {
  const { host, store } = await openHost(t);
  await startedAndWaiting(host, 'INV-100');
  const history = await fetchHistory(host, 'INV-100');
  await refusedUntouched(host, store, 'SignalWorkflowExecution', {
    namespace: NAMESPACE, workflowExecution: execution('INV-100'), signalName: 'ApproveInvoice', input: hugePayloads(),
  }, 'RESOURCE_EXHAUSTED', 'request of SignalWorkflowExecution is larger than the limit of 2097152 bytes');
  assert.deepEqual(await fetchHistory(host, 'INV-100'), history);
  // A signal of ordinary size still gets through.
  await host.call('SignalWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-100'), signalName: 'ApproveInvoice' });
});

test('engine: a completion with a stale or repeated task token is NOT_FOUND; the first completion stands', async (t) => {
  const { host, store } = await openHost(t);
  await host.call('StartWorkflowExecution', start('INV-100'));
  const worker = new ScriptedWorker(host, QUEUE);
  const task = await worker.nextWorkflowTask();
  await worker.complete(task, [commands.startTimer('1', '432000s')]);
  const message = 'workflow task not found: it was already completed, failed or timed out';
  await refusedUntouched(host, store, 'RespondWorkflowTaskCompleted', {
    namespace: NAMESPACE, taskToken: task.taskToken, commands: [commands.completeWorkflow('PAID')],
  }, 'NOT_FOUND', message);
  await refusedUntouched(host, store, 'RespondWorkflowTaskCompleted', { namespace: NAMESPACE, taskToken: 'wt|no-such-run|1|2|1', commands: [] }, 'NOT_FOUND', message);
  const types = (await fetchHistory(host, 'INV-100')).map((e) => shortType(e.eventType));
  assert.equal(types.at(-1), 'TimerStarted');
});

test('engine: an unknown command type is INVALID_ARGUMENT naming the command; the task stays open', async (t) => {
  const { host, store } = await openHost(t);
  await host.call('StartWorkflowExecution', start('INV-100'));
  const worker = new ScriptedWorker(host, QUEUE);
  const task = await worker.nextWorkflowTask();
  await refusedUntouched(host, store, 'RespondWorkflowTaskCompleted', {
    namespace: NAMESPACE, taskToken: task.taskToken, commands: [{ commandType: 'COMMAND_TYPE_LAUNCH_MISSILES' }],
  }, 'INVALID_ARGUMENT', 'commands[0]: unknown or unsupported command type COMMAND_TYPE_LAUNCH_MISSILES');
  // The same task can still be completed properly.
  await worker.complete(task, [commands.startTimer('1', '432000s')]);
});

test('engine: workflow code that raises fails the task with its message in history; the run stays open and retries', async (t) => {
  const { host } = await openHost(t);
  await host.call('StartWorkflowExecution', start('INV-100'));
  const worker = new ScriptedWorker(host, QUEUE);
  const task = await worker.nextWorkflowTask();
  // What the Python worker sends for an exception in workflow code (or an unregistered workflow type).
  const failure = { message: "'lines'", source: 'DurableLabPython', stackTrace: '  File "workflows.py", line 38, in run\n', applicationFailureInfo: { type: 'KeyError' } };
  await host.call('RespondWorkflowTaskFailed', {
    namespace: NAMESPACE, taskToken: task.taskToken, cause: 'WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE', failure, identity: 'w',
  });
  const events = await fetchHistory(host, 'INV-100');
  const failed = events.find((e) => shortType(e.eventType) === 'WorkflowTaskFailed')!;
  assert.equal(failed.workflowTaskFailedEventAttributes.failure.message, "'lines'");
  assert.equal(failed.workflowTaskFailedEventAttributes.failure.applicationFailureInfo.type, 'KeyError');
  const described = await host.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution('INV-100') });
  assert.equal(described.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  assert.equal(described.pendingWorkflowTask?.attempt, 2);
  // The fixed code gets the same input on the retry.
  const retry = await worker.nextWorkflowTask();
  assert.equal(retry.attempt, 2);
  await worker.complete(retry, [commands.completeWorkflow('PAID')]);
});

test('engine: an unsupported list query is INVALID_ARGUMENT listing what is supported', async (t) => {
  const { host, store } = await openHost(t);
  await refusedUntouched(host, store, 'ListWorkflowExecutions', { namespace: NAMESPACE, query: "WorkflowId = 'x' OR 1=1" }, 'INVALID_ARGUMENT',
    /^unsupported list query "WorkflowId = 'x' OR 1=1": supported are WorkflowType = '...', WorkflowId = '...' and ExecutionStatus = 'Running'/);
});

test('engine: skipping time by a negative duration is INVALID_ARGUMENT; the clock does not move', async (t) => {
  const { host, store } = await openHost(t);
  await refusedUntouched(host, store, 'SkipTime', { duration: '-5s' }, 'INVALID_ARGUMENT', 'duration: "-5s" is not a duration: it is negative');
});

// ------------------------------------------------------------ history files

test('history import: a JSON file that is not a history is refused by the engine and the offline viewer', async () => {
  const module = await engineModule();
  const packageJson = '{"name": "durable-lab", "version": "1.0.0"}';
  assert.deepEqual(JSON.parse(module.importHistory(packageJson)), { error: { code: 'INVALID_ARGUMENT',
    message: 'history must be an object with an "events" array (or an array of events), not {...}' } });
  assert.deepEqual(JSON.parse(module.importHistory('{"events": [')), { error: { code: 'INVALID_ARGUMENT', message: 'history is not valid JSON' } });
  const ui = mountOffline(packageJson);
  assert.equal(ui.alert, 'This file cannot be viewed as a history. This JSON has no "events" array, so it is not a workflow history.');
  assert.equal(mountOffline('{"events": [').alert?.startsWith('This file cannot be viewed as a history. The file is not JSON: '), true);
});

test('history import: a history with a gap in its event IDs is refused by the engine and the offline viewer', async () => {
  const module = await engineModule();
  const history = timerActivityHistory();
  history.events.splice(3, 1); // event 4 is missing: 1, 2, 3, 5, ...
  const text = JSON.stringify(history);
  assert.deepEqual(JSON.parse(module.importHistory(text)), { error: { code: 'INVALID_ARGUMENT',
    message: 'event 4 (eventId 5): expected eventId 4; event IDs run 1, 2, 3, ... without gaps' } });
  assert.equal(mountOffline(text).alert,
    'This file cannot be viewed as a history. Event #4 has eventId 5, but event IDs run 1, 2, 3, ... without gaps: expected 4, so events are missing.');
  // The complete history is shown.
  const whole = mountOffline(JSON.stringify(timerActivityHistory()));
  assert.equal(whole.alert, null);
  assert.match(whole.text, /PaymentWorkflow · {2}· 16 events \(offline copy, not on the server\)/);
});

// ------------------------------------------------------------ server storage

test('storage: a snapshot with a damaged history record does not open; the record is named', async (t) => {
  const { host, store } = await openHost(t);
  const { runId } = await startedAndWaiting(host, 'INV-100');
  const snapshot = await store.load();
  const key = Object.keys(snapshot.history!).sort()[2]!;
  snapshot.history![key] = { eventId: 'three', eventType: 42 };
  const damaged = new ServerHost({ engine: await engineModule(), store: new MemoryBatchStore(snapshot), onError: () => {} });
  const error = await damaged.open().then(() => assert.fail('the damaged snapshot opened'), (e: unknown) => e);
  assert.ok(error instanceof EngineError);
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.message, 'event: eventId "three" is not a positive integer');
  // What the server worker adds to that for the page's banner: which record it is.
  assert.equal(locateBadRecord(await engineModule(), {}, snapshot), `history/${key}`);
  assert.ok(key.startsWith(`${runId}/`));
  // The store was only read: the intact copy still opens with the workflow in it.
  const intact = new ServerHost({ engine: await engineModule(), store: new MemoryBatchStore(await store.load()), onError: () => {} });
  await intact.open();
  t.after(() => intact.close());
  assert.equal((await intact.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution('INV-100') })).workflowExecutionInfo.status,
    'WORKFLOW_EXECUTION_STATUS_RUNNING');
});

// ---------------------------------------------------------------------- MCP

test('MCP page transport: text from the server that is not JSON or not JSON-RPC is reported, and the connection goes on', async (t) => {
  const { port1, port2 } = new MessageChannel();
  t.after(() => { port1.close(); port2.close(); });
  const transport = new MessagePortTransport(port1 as never);
  const errors: string[] = [];
  const messages: unknown[] = [];
  transport.onerror = (e) => errors.push(e.message);
  transport.onmessage = (m) => messages.push(m);
  await transport.start();
  port2.postMessage('{"jsonrpc": "2.0", "id": 1, "result": ');
  port2.postMessage('{"jsonrpc": "1.0", "id": 1}');
  port2.postMessage({ jsonrpc: '2.0', id: 1, result: {} });
  port2.postMessage('{"jsonrpc": "2.0", "id": 1, "result": {}}');
  for (let i = 0; i < 100 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0]!, /^the MCP server sent text that is not JSON: /);
  assert.match(errors[1]!, /^the MCP server sent a message that is not JSON-RPC 2\.0: /);
  assert.equal(errors[2], 'the MCP server sent a non-text message (object)');
  assert.deepEqual(messages, [{ jsonrpc: '2.0', id: 1, result: {} }]);
});

// ----------------------------------------------------------------- the page

function mountOffline(text: string): { alert: string | null; text: string } {
  const root = window.document.createElement('div');
  const view = mountOfflineViewer(root, 'upload.json', text, () => {});
  const alert = root.querySelector('[role="alert"]')?.textContent ?? null;
  const all = root.textContent ?? '';
  view.dispose();
  return { alert, text: all };
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function uiDeps(host: ServerHost): UiDeps {
  return { service: host, navigate: () => {}, now: () => host.nowMs() };
}

/** The start form on jsdom, with a ServerHost behind it. */
async function startForm(t: { after(fn: () => Promise<void> | void): void }) {
  const { host, store } = await openHost(t);
  const root = window.document.createElement('div');
  window.document.body.append(root);
  const form = mountStartWorkflowForm(root, uiDeps(host));
  t.after(() => { form.dispose(); root.remove(); });
  const field = (name: string) => root.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)!;
  const message = root.querySelector<HTMLElement>('.form-message')!;
  const submit = async () => {
    message.textContent = '';
    root.querySelector('form')!.dispatchEvent(new window.Event('submit', { cancelable: true }));
    return until('the form message', () => (message.textContent && message.textContent !== 'Starting…' ? message : null));
  };
  return { host, store, field, submit };
}

test('UI start form: malformed invoice JSON is refused with the parser\'s message; nothing is sent and the text stays', async (t) => {
  const { store, field, submit } = await startForm(t);
  const typed = '{"invoice_id": "INV-100", "lines": [{"amount": 100},]}';
  field('input').value = typed;
  const message = await submit();
  assert.match(message.textContent!, /^The input is not valid JSON: /);
  assert.equal(message.getAttribute('role'), 'alert');
  assert.equal(field('input').getAttribute('aria-invalid'), 'true');
  assert.equal(field('input').value, typed, 'the typed text is kept for fixing');
  assert.equal(store.commits, 0, 'nothing reached the server');
});

test('UI start form: an empty workflow ID or task queue asks for it; nothing is sent', async (t) => {
  const { store, field, submit } = await startForm(t);
  field('workflowId').value = '  ';
  assert.equal((await submit()).textContent, 'Enter a workflow ID.');
  field('workflowId').value = 'INV-100';
  field('taskQueue').value = '';
  assert.equal((await submit()).textContent, 'Enter a task queue.');
  assert.equal(store.commits, 0);
});

test('UI start form: a 3 MB invoice is refused by the server with its limit; the form keeps the input', async (t) => {
  const { host, store, field, submit } = await startForm(t);
  const big = JSON.stringify({ invoice_id: 'INV-big', lines: [{ description: 'x'.repeat(MB3), amount: 1 }] });
  field('workflowId').value = 'INV-big';
  field('input').value = big;
  const message = await submit();
  assert.equal(message.textContent, 'Could not start the workflow: request of StartWorkflowExecution is larger than the limit of 2097152 bytes');
  assert.equal(message.getAttribute('role'), 'alert');
  assert.equal(field('input').value, big);
  assert.equal(field('workflowId').value, 'INV-big', 'the ID is not replaced after a failure');
  assert.equal(store.commits, 0);
  await refused(host, 'DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution('INV-big') });
});

test('UI start form: a workflow ID that is already running is refused with the server\'s message', async (t) => {
  const { host, field, submit } = await startForm(t);
  const { runId } = await host.call<{ runId: string }>('StartWorkflowExecution', start('INV-100'));
  field('workflowId').value = 'INV-100';
  const message = await submit();
  assert.equal(message.textContent, `Could not start the workflow: workflow execution is already running: workflow ID "INV-100", run ID "${runId}"`);
  const list = await host.call('ListWorkflowExecutions', { namespace: NAMESPACE });
  assert.equal(list.executions.length, 1);
});

/** The detail view of one workflow on jsdom. */
async function detailView(t: { after(fn: () => Promise<void> | void): void }, host: ServerHost, workflowId: string) {
  const root = window.document.createElement('div');
  window.document.body.append(root);
  const view = mountWorkflowDetail(root, uiDeps(host), { workflowId });
  t.after(() => { view.dispose(); root.remove(); });
  return root;
}

test('UI workflow view: an unknown workflow ID says it was not found', async (t) => {
  const { host } = await openHost(t);
  const root = await detailView(t, host, 'INV-404');
  const message = await until('the message', () => root.querySelector('.wf-message')?.textContent);
  assert.equal(message, 'Could not describe the workflow: workflow execution not found for workflow ID "INV-404"');
});

test('UI workflow view: a signal with malformed JSON input is refused before sending; a signal to a closed workflow shows the server\'s error', async (t) => {
  const { host, store } = await openHost(t);
  await host.call('StartWorkflowExecution', start('INV-100'));
  const root = await detailView(t, host, 'INV-100');
  await until('the history', () => root.querySelector('[data-event-id="2"]'));
  const out = root.querySelector<HTMLElement>('[data-answer="signal"]')!;
  const send = () => root.querySelector<HTMLInputElement>('[name="signalName"]')!.form!.dispatchEvent(new window.Event('submit', { cancelable: true }));
  root.querySelector<HTMLInputElement>('[name="signalName"]')!.value = 'ApproveInvoice';
  root.querySelector<HTMLTextAreaElement>('[name="signalInput"]')!.value = 'yes';
  const commits = store.commits;
  send();
  assert.match(out.textContent!, /^The input is not valid JSON: .*\. Strings need quotes, e\.g\. "yes"\.$/);
  assert.equal(store.commits, commits);
  // The workflow closes (terminated elsewhere); a signal sent from the still-open page is refused.
  await host.call('TerminateWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution('INV-100'), reason: 'closed elsewhere' });
  root.querySelector<HTMLTextAreaElement>('[name="signalInput"]')!.value = '"yes"';
  send();
  await until('the signal answer', () => /failed/.test(out.textContent ?? ''));
  assert.equal(out.textContent, 'Signal failed: workflow execution already completed');
  assert.ok(out.classList.contains('wf-error'));
});

test('UI workflow view: script in a workflow ID, input, signal name and failure is shown as text, never run', async (t) => {
  const { host } = await openHost(t);
  const evil = '<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>';
  const workflowId = `INV-${evil}`;
  await host.call('StartWorkflowExecution', start(workflowId, { input: payloads({ invoice_id: evil, note: '<svg onload=alert(1)>' }) }));
  const worker = new ScriptedWorker(host, QUEUE);
  const task = await worker.nextWorkflowTask();
  await host.call('RespondWorkflowTaskFailed', { namespace: NAMESPACE, taskToken: task.taskToken,
    cause: 'WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE', failure: { message: `<b>bold</b>${evil}` } });
  await host.call('SignalWorkflowExecution', { namespace: NAMESPACE, workflowExecution: execution(workflowId), signalName: `<iframe src="javascript:alert(1)">`, input: payloads(evil) });
  const root = await detailView(t, host, workflowId);
  await until('the signal in the feed', () => [...root.querySelectorAll('.wf-event-type')].some((e) => e.textContent === 'WorkflowExecutionSignaled'));
  // Open every event, then look at the compact and JSON views too.
  for (const details of root.querySelectorAll('details')) { details.open = true; details.dispatchEvent(new window.Event('toggle')); }
  const texts: string[] = [root.textContent ?? ''];
  for (const view of ['compact', 'json']) {
    root.querySelector<HTMLButtonElement>(`[data-view="${view}"]`)!.click();
    texts.push(root.textContent ?? '');
  }
  assert.equal(root.querySelectorAll('img, script, svg, iframe, b').length, 0, 'no element came from the data');
  assert.equal((globalThis as { pwned?: number }).pwned, undefined);
  const all = texts.join('\n');
  assert.ok(all.includes(workflowId), 'the workflow ID is shown as the text it is');
  assert.ok(all.includes('<iframe src=\\"javascript:alert(1)\\">') || all.includes('<iframe src="javascript:alert(1)">'), 'the signal name is shown as text');
  assert.ok(all.includes('<svg onload=alert(1)>'), 'the input is shown as text');
  assert.ok(all.includes('<b>bold</b>'), 'the failure message is shown as text');
});

test('UI MCP results: script in a tool\u2019s text, structured content or error message is shown as text', () => {
  const evil = '<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>';
  const result = renderCallOutcome({ result: { isError: true, content: [{ type: 'text', text: `Error executing tool process_invoice: ${evil}` }],
    structuredContent: { note: evil } } });
  const failure = renderCallOutcome({ failure: { code: -32602, codeName: 'Invalid params', message: `Unknown tool: ${evil}` } });
  for (const element of [result, failure]) {
    assert.equal(element.querySelectorAll('img, script').length, 0);
    assert.ok(element.textContent!.includes(evil));
  }
  assert.equal(result.dataset.outcome, 'tool-error');
  assert.ok(failure.textContent!.includes(`error -32602 (Invalid params): Unknown tool: ${evil}`));
  assert.equal((globalThis as { pwned?: number }).pwned, undefined);
});
