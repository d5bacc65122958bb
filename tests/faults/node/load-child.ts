// The process tests/faults/file-store-crash.test.ts kills with SIGKILL: the
// whole server of the Node build in one process. A NodeFileStore at the path
// the job names, a ServerHost on it, the fault program's Python worker in
// Pyodide (the product's process host, createNodePythonProcess: the real
// runtime, not a stand-in) on that host, and a load driver that performs the
// RPCs the job asks for.
//
//   node --experimental-wasm-stack-switching --import tsx tests/faults/node/load-child.ts <job.json>
//   node --experimental-wasm-stack-switching --import tsx tests/faults/node/load-child.ts --warm
//
// With --warm the process loads Pyodide and starts worker.py first, without
// touching the store, and waits for a line `GO <job.json>` on stdin; only then
// does it open the store and the host (the worker's first calls wait for
// them). The parent starts the next process this way while the current one is
// still running, so Pyodide's start-up (seconds) does not bound how many
// kills fit in the suite; there is still only one writer of the log at a time.
//
// The job (written by the parent, see ChildJob) says which workflows still
// need their start and their signal; everything else (queries, advancing the
// virtual clock so timers, retries, lost tasks' timeouts and the 5-day wait
// happen) the driver decides from what the server reports.
//
// stdout carries one line per event, written synchronously (a pipe on Linux
// is written by a blocking write, so a line the parent reads was complete
// before the kill could land):
//   OPENED {records, torn, ms}     the store opened and the host restored
//   TORN {message}                 the store cut a torn tail on open
//   READY {ms}                     the host is open and the Python worker polls
//   SEND {kind, workflowId}        a start or signal is about to be called
//   ACK {Ack}                      an RPC was acknowledged: printed only after
//                                  host.call resolved, i.e. after its batch was
//                                  committed (fsync'd)
//   SKIP {method, time}            the virtual clock was advanced
//   DONE {ms}                      every planned workflow is closed; finish mode
//                                  then exits, load mode goes on with queries
//   VERIFIED {answers}             verify mode: each workflow's status as a
//                                  fresh worker replays it
//   ERR {message}                  something that must fail the suite
// Python output and logs of level WARNING and above go to stderr.
import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { EngineError } from '../../../web/src/server/errors.ts';
import { ServerHost } from '../../../web/src/server/host.ts';
import { NodeFileStore } from '../../../web/src/server/store/node-file-store.ts';
import { loadEngineModuleNode } from '../../../web/src/server/node.ts';
import { createNodePythonProcess } from '../../../web/src/processes/node.ts';
import type { Ack } from '../support/invariants.ts';
import { faultProgram, makePlan, random, signalFor, TASK_QUEUE, WORKFLOW_TYPE, type InvoicePlan } from '../support/load-plan.ts';

export interface ChildJob {
  /** load: run until killed (or until all workflows closed); finish: drive to completion and exit 0;
   *  verify: a fresh worker answers GetInvoiceStatus for every workflow, nothing is advanced. */
  mode: 'load' | 'finish' | 'verify';
  storePath: string;
  seed: number;
  count: number;
  /** This child's number: part of every signal identity, so each send is unique. */
  run: number;
  /** Workflows whose start was acknowledged. */
  started: string[];
  /** Workflows to start (again: a start that was not acknowledged is repeated with the same requestId). */
  starts: string[];
  /** Workflows whose approve/reject signal has not been acknowledged yet. */
  signals: string[];
}

