#!/usr/bin/env node
// 1,000 of the chapter's invoices finished by one 5-day time skip (not a
// test): the chapter's worker.py and InvoiceWorkflow (web/src/workspace/chapter/)
// in the real Python worker in Pyodide under Node, against a ServerHost on
// engine.wasm and a MemoryBatchStore, as bench/python-bench.mjs runs them.
//
//   1. start N invoices, no signal, until every one waits on its 5-day
//      wait_condition (its TimerStarted committed);
//   2. one SkipTime of 5 days (432000s, the page's "+5 days" button), until
//      every one is closed: with no approval each fails on the timeout.
//
// Times come from the store: the moment each run's TimerStarted or close
// event is committed (a wrapper around MemoryBatchStore's commit). Afterwards
// every workflow's close event is read back through GetWorkflowExecutionHistory
// and must be WorkflowExecutionFailed; anything else fails the bench.
//
// Prints {"suite":"invoices","figures":[...],"charts":[...]} as its last
// stdout line (bench/run.mjs collects it); progress goes to stderr.
//
//   node bench/invoices-bench.mjs    (needs `npm run build:wasm`; INVOICE_BENCH_WORKFLOWS=N to change 1000)
import { JSPI, logger, pythonHost, relaunch, report } from './support.mjs';

relaunch(import.meta.url, [JSPI]);

const { chapterFiles, startInvoice, NAMESPACE } = await import('../tests/runtime/python/chapter.ts');
const { environment, MemoryBatchStore, newServer, startProcess, stopProcess } = await pythonHost();
const log = logger('invoices-bench');
const N = Number(process.env.INVOICE_BENCH_WORKFLOWS ?? 1000);
const LIMIT_MS = 15 * 60_000;
const CLOSE_EVENTS = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELED', 'CONTINUED_AS_NEW']
  .map((t) => `EVENT_TYPE_WORKFLOW_EXECUTION_${t}`));

/** A MemoryBatchStore that notes when each run's TimerStarted and close event are committed, and counts events. */
class WatchedStore extends MemoryBatchStore {
  waiting = new Map(); // runId -> ms of its first TimerStarted
  closed = new Map(); // runId -> { ms, type }
  counts = {}; // short event type (":sticky" added for workflow tasks scheduled on a sticky queue, ":<timeoutType>" for timeouts) -> events committed
  #waiters = [];

  async commit(batch) {
    await super.commit(batch);
    const ms = performance.now();
    for (const op of batch) {
      if (op.table !== 'history' || op.delete) continue;
      const runId = op.key.slice(0, op.key.lastIndexOf('/'));
      const type = op.value?.eventType;
      const sticky = op.value?.workflowTaskScheduledEventAttributes?.taskQueue?.kind === 'TASK_QUEUE_KIND_STICKY';
      const timeout = op.value?.workflowTaskTimedOutEventAttributes?.timeoutType?.replace('TIMEOUT_TYPE_', '');
      const short = String(type).replace('EVENT_TYPE_', '') + (sticky ? ':sticky' : '') + (timeout ? `:${timeout}` : '');
      this.counts[short] = (this.counts[short] ?? 0) + 1;
      if (type === 'EVENT_TYPE_TIMER_STARTED' && !this.waiting.has(runId)) this.waiting.set(runId, ms);
      if (CLOSE_EVENTS.has(type)) this.closed.set(runId, { ms, type });
    }
    this.#waiters = this.#waiters.filter((w) => !w());
  }

