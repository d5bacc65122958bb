// The Python process host (web/src/processes/) under Node: Pyodide + web/python
// + the attendee's files, worker.py run as `python worker.py`, against a
// ServerHost on engine.wasm. Each test loads its own Pyodide, like a fresh
// Web Worker.
//
//   node --experimental-wasm-stack-switching --import tsx --test tests/runtime/python/process.test.ts
//
// With the flag asyncio.run blocks through JSPI (as in Chromium); the
// `forceNoJspi` test drives it from the host (the fallback path).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerHost } from '../../../web/src/server/host.ts';
import { MemoryBatchStore } from '../../../web/src/server/store/memory-store.ts';
import { loadEngineModuleNode } from '../../../web/src/server/node.ts';
import { createNodePythonProcess } from '../../../web/src/processes/node.ts';
import type { ProcessEvent } from '../../../web/src/processes/protocol.ts';
import { createRpc } from '../../../web/src/processes/host-interfaces.ts';
import { RpcChannelClient, serveRpc, type PortLike } from '../../../web/src/processes/rpc-channel.ts';
import { approveFlow, chapterFiles, startInvoice, type Call } from './chapter.ts';

const engine = await loadEngineModuleNode();

async function server(t: { after(fn: () => Promise<void>): void }) {
  const host = new ServerHost({ engine, store: new MemoryBatchStore(), engineOptions: { longPollTimeoutMs: 5_000 } });
  await host.open();
  t.after(() => host.close());
  return host;
}

function start(host: ServerHost, files: Record<string, string>, extra: { forceNoJspi?: boolean; entry?: string } = {}) {
  const events: ProcessEvent[] = [];
  const process = createNodePythonProcess({ files, rpc: host, onEvent: (e) => events.push(e), ...extra });
  const exited = process.run();
  const stdout = () => events.filter((e) => e.type === 'output' && e.stream === 'stdout').map((e) => (e as { text: string }).text);
  const stderr = () => events.filter((e) => e.type === 'output' && e.stream === 'stderr').map((e) => (e as { text: string }).text).join('\n');
  return { process, exited, events, stdout, stderr };
}

async function chapterRun(t: { after(fn: () => Promise<void>): void }, forceNoJspi: boolean) {
  const host = await server(t);
  const p = start(host, chapterFiles(), { forceNoJspi });
  const call: Call = (method, request) => host.call(method, request);
  const flow = await approveFlow(call, `invoice-${forceNoJspi ? 'driven' : 'jspi'}`);
  assert.equal(flow.before, 'PENDING-APPROVAL');
  assert.equal(flow.result, 'PAID');
  assert.equal(flow.after, 'PAID');
  assert.equal(flow.events.filter((e) => e === 'ACTIVITY_TASK_COMPLETED').length, 2);

  const stages = p.events.filter((e) => e.type === 'progress').map((e) => (e as { stage: string }).stage);
  assert.deepEqual(stages, ['runtime', 'engine', 'packages', 'files', 'starting', 'ready']);
  const fractions = p.events.filter((e) => e.type === 'progress').map((e) => (e as { fraction: number }).fraction);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
  assert.equal(fractions.at(-1), 1);
  assert.deepEqual(p.stdout(), ['Worker started. Listening for workflows...']);
  const logs = p.events.filter((e) => e.type === 'log') as Array<{ level: string; logger: string; message: string }>;
  assert.ok(logs.some((l) => l.level === 'INFO' && /Paying Widget A/.test(l.message)), JSON.stringify(logs));
  assert.ok(logs.some((l) => /Paying Widget B/.test(l.message)));

  const stopped = await p.process.stop();
  assert.deepEqual(stopped, { code: 130, reason: 'stopped' });
  assert.deepEqual(p.events.at(-1), { type: 'exit', exit: { code: 130, reason: 'stopped' } });
  p.process.dispose();
}

test('the chapter worker.py runs as python worker.py (asyncio.run through JSPI when available): PENDING-APPROVAL, approve, PAID; stop', async (t) => {
  await chapterRun(t, false);
});

test('the same with asyncio.run driven by the host (no JSPI, as in a browser without it)', async (t) => {
  await chapterRun(t, true);
});

test('a syntax error in worker.py: exit 1 with SyntaxError at the file and line, printed to stderr', async (t) => {
  const host = await server(t);
  const files = { ...chapterFiles(), 'worker.py': 'import asyncio\n\ndef broken(:\n    pass\n' };
  const p = start(host, files);
  const exit = await p.exited;
  assert.equal(exit.code, 1);
  assert.equal(exit.reason, 'error');
  assert.equal(exit.error?.type, 'SyntaxError');
  assert.match(exit.error!.message, /\(worker\.py, line 3\)$/);
  assert.match(p.stderr(), /File "worker\.py", line 3/);
  assert.doesNotMatch(exit.error!.traceback ?? '', /durable_lab_process/);
});

