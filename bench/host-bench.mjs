#!/usr/bin/env node
// Memory of the whole server host per idle workflow (not a test): a ServerHost
// on a fresh engine.wasm instance and a MemoryBatchStore under Node, holding
// 10,000 workflows that each wait on a 5-day timer. The browser's server worker
// holds the same two things: the engine's linear memory, and the committed
// tables as JS objects (IndexedDbStore keeps the same mirror MemoryBatchStore
// is, for its fall-back to memory).
//
// Each workflow: StartWorkflowExecution, PollWorkflowTaskQueue, and
// RespondWorkflowTaskCompleted with one 5-day StartTimer (the scripted worker of
// bench/wasm-bench.ts, through ServerHost.call). Memory is read with
// process.memoryUsage() after global.gc() (Node's --expose-gc) before the first
// workflow and after the last, with the host open.
//
// Prints {"suite":"host","figures":[...]} as its last stdout line.
//
//   node bench/host-bench.mjs     (needs `npm run build:wasm`)
import { logger, relaunch, report, serverHost } from './support.mjs';

relaunch(import.meta.url, ['--expose-gc']);

const log = logger('host-bench');
const N = Number(process.env.HOST_BENCH_WORKFLOWS ?? 10_000);
const { engine, environment, newServer } = await serverHost();
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const payloads = (value) => ({ payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) }] });

function measure() {
  for (let i = 0; i < 3; i++) global.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss, wasm: engine.HEAP8.buffer.byteLength };
}

const host = await newServer();
const before = measure();
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const workflowId = `idle-${i}`;
  await host.call('StartWorkflowExecution', {
    namespace: 'default', workflowId, workflowType: { name: 'InvoiceWorkflow' }, taskQueue: { name: 'bench' },
    input: payloads({ invoice_id: workflowId }), requestId: `start-${workflowId}`,
  });
  const task = await host.call('PollWorkflowTaskQueue', { namespace: 'default', taskQueue: { name: 'bench' }, identity: 'bench' });
  if (task.workflowExecution?.workflowId !== workflowId) throw new Error(`polled ${JSON.stringify(task).slice(0, 200)}`);
  await host.call('RespondWorkflowTaskCompleted', {
    taskToken: task.taskToken,
    commands: [{ commandType: 'COMMAND_TYPE_START_TIMER', startTimerCommandAttributes: { timerId: '1', startToFireTimeout: '432000s' } }],
    stickyAttributes: { workerTaskQueue: { name: 'bench-sticky' }, scheduleToStartTimeout: '5s' },
  });
}
const seconds = (performance.now() - t0) / 1000;
const after = measure();
const described = await host.call('DescribeWorkflowExecution', { namespace: 'default', execution: { workflowId: `idle-${N - 1}` } });
if (described.pendingTimers?.length !== 1) throw new Error(`expected one pending timer: ${JSON.stringify(described).slice(0, 300)}`);
await host.close();

const per = (key) => (after[key] - before[key]) / N;
log(`${N} workflows in ${seconds.toFixed(1)} s; per workflow: JS heap ${per('heap').toFixed(0)} B, ` +
  `wasm ${per('wasm').toFixed(0)} B, external ${per('external').toFixed(0)} B, RSS ${per('rss').toFixed(0)} B`);
const how = `${N} workflows each started, polled and completed with one 5-day StartTimer through ServerHost.call on a fresh engine.wasm instance; process.memoryUsage() after gc (node --expose-gc) before the first and after the last, host open, growth divided by ${N}`;
report({
  suite: 'host',
  title: 'The server host\'s memory per idle workflow',
  about: 'What the server worker holds per waiting workflow: the engine\'s linear memory and the committed tables ' +
    'as JS objects (MemoryBatchStore here; IndexedDbStore keeps the same mirror of what it committed). A ServerHost ' +
    `on a fresh engine.wasm instance under Node ${process.version} with --expose-gc.`,
  environment,
  figures: [
    { name: `server host memory per idle workflow (${N} workflows on a 5-day timer)`, value: per('heap') + per('wasm'), unit: 'bytes',
      how: `JS heap (heapUsed) plus WebAssembly linear memory growth: ${how}` },
    { name: 'of which JS heap (ServerHost and the store\'s committed tables)', value: per('heap'), unit: 'bytes',
      how: 'heapUsed growth; the tables as parsed JS objects, as MemoryBatchStore and the mirror of IndexedDbStore hold them' },
    { name: 'of which engine.wasm linear memory', value: per('wasm'), unit: 'bytes',
      how: 'growth of the engine\'s WebAssembly.Memory (grows in 64 KiB pages, so an upper bound)' },
    { name: 'resident set size per idle workflow', value: per('rss'), unit: 'bytes',
      how: `RSS growth of the Node process, a cross-check of the sum above (includes allocator slack and freed garbage not yet returned)` },
  ],
});