  /** Resolves once `done()` holds after a commit; rejects after LIMIT_MS with `describe()`. */
  until(done, describe) {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not done within ${LIMIT_MS / 1000} s: ${describe()}`)), LIMIT_MS);
      this.#waiters.push(() => done() && (clearTimeout(timer), resolve(), true));
    });
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

const store = new WatchedStore();
const host = await newServer(store);
const call = (method, request) => host.call(method, request);
const worker = await startProcess(host, chapterFiles());
log(`worker ready in ${worker.ms.toFixed(0)} ms; starting ${N} invoices`);

// 1. Starts, until every invoice waits on its approval.
const runIds = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) runIds.push(await startInvoice(call, `invoice-${String(i).padStart(4, '0')}`));
const startsMs = performance.now() - t0;
const started = new Set(runIds);
const allWaiting = () => runIds.every((r) => store.waiting.has(r));
await store.until(allWaiting, () => `${runIds.filter((r) => store.waiting.has(r)).length} of ${N} waiting`);
const waitingMs = Math.max(...runIds.map((r) => store.waiting.get(r))) - t0;
const closedEarly = runIds.filter((r) => store.closed.has(r)).length;
if (closedEarly) throw new Error(`${closedEarly} invoices closed before the skip`);
log(`${N} started in ${seconds(startsMs)}, all waiting after ${seconds(waitingMs)}`);

// 2. One skip of 5 days, until every invoice is closed.
const countsBefore = { ...store.counts };
const tSkip = performance.now();
const skipped = await call('SkipTime', { duration: '432000s' });
const skipCallMs = performance.now() - tSkip;
const allClosed = () => runIds.every((r) => store.closed.has(r));
await store.until(allClosed, () => `${runIds.filter((r) => store.closed.has(r)).length} of ${N} closed`);
const closeOffsets = runIds.map((r) => store.closed.get(r).ms - tSkip).sort((a, b) => a - b);
const closedMs = closeOffsets[closeOffsets.length - 1];
log(`SkipTime answered in ${skipCallMs.toFixed(0)} ms (virtual time now ${skipped.time}); all ${N} closed after ${seconds(closedMs)}`);
const skipCounts = Object.fromEntries(Object.entries(store.counts).map(([t, n]) => [t, n - (countsBefore[t] ?? 0)]).filter(([, n]) => n));
log('events committed after the skip:', JSON.stringify(skipCounts));
await stopProcess(worker);

// Every invoice's close event, read back from the server: failed on the approval timeout.
const types = {};
for (let i = 0; i < N; i++) {
  const reply = await call('GetWorkflowExecutionHistory', {
    namespace: NAMESPACE, execution: { workflowId: `invoice-${String(i).padStart(4, '0')}`, runId: runIds[i] },
    historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT',
  });
  const type = reply.history?.events?.[0]?.eventType ?? 'none';
  types[type] = (types[type] ?? 0) + 1;
}
await host.close();
if (types.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED !== N || started.size !== N) {
  throw new Error(`expected ${N} failed invoices, found ${JSON.stringify(types)}`);
}
// Workflow tasks of the skip phase: on the sticky queue, and those that waited there past the sticky
// schedule-to-start timeout (the Python Worker's sticky_queue_schedule_to_start_timeout, 10 s by default as in the SDK) and moved to the normal queue.
const stickyAfterSkip = skipCounts['WORKFLOW_TASK_SCHEDULED:sticky'] ?? 0;
const movedAfterSkip = skipCounts['WORKFLOW_TASK_TIMED_OUT:SCHEDULE_TO_START'] ?? 0;
const otherRetries = Object.entries(store.counts)
  .filter(([t]) => /^WORKFLOW_TASK_(FAILED|TIMED_OUT)/.test(t)).reduce((sum, [, k]) => sum + k, 0) - movedAfterSkip;
const n = N.toLocaleString('en-US');
log(`verified: ${N} close events, all WorkflowExecutionFailed`);

const machineNote = 'one Node process (server host and Pyodide worker share its thread)';
const figures = [
  { name: `start ${n} invoices until all wait on their 5-day approval`, value: waitingMs, unit: 'ms',
    how: `${n} StartWorkflowExecution calls awaited one after another (${startsMs.toFixed(0)} ms for the calls), until the last TimerStarted of wait_condition(timeout=5 days) is committed; the chapter's worker.py in Pyodide (one worker, sticky cache of 1,000 runs); ${machineNote}` },
  { name: 'invoices started and waiting per second', value: N / (waitingMs / 1000), unit: 'workflows/s',
    how: `${n} divided by the figure above: each invoice is one StartWorkflowExecution and one workflow task run in Python` },
  { name: `one 5-day SkipTime until all ${n} invoices closed`, value: closedMs, unit: 'ms',
    how: `from sending SkipTime {duration: 432000s} (the page's "+5 days") until the last close event is committed; every close event read back afterwards: ${n} of ${n} WorkflowExecutionFailed (the approval timed out); ${machineNote}` },
  { name: 'invoices closed per second after the skip', value: N / (closedMs / 1000), unit: 'workflows/s',
    how: `${n} divided by the figure above: per invoice the timer fires and one workflow task runs in Python and fails the workflow. All ${stickyAfterSkip.toLocaleString('en-US')} tasks were scheduled on the worker's sticky queue; ${movedAfterSkip} of them waited there past the worker's 10 s sticky schedule-to-start timeout and ran from the normal queue instead (Temporal's behaviour; their number grows with the machine's load); ${otherRetries} other failed or timed-out workflow tasks in the run` },
  { name: `the SkipTime call itself (fires ${n} timers)`, value: skipCallMs, unit: 'ms',
    how: 'from sending SkipTime to its reply, i.e. until the batch with every TimerFired and scheduled workflow task is committed' },
  { name: 'median close time after the skip', value: percentile(closeOffsets, 50), unit: 'ms',
    how: `half the invoices were closed this long after SkipTime was sent; 99th percentile ${Math.round(percentile(closeOffsets, 99)).toLocaleString('en-US')} ms, first ${Math.round(closeOffsets[0])} ms (histogram above)` },
];
const charts = [{
  file: 'invoices.svg', kind: 'histogram',
  title: `${n} invoices closed by one 5-day skip: close times after SkipTime`,
  xLabel: 'seconds after SkipTime was sent', yLabel: 'invoices closed',
  values: closeOffsets.map((ms) => Math.round(ms) / 1000),
}];
report({
  suite: 'invoices',
  title: `${n} invoices finished by one 5-day time skip`,
  about: 'The chapter\'s worker.py and InvoiceWorkflow (web/src/workspace/chapter/) in one Python worker in Pyodide under ' +
    'Node, against a ServerHost on engine.wasm and a MemoryBatchStore, in one process. Times are taken when each ' +
    'run\'s TimerStarted or close event is committed to the store; after the skip every invoice\'s close event is ' +
    'read back through GetWorkflowExecutionHistory and the run fails unless all are WorkflowExecutionFailed.',
  environment,
  figures,
  charts,
});