test('a module that raises at import: the exception and a traceback through the attendee files', async (t) => {
  const host = await server(t);
  const files = { ...chapterFiles(), 'activities.py': 'from temporalio import activity\n\nRATE = 1 / 0\n' };
  const p = start(host, files);
  const exit = await p.exited;
  assert.equal(exit.error?.type, 'ZeroDivisionError');
  assert.equal(exit.error?.message, 'division by zero');
  assert.match(exit.error!.traceback!, /File "worker\.py", line \d+, in <module>/);
  assert.match(exit.error!.traceback!, /File "\/home\/pyodide\/activities\.py", line 3, in <module>/);
  assert.match(p.stderr(), /ZeroDivisionError: division by zero/);
});

test('a missing entry file: FileNotFoundError naming the files that are there', async (t) => {
  const host = await server(t);
  const p = start(host, { 'workflows.py': '' }, { entry: 'worker.py' });
  const exit = await p.exited;
  assert.equal(exit.error?.type, 'FileNotFoundError');
  assert.match(exit.error!.message, /can't open file 'worker\.py'.*files here: workflows\.py/);
});

test('a missing module: ModuleNotFoundError for the import in worker.py', async (t) => {
  const host = await server(t);
  const files = chapterFiles();
  delete files['activities.py'];
  const exit = await start(host, files).exited;
  assert.equal(exit.error?.type, 'ModuleNotFoundError');
  assert.match(exit.error!.message, /No module named 'activities'/);
});

test('sys.exit(3) and a script that just ends: exit codes as python gives them', async (t) => {
  const host = await server(t);
  const exit = await start(host, { 'worker.py': 'import sys\nprint("bye")\nsys.exit(3)\n' }).exited;
  assert.deepEqual(exit, { code: 3, reason: 'completed' });
  const plain = start(host, { 'main.py': 'import asyncio\nasync def main():\n    await asyncio.sleep(0.01)\n    return 7\nprint("result", asyncio.run(main()))\n' }, { entry: 'main.py' });
  assert.deepEqual(await plain.exited, { code: 0, reason: 'completed' });
  // With JSPI asyncio.run blocks and returns, so the line after it runs too.
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  if (typeof wasm.Suspending === 'function' || typeof wasm.Suspender === 'function') assert.deepEqual(plain.stdout(), ['result 7']);
});

test('paths outside the project are refused before anything loads', async (t) => {
  const host = await server(t);
  const p = start(host, { '../etc/passwd': 'x', 'worker.py': '' });
  const exit = await p.exited;
  assert.equal(exit.error?.type, 'InvalidFiles');
  assert.equal(p.events.filter((e) => e.type === 'progress').length, 0);
});

test('rpc-channel: calls over a MessagePort reach the ServerHost; errors keep their code; an abort cancels the long poll', async (t) => {
  const host = await server(t);
  const { port1, port2 } = new MessageChannel();
  t.after(() => { port1.close(); port2.close(); });
  serveRpc(port1 as unknown as PortLike, host);
  const client = new RpcChannelClient(port2 as unknown as PortLike);
  const rpc = createRpc(client);
  const list = JSON.parse(await rpc.call('ListWorkflowExecutions', JSON.stringify({ namespace: 'default' }), 1));
  assert.deepEqual(list.response.executions ?? [], []);
  const missing = JSON.parse(await rpc.call('DescribeWorkflowExecution', JSON.stringify({ namespace: 'default', execution: { workflowId: 'nope' } }), 2));
  assert.equal(missing.error.code, 'NOT_FOUND');
  // A worker's long poll, then its caller goes away: the poll ends CANCELLED and takes no task.
  const poll = rpc.call('PollWorkflowTaskQueue', JSON.stringify({ namespace: 'default', taskQueue: { name: 'q' } }), 3);
  await new Promise((r) => setTimeout(r, 50));
  rpc.cancel(3);
  assert.equal(JSON.parse(await poll).error.code, 'CANCELLED');
  await startInvoice((m, r) => host.call(m, r), 'after-cancel');
  const described = await host.call('DescribeWorkflowExecution', { namespace: 'default', execution: { workflowId: 'after-cancel' } });
  assert.equal(described.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  const events = await host.call('GetWorkflowExecutionHistory', { namespace: 'default', execution: { workflowId: 'after-cancel' } });
  assert.ok(!events.history.events.some((e: { eventType: string }) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_STARTED'), 'the cancelled poll took no task');
});