const NAMESPACE = 'default';
const t0 = Date.now();
const line = (tag: string, body: unknown = {}) => writeSync(1, `${tag} ${JSON.stringify(body)}\n`);
const note = (text: string) => writeSync(2, `[child] ${text}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const payload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
const decode = (p: { data?: string } | undefined) => (p?.data ? JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) : undefined);
const shortType = (t: string) => String(t).replace('EVENT_TYPE_', '');
const CLOSED = new Set(['WORKFLOW_EXECUTION_COMPLETED', 'WORKFLOW_EXECUTION_FAILED', 'WORKFLOW_EXECUTION_TIMED_OUT', 'WORKFLOW_EXECUTION_TERMINATED', 'WORKFLOW_EXECUTION_CANCELED']);

/** With --warm: the job path from the parent's `GO <path>` line. */
function goLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = createInterface({ input: process.stdin });
    const closed = () => reject(new Error('stdin closed before GO'));
    input.once('close', closed);
    input.once('line', (text) => {
      input.off('close', closed);
      input.close();
      if (text.startsWith('GO ')) resolve(text.slice(3));
      else reject(new Error(`expected "GO <job.json>", got ${JSON.stringify(text)}`));
    });
  });
}

async function main(): Promise<void> {
  const warm = process.argv[2] === '--warm';
  // Never outlive the test that started us (a test runner that gave up, a parent killed).
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) process.exit(4); }, 1_000).unref();
  const engine = await loadEngineModuleNode();

  // --- the worker: the fault program in Pyodide ----------------------------
  // Its WorkflowService is the host once that is open (at once without --warm).
  let host: ServerHost | null = null;
  let hostOpened: () => void = () => {};
  const hostOpen = new Promise<void>((resolve) => { hostOpened = resolve; });
  const program = faultProgram();
  let polling = false;
  let ready = false;
  let onReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => { onReady = resolve; });
  const markReady = () => {
    if (ready || !polling || !host) return;
    ready = true;
    line('READY', { ms: Date.now() - t0 });
    onReady();
  };
  let stopping = false;
  const python = createNodePythonProcess({
    files: program.files, entry: program.entry, logLevel: 'WARNING',
    rpc: { call: async (method, request, options) => { await hostOpen; return host!.call(method, request, options); } },
    loadEngine: async () => engine,
    onEvent: (event) => {
      if (event.type === 'progress' && event.stage === 'ready') {
        polling = true;
        markReady();
      } else if (event.type === 'output') {
        note(`python ${event.stream}: ${event.text}`);
      } else if (event.type === 'log') {
        // A flaky payment failing is the point of the program; say nothing about it.
        if (!/gateway flaked/.test(event.message)) note(`python ${event.level} ${event.logger}: ${event.message}`);
      } else if (event.type === 'exit' && !stopping) {
        line('ERR', { message: `the Python worker exited: ${JSON.stringify(event.exit)}` });
      }
    },
  });
  if (warm) void python.run();

  const job = JSON.parse(await readFile(warm ? await goLine() : process.argv[2]!, 'utf8')) as ChildJob;
  const plans = makePlan(job.seed, job.count);
  const byId = new Map(plans.map((p) => [p.workflowId, p]));
  const rng = random((job.seed ^ Math.imul(job.run + 1, 0x9e3779b1)) >>> 0);

  // --- the server: store + host -------------------------------------------
  const opening = Date.now();
  let torn = 0;
  const store = new NodeFileStore(job.storePath, { onWarning: (message) => { torn += 1; line('TORN', { message }); } });
  const opened = new ServerHost({
    engine, store,
    // Queries wait for the worker at most this long (virtual time; a query to
    // a dead worker's sticky queue gives up instead of stalling the driver).
    engineOptions: { longPollTimeoutMs: 5_000, queryTimeoutMs: 5_000 },
    onError: (error) => line('ERR', { message: `server host: ${error.message}` }),
  });
  try {
    await opened.open();
  } catch (error) {
    line('ERR', { message: `the store did not open: ${(error as Error).message}` });
    process.exit(3);
  }
  host = opened;
  hostOpened();
  line('OPENED', { records: store.records, torn, ms: Date.now() - t0, openMs: Date.now() - opening, warm });
  if (!warm) void python.run();
  markReady();

  // --- RPC helpers: an ACK line only after host.call resolved ---------------
  const call = <T = any>(method: string, request: unknown, timeoutMs?: number) =>
    host!.call<T>(method, request, timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {});

  async function start(plan: InvoicePlan): Promise<void> {
    line('SEND', { kind: 'start', workflowId: plan.workflowId });
    const reply = await call<{ runId: string }>('StartWorkflowExecution', {
      namespace: NAMESPACE, workflowId: plan.workflowId, workflowType: { name: WORKFLOW_TYPE },
      taskQueue: { name: TASK_QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, input: { payloads: [payload(plan.invoice)] },
      identity: 'fault-driver', requestId: `start-${plan.workflowId}`,
    });
    line('ACK', { kind: 'start', workflowId: plan.workflowId, runId: reply.runId } satisfies Ack);
  }
  let sends = 0;
  async function signal(plan: InvoicePlan): Promise<void> {
    const signalName = signalFor(plan.decision)!;
    const identity = `driver-r${job.run}-s${++sends}-${plan.workflowId}`;
    line('SEND', { kind: 'signal', workflowId: plan.workflowId, identity });
    try {
      await call('SignalWorkflowExecution', {
        namespace: NAMESPACE, workflowExecution: { workflowId: plan.workflowId }, signalName, identity, requestId: identity,
      });
    } catch (error) {
      // Sent again after a kill: the earlier send, never acknowledged, may have landed and the
      // workflow finished since. Nothing is left to signal or to acknowledge; the outcome check
      // proves the earlier signal counted.
      const types = (error as EngineError).code === 'NOT_FOUND' ? await history(plan.workflowId) : [];
      if (types.includes('WORKFLOW_EXECUTION_SIGNALED') && types.some((t) => CLOSED.has(t))) {
        note(`${plan.workflowId}: closed before its resent ${signalName} (an earlier send landed)`);
        return;
      }
      throw error;
    }
    line('ACK', { kind: 'signal', workflowId: plan.workflowId, signalName, identity } satisfies Ack);
  }
  async function query(workflowId: string, timeoutMs = 4_000): Promise<string | null> {
    try {
      const reply = await call<{ queryResult?: { payloads?: { data?: string }[] } }>('QueryWorkflow', {
        namespace: NAMESPACE, execution: { workflowId }, query: { queryType: 'GetInvoiceStatus' },
      }, timeoutMs);
      const answer = String(decode(reply.queryResult?.payloads?.[0]));
      line('ACK', { kind: 'query', workflowId, answer } satisfies Ack);
      return answer;
    } catch {
      return null; // timed out, or the worker was not there yet: nothing was acknowledged
    }
  }
  async function history(workflowId: string): Promise<string[]> {
    const reply = await call<{ history?: { events?: { eventType: string }[] } }>('GetWorkflowExecutionHistory', { namespace: NAMESPACE, execution: { workflowId } });
    return (reply.history?.events ?? []).map((e) => shortType(e.eventType));
  }
  const fatal = (what: string) => (error: Error): void => { line('ERR', { message: `${what}: ${error.message}` }); };

  if (job.mode === 'verify') {
    await readyPromise;
    const answers: Record<string, string> = {};
    const queue = plans.map((p) => p.workflowId);
    await Promise.all(Array.from({ length: 6 }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        let answer: string | null = null;
        for (let attempt = 0; attempt < 5 && answer === null; attempt++) answer = await query(id, 20_000);
        if (answer === null) line('ERR', { message: `${id}: no query answer from a fresh worker` });
        else answers[id] = answer;
      }
    }));
    line('VERIFIED', { answers });
    await shutdown(0);
    return;
  }

  // --- the load ----------------------------------------------------------
  const needStart = new Set(job.starts);
  const needSignal = new Set(job.signals.filter((id) => byId.get(id) && signalFor(byId.get(id)!.decision)));
  const started = new Set(job.started);
  const decided = new Set<string>(); // approve/reject workflows whose code has seen the signal

  // Each workflow's script: start (if needed), maybe query, signal (if needed) after a pause, maybe query.
  async function drive(plan: InvoicePlan): Promise<void> {
    const id = plan.workflowId;
    if (needStart.has(id)) {
      await start(plan);
      needStart.delete(id);
      started.add(id);
    }
    if (!needSignal.has(id)) return;
    if (rng() < 0.5 && ready) await query(id);
    await sleep(Math.floor(rng() * 1_200));
    await signal(plan);
    needSignal.delete(id);
    if (rng() < 0.5) { await sleep(Math.floor(rng() * 600)); if (ready) await query(id); }
  }
  // Starts go out in concurrent bursts (many fsyncs in flight at once), signals as their workflows get going.
  const scripts: Promise<void>[] = [];
  const ordered = plans.filter((p) => needStart.has(p.workflowId) || needSignal.has(p.workflowId));
  (async () => {
    for (let i = 0; i < ordered.length;) {
      const burst = 4 + Math.floor(rng() * 9);
      for (const plan of ordered.slice(i, i + burst)) scripts.push(drive(plan).catch(fatal(`${plan.workflowId}`)));
      i += burst;
      await sleep(Math.floor(rng() * 400));
    }
  })().catch(fatal('driver'));

  // Queries on a sample of started workflows, now and then.
  (async () => {
    await readyPromise;
    for (;;) {
      const ids = [...started];
      const sample = ids.filter(() => rng() < Math.min(1, 6 / Math.max(1, ids.length)));
      await Promise.all(sample.map((id) => query(id)));
      await sleep(300 + Math.floor(rng() * 700));
    }
  })().catch(fatal('queries'));

  // The clock: when nothing has moved for a while, advance virtual time. The
  // 5-day wait may only be skipped once every approve/reject workflow has seen
  // its signal (else a late signal would race the timeout and the outcome
  // would not be the one its inputs dictate); until then only small steps.
  let lastTotal = -1;
  let quietSince = Date.now();
  for (;;) {
    await sleep(250);
    const list = await call<{ executions?: { execution: { workflowId: string }; status: string; historyLength: string }[] }>(
      'ListWorkflowExecutions', { namespace: NAMESPACE, query: `WorkflowType='${WORKFLOW_TYPE}'` });
    const executions = list.executions ?? [];
    const closed = executions.filter((e) => e.status !== 'WORKFLOW_EXECUTION_STATUS_RUNNING').length;
    if (closed === plans.length && needStart.size === 0 && needSignal.size === 0) break;
    const total = executions.reduce((sum, e) => sum + Number(e.historyLength), 0);
    if (total !== lastTotal) { lastTotal = total; quietSince = Date.now(); continue; }
    if (Date.now() - quietSince < 500 || !ready) continue;
    for (const plan of plans) {
      if (plan.decision === 'none' || decided.has(plan.workflowId) || !started.has(plan.workflowId) || needSignal.has(plan.workflowId)) continue;
      const types = await history(plan.workflowId);
      if (types.includes('TIMER_CANCELED') || types.some((t) => CLOSED.has(t))) decided.add(plan.workflowId);
    }
    const allDecided = plans.every((p) => p.decision === 'none' || decided.has(p.workflowId));
    const method = allDecided ? 'SkipToNextTimer' : 'SkipTime';
    const reply = await call<{ time: string }>(method, allDecided ? {} : { duration: '5s' });
    line('SKIP', { method, time: reply.time });
    quietSince = Date.now();
  }
  await Promise.all(scripts);
  line('DONE', { ms: Date.now() - t0 });
  // A load run is there to be killed: with nothing left to do it goes on
  // answering queries (and restoring, in the next process) until the kill.
  if (job.mode === 'finish') await shutdown(0);

  async function shutdown(code: number): Promise<void> {
    stopping = true;
    await python.stop(3_000);
    python.dispose();
    await host!.close();
    process.exit(code);
  }
}

main().catch((error) => {
  line('ERR', { message: `child: ${(error as Error)?.stack ?? String(error)}` });
  process.exit(2);
});
