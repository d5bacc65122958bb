// Crash injection in the browser (issue 7): Debian's Chromium on a Vite dev
// server of the site, one BrowserContext (its IndexedDB survives everything
// below), a blank page composed as the app composes itself (the real
// ServerSupervisor and PythonSupervisor, see browser/fault-page.ts) running
// the chapter's InvoiceWorkflow and worker.py with a flaky payment activity (tests/faults/program).
//
// The load: 100 invoices from makePlan(seed, 100), started by the harness
// (the page is the client), an Approve/Reject signal for each invoice whose
// decision says so, GetInvoiceStatus queries interleaved, and the virtual
// clock moved forward (SkipTime) so the 2-second sleeps, the retries and, at
// the end, the 5-day wait_condition timeout of the unanswered invoices happen.
//
// The faults, at seeded-random moments, each just after a burst of starts and
// signals so that RPCs are in flight when it hits:
//   tab     a real renderer crash (CDP Page.crash), confirmed by the page's
//           'crash' event and by its renderer process, which ran its Web
//           Workers too, leaving the browser's process list; then a new page
//           in the same context boots, and its server worker must become the
//           owner of IndexedDB (the crashed tab's Web Lock went with it);
//   server  Worker.terminate() of the server worker and a new one, which
//           restores from IndexedDB;
//   python  Worker.terminate() of the Python worker and a new one, which
//           rebuilds its workflows by replay.
// About a third of them are doubled: the restart is itself crashed or killed
// while under way (the server restoring from IndexedDB, Pyodide loading).
// The ack log lives here, in Node: an RPC is acknowledged only once the page
// returned its reply; one cut short by a fault is not (a start is sent again
// with the same requestId, a signal with a new identity).
//
// What it proves: after every fault and restart, every acknowledged start is
// in history and every acknowledged signal is there exactly once (or, while
// the workflow task it arrived during is still in flight, in the run's durable
// buffer, as in Temporal), no history has a gap or a duplicate event ID, no
// workflow task failed on nondeterminism, and query answers never went back;
// in the end every invoice closed as its inputs dictate with every signal in
// history, and a fresh Python worker (empty cache) replays every history,
// closed ones included, to answer GetInvoiceStatus with the final status.
// A run stops at the first fault after which a check fails, and reports.
//
// Run:    node --import tsx --test tests/faults/browser-crash.test.ts
// Repeat: DURABLE_FAULT_SEED=<seed printed by a run> node --import tsx --test tests/faults/browser-crash.test.ts
// More:   DURABLE_FAULT_COUNT=<faults> (default 24, at least 20).
// Figures go to test-results/fault-browser.json.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { BLANK, startHarness, type Harness } from '../e2e/server-store-fixtures/browser.ts';
import { root } from '../e2e/support/chromium.ts';
import { bufferedSignals, checkAcked, checkEventIds, checkQueryAnswers, checkWorkflow, shortType, type Ack, type HistoryEvent } from './support/invariants.ts';
import { faultProgram, faultSeed, makePlan, random, signalFor, TASK_QUEUE, WORKFLOW_TYPE, type InvoicePlan } from './support/load-plan.ts';

const SEED = faultSeed();
const COUNT = 100;
const MIN_FAULTS = 20;
const FAULTS = Math.max(MIN_FAULTS, Number(process.env.DURABLE_FAULT_COUNT) || 24);
const NAMESPACE = 'default';
const HELPERS = `/@fs${fileURLToPath(new URL('./browser/fault-page.ts', import.meta.url))}`;
const TICK_MS = 250;
/** The harness's own limit on one RPC: past it the RPC counts as cut short (not acknowledged). */
const RPC_MS = 30_000;

type FaultKind = 'tab' | 'server' | 'python';
const FINAL_STATUS = { approve: 'PAID', reject: 'REJECTED', none: 'PENDING-APPROVAL' } as const;

// Inside page.evaluate: the helpers module as window.f.
declare const f: typeof import('./browser/fault-page.ts');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const payload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
const decode = (p: { data?: string } | undefined) => JSON.parse(Buffer.from(p?.data ?? '', 'base64').toString('utf8'));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); }),
  ]);
}

/**
 * The seeded fault schedule: kinds (each at least a quarter of the total), the
 * pause before each, how long after the burst of RPCs launched just before
 * it the fault hits (so it cuts RPCs short in flight), and for about a third
 * of them a second fault of the same kind while the restart is under way
 * (the server restoring from IndexedDB, Pyodide loading).
 */
function faultSchedule(seed: number, count: number): Array<{ kind: FaultKind; delayMs: number; burstMs: number; interruptMs: number | null }> {
  const next = random(seed ^ 0x5eed);
  const kinds: FaultKind[] = [];
  const each = Math.ceil(count / 4);
  for (const kind of ['tab', 'server', 'python'] as const) for (let i = 0; i < each; i++) kinds.push(kind);
  while (kinds.length < count) kinds.push((['tab', 'server', 'python'] as const)[Math.floor(next() * 3)]!);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const interruptWindow: Record<FaultKind, number> = { tab: 500, server: 150, python: 4_000 };
  return kinds.map((kind) => ({
    kind,
    delayMs: 1_000 + Math.floor(next() * 3_500),
    burstMs: Math.floor(next() * 40),
    interruptMs: next() < 0.3 ? Math.floor(next() * interruptWindow[kind]) : null,
  }));
}

interface Flow {
  plan: InvoicePlan;
  index: number;
  started: boolean;
  startedTick: number;
  signalDelayTicks: number;
  signalAcked: boolean;
  signalsSent: number;
  closed: boolean;
  startsSent: number;
  busy: { start: boolean; signal: boolean; query: boolean };
}

test(`browser crash injection: ${COUNT} invoices, ${FAULTS} faults (tab crash, server worker, Python worker)`, { timeout: 15 * 60_000 }, async (t) => {
  const began = Date.now();
  const plans = makePlan(SEED, COUNT);
  const schedule = faultSchedule(SEED, FAULTS);
  const program = faultProgram();
  const next = random(SEED ^ 0x10ad);
  const flows: Flow[] = plans.map((plan, index) => ({
    plan, index, started: false, startedTick: 0, signalDelayTicks: 2 + Math.floor(next() * 20), signalAcked: false, signalsSent: 0, startsSent: 0, closed: false,
    busy: { start: false, signal: false, query: false },
  }));
  const byId = new Map(flows.map((flow) => [flow.plan.workflowId, flow]));
  const acks: Ack[] = [];
  const problems: string[] = [];
  const pythonErrors: string[] = [];
  const pageErrors: string[] = [];
  /** What the pages saw that must not happen (fault-page.ts `problem`). */
  const pageProblems: string[] = [];
  const faults: Record<FaultKind, number> = { tab: 0, server: 0, python: 0 };
  /** Of those, faults that hit a restart in progress. */
  const interrupted: Record<FaultKind, number> = { tab: 0, server: 0, python: 0 };
  const rpcs = { sent: 0, acked: 0, cutShort: 0 };
  const checks = { rounds: 0, acksChecked: 0, histories: 0, bufferedSignals: 0 };
  const recoveryMs: Record<FaultKind, number[]> = { tab: [], server: [], python: [] };
  let faultsDone = 0;
  /** New server workers that were not the owner at hello (the dead one's Web Lock still held for a moment); they wait for it. */
  let lockWaits = 0;
  /** Renderer processes seen to end with a tab crash. */
  let renderersEnded = 0;
  /** Harness RPCs in flight at the moments the faults hit. */
  let inFlightAtFaults = 0;
  let skipped5d = false;
  let tick = 0;
  const log = (text: string) => t.diagnostic(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${text}`);
  log(`seed ${SEED} (repeat with DURABLE_FAULT_SEED=${SEED}); faults: ${schedule.map((s) => s.kind).join(' ')}`);

  const harness: Harness = await startHarness();
  t.after(() => harness.close());
  const context: BrowserContext = await harness.browser.newContext();

  // ------------------------------------------------------------ the page
  let page: Page | null = null;
  let up = false;

  interface FaultPage { page: Page; workers: string[] }
  let current: FaultPage | null = null;

  /** A new blank page of the site in the same context, with the helpers loaded; the Web Workers it starts are noted. */
  async function openFaultPage(): Promise<FaultPage> {
    const p = await context.newPage();
    const fp: FaultPage = { page: p, workers: [] };
    p.on('worker', (worker) => { fp.workers.push(worker.url()); });
    p.on('pageerror', (error) => pageErrors.push(error.message));
    await p.exposeFunction('__faultLog', (text: string) => { pythonErrors.push(text); });
    await p.exposeFunction('__faultProblem', (text: string) => { pageProblems.push(text); });
    await p.goto(`${harness.origin}${BLANK}`);
    await p.evaluate(async (url) => { (window as any).f = await import(url); }, HELPERS);
    return fp;
  }

  /** Starts the server worker (it must own IndexedDB) and the Python worker on the page. */
  async function boot(fp: FaultPage): Promise<void> {
    const { status, ownerAtHello } = await fp.page.evaluate(([files, entry]) => f.boot(files, entry), [program.files, program.entry] as const);
    assert.equal(status.durability, 'indexeddb', `the new page's server runs on IndexedDB: ${JSON.stringify(status)}`);
    if (!ownerAtHello) lockWaits++;
    await fp.page.evaluate(() => f.startPython());
  }

  async function openAndBoot(): Promise<void> {
    const fp = await openFaultPage();
    await boot(fp);
    current = fp;
    page = fp.page;
  }

  /** One RPC through the page; resolves only with the server's reply (then the caller may acknowledge it). */
  async function rpc(method: string, request: unknown, ms = RPC_MS): Promise<any> {
    const p = page;
    if (!p || !up) throw new Error('the page is down');
    rpcs.sent++;
    try {
      return await withTimeout(p.evaluate(([m, r, limit]) => f.call(m, r, limit), [method, request, ms] as const), ms + 10_000, method);
    } catch (error) {
      rpcs.cutShort++;
      throw new Error(String((error as Error).message).split('\n')[0]); // without the page's stack
    }
  }

  const ack = (entry: Ack) => { acks.push(entry); rpcs.acked++; };

  // ------------------------------------------------------------ the load
  const startRequest = (flow: Flow) => ({
    namespace: NAMESPACE, workflowId: flow.plan.workflowId, workflowType: { name: WORKFLOW_TYPE },
    taskQueue: { name: TASK_QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, input: { payloads: [payload(flow.plan.invoice)] },
    identity: 'fault-harness', requestId: `start-${flow.plan.workflowId}`,
  });

  async function start(flow: Flow): Promise<void> {
    flow.busy.start = true;
    flow.startsSent++;
    try {
      const reply = await rpc('StartWorkflowExecution', startRequest(flow));
      ack({ kind: 'start', workflowId: flow.plan.workflowId, runId: reply.runId });
      flow.started = true;
      flow.startedTick = tick;
    } catch { /* not acknowledged: started again (same requestId) on a later tick */ } finally {
      flow.busy.start = false;
    }
  }

  async function signal(flow: Flow): Promise<void> {
    flow.busy.signal = true;
    const signalName = signalFor(flow.plan.decision)!;
    const identity = `fault-harness-${flow.plan.workflowId}-${++flow.signalsSent}`;
    try {
      await rpc('SignalWorkflowExecution', {
        namespace: NAMESPACE, workflowExecution: { workflowId: flow.plan.workflowId }, signalName, identity, requestId: identity,
      });
      ack({ kind: 'signal', workflowId: flow.plan.workflowId, signalName, identity });
      flow.signalAcked = true;
    } catch { /* not acknowledged: sent again with a new identity */ } finally {
      flow.busy.signal = false;
    }
  }

  async function query(flow: Flow, ms = 20_000): Promise<string> {
    flow.busy.query = true;
    try {
      const reply = await rpc('QueryWorkflow', { namespace: NAMESPACE, execution: { workflowId: flow.plan.workflowId }, query: { queryType: 'GetInvoiceStatus' } }, ms);
      const answer = String(decode(reply.queryResult?.payloads?.[0]));
      ack({ kind: 'query', workflowId: flow.plan.workflowId, answer });
      return answer;
    } finally {
      flow.busy.query = false;
    }
  }

  let skipping = false;
  async function skip(duration: string): Promise<boolean> {
    skipping = true;
    try {
      await rpc('SkipTime', { duration });
      return true;
    } catch {
      return false;
    } finally {
      skipping = false;
    }
  }

  let listing = false;
  async function refreshClosed(): Promise<void> {
    listing = true;
    try {
      const reply = await rpc('ListWorkflowExecutions', { namespace: NAMESPACE, pageSize: 1000 });
      for (const execution of reply.executions ?? []) {
        const flow = byId.get(execution.execution?.workflowId);
        if (flow && execution.status && execution.status !== 'WORKFLOW_EXECUTION_STATUS_RUNNING') flow.closed = true;
      }
    } catch { /* next time */ } finally {
      listing = false;
    }
  }

  let checkingTimers = false;
  /** Every unanswered invoice has started its 5-day wait (TimerStarted is in its history). */
  async function waitsStarted(): Promise<boolean> {
    checkingTimers = true;
    try {
      const ids = flows.filter((flow) => flow.plan.decision === 'none').map((flow) => flow.plan.workflowId);
      const p = page;
      if (!p || !up) return false;
      const histories = await withTimeout(p.evaluate((list) => f.histories(list, 20_000), ids), 30_000, 'reading histories') as Record<string, HistoryEvent[]>;
      return ids.every((id) => (histories[id] ?? []).some((e) => shortType(e.eventType) === 'TimerStarted'));
    } catch {
      return false;
    } finally {
      checkingTimers = false;
    }
  }

  const inFlight = () => flows.reduce((n, f) => n + Number(f.busy.start) + Number(f.busy.signal) + Number(f.busy.query), 0);
  const allClosed = () => flows.every((flow) => flow.closed);
  let loadRunning = true;
  const loadFaults = Math.ceil(FAULTS * 0.6);

  /** Batches of starts released so far: one more just before each fault, so the whole load runs under the faults. */
  let releasedBatches = 1;

  /** Sends the starts released and not yet acknowledged, and the signals due (with `early`, up to 6 not yet due as well). */
  function launch(budget: number, early: boolean): number {
    const released = Math.min(COUNT, Math.ceil((COUNT * releasedBatches) / loadFaults));
    for (const flow of flows) {
      if (budget <= 0 || flow.index >= released) break;
      if (!flow.started && !flow.busy.start) { void start(flow); budget--; }
    }
    let earlySignals = early ? 6 : 0;
    for (const flow of flows) {
      if (budget <= 0) break;
      if (!flow.started || flow.signalAcked || flow.busy.signal || flow.plan.decision === 'none') continue;
      const due = tick >= flow.startedTick + flow.signalDelayTicks;
      if (due || earlySignals-- > 0) { void signal(flow); budget--; }
    }
    return budget;
  }

  const load = (async () => {
    while (loadRunning) {
      await sleep(TICK_MS);
      if (!up) continue;
      tick++;
      let budget = launch(12 - inFlight(), false);
      const started = flows.filter((flow) => flow.started && !flow.busy.query);
      for (let i = 0; i < 2 && budget > 0 && started.length > 0; i++, budget--) {
        const flow = started.splice(Math.floor(next() * started.length), 1)[0]!;
        void query(flow).catch(() => {});
      }
      if (tick % 3 === 0 && !skipping) void skip('1s');
      if (tick % 8 === 0 && !listing) void refreshClosed();
      // The unanswered invoices wait 5 days: skip them once every answered one is done and every unanswered
      // one has its wait's timer (a wait not yet started when time jumps would begin 5 days later), while faults still come.
      const answeredDone = flows.every((flow) => flow.plan.decision === 'none' ? flow.started : flow.closed);
      if (!skipped5d && !skipping && !checkingTimers && answeredDone && faultsDone >= Math.floor(FAULTS * 0.75) && tick % 4 === 0) {
        void waitsStarted().then((ready) => ready ? skip('5d') : false)
          .then((ok) => { if (ok) { skipped5d = true; log('skipped 5 days: the unanswered invoices time out'); } });
      }
    }
  })();

  // ------------------------------------------------------------ checks after each fault
  // An acknowledged signal may still be buffered in its run while the workflow task it arrived during is
  // in flight (say, taken by a Python worker just killed): invariants.ts checkAcked takes the buffer,
  // read before the histories; once closed, every signal must be in history.
  async function checkNow(label: string): Promise<void> {
    const snapshot = acks.slice(); // acknowledged before the state is read
    const ids = [...new Set(snapshot.map((a) => a.workflowId))];
    const buffered = bufferedSignals(await withTimeout(page!.evaluate(() => f.engineDump()), 90_000, 'reading the engine state'));
    const histories = await withTimeout(page!.evaluate((list) => f.histories(list), ids), 90_000, 'reading histories') as Record<string, HistoryEvent[]>;
    for (const id of ids) {
      const events = histories[id] ?? [];
      const pending = buffered.get(id) ?? [];
      checks.bufferedSignals += pending.length;
      problems.push(...[...checkEventIds(id, events), ...checkAcked(id, events, snapshot, pending), ...checkQueryAnswers(id, snapshot)].map((p) => `after ${label}: ${p}`));
    }
    problems.push(...pageProblems.splice(0).map((p) => `page (${label}): ${p}`));
    checks.rounds++;
    checks.acksChecked += snapshot.length;
    checks.histories += ids.length;
  }

  // ------------------------------------------------------------ the faults
  const browserCdp = await harness.browser.newBrowserCDPSession();
  const rendererPids = async () => ((await browserCdp.send('SystemInfo.getProcessInfo' as never)) as { processInfo: Array<{ type: string; id: number }> })
    .processInfo.filter((info) => info.type === 'renderer').map((info) => info.id);

  /**
   * A real renderer crash (CDP Page.crash), confirmed by the page's crash event
   * and by its renderer process leaving the browser's process list: the page's
   * dedicated Web Workers ran in that process. (Playwright's worker 'close'
   * events follow the crash event by its own bookkeeping, so they prove less.)
   */
  async function crash(fp: FaultPage, minWorkers: number): Promise<void> {
    const renderersBefore = await rendererPids();
    const crashed = new Promise<void>((resolve) => fp.page.once('crash', () => resolve()));
    const cdp = await context.newCDPSession(fp.page);
    void cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
    await withTimeout(crashed, 30_000, 'the page crash event');
    if (fp === current) { up = false; page = null; current = null; }
    assert.ok(fp.workers.length >= minWorkers, `the crashed page had started its Web Workers (${fp.workers.length} seen, ${minWorkers} expected)`);
    // IndexedDB lives on in the browser's storage service; the renderer process is gone.
    for (let waited = 0; ; waited += 100) {
      const after = await rendererPids();
      if (renderersBefore.some((pid) => !after.includes(pid))) break;
      if (waited > 10_000) assert.fail(`no renderer process ended with the crash (before ${renderersBefore}, after ${after})`);
      await sleep(100);
    }
    renderersEnded++;
    await fp.page.close().catch(() => {});
  }

  /** Crashes the tab; with `interruptMs`, crashes the next tab too, that long after it began to boot (restoring from IndexedDB). */
  async function crashTab(interruptMs: number | null): Promise<void> {
    await crash(current!, 2);
    if (interruptMs !== null) {
      const second = await openFaultPage();
      const booting = second.page.evaluate(([files, entry]) => f.boot(files, entry), [program.files, program.entry] as const).catch(() => null);
      await sleep(interruptMs);
      await crash(second, 0);
      await booting;
      faults.tab++;
      interrupted.tab++;
    }
    await openAndBoot();
  }

  /** Kills the server worker and starts a new one; with `interruptMs`, kills that one too while it starts. */
  async function restartServer(interruptMs: number | null): Promise<void> {
    await page!.evaluate(() => f.killServer());
    if (interruptMs !== null) {
      await page!.evaluate(() => { void f.startServer().catch(() => {}); });
      await sleep(interruptMs);
      await page!.evaluate(() => f.killServer());
      faults.server++;
      interrupted.server++;
    }
    const { status, ownerAtHello } = await page!.evaluate(() => f.startServer());
    assert.equal(status.durability, 'indexeddb', `the restarted server runs on IndexedDB: ${JSON.stringify(status)}`);
    if (!ownerAtHello) lockWaits++;
  }

  /** Kills the Python worker and starts a new one; with `interruptMs`, kills that one too while it loads. */
  async function restartPython(interruptMs: number | null): Promise<void> {
    await page!.evaluate(() => f.killPython());
    if (interruptMs !== null) {
      await page!.evaluate(() => { void f.startPython().catch(() => {}); });
      await sleep(interruptMs);
      await page!.evaluate(() => f.killPython());
      faults.python++;
      interrupted.python++;
    }
    await page!.evaluate(() => f.startPython());
  }

  await openAndBoot();
  up = true;
  log('page, server worker and Python worker up');

  let stage = 'faults';
  const replayAnswers: Record<string, string> = {};
  let finalHistories: Record<string, HistoryEvent[]> = {};
  let taskFailures = 0;
  let replayRetries = 0;
  try {
    for (const [i, { kind, delayMs, burstMs, interruptMs }] of schedule.entries()) {
      await sleep(delayMs);
      releasedBatches++;
      launch(Number.POSITIVE_INFINITY, true);
      await sleep(burstMs);
      const at = Date.now();
      inFlightAtFaults += inFlight() + Number(skipping) + Number(listing) + Number(checkingTimers);
      if (kind === 'tab') await crashTab(interruptMs);
      else if (kind === 'server') await restartServer(interruptMs);
      else await restartPython(interruptMs);
      up = true;
      faults[kind]++;
      faultsDone++;
      if (interruptMs !== null) log(`fault ${i + 1}: the ${kind} restart was itself ${kind === 'tab' ? 'crashed' : 'killed'} ${interruptMs} ms in`);
      recoveryMs[kind].push(Date.now() - at);
      await checkNow(`fault ${i + 1} (${kind})`);
      const started = flows.filter((flow) => flow.started).length;
      const closed = flows.filter((flow) => flow.closed).length;
      log(`fault ${i + 1}/${FAULTS} ${kind}: back in ${Date.now() - at} ms; ${started} started, ${closed} closed, ${acks.length} acks, ${problems.length} problems`);
      if (problems.length > 0) break; // the verdict is in: report it now rather than drive a broken load to its end
    }

    if (problems.length === 0) {
      // -------------------------------------------------------- drive everything to completion
      stage = 'completion';
      const deadline = Date.now() + 240_000;
      while (!(allClosed() && skipped5d) && Date.now() < deadline) {
        await sleep(500);
        if (!listing) await refreshClosed();
      }
      loadRunning = false;
      await load;
      const settle = Date.now() + 40_000;
      while (inFlight() > 0 && Date.now() < settle) await sleep(100);
      const open = flows.filter((flow) => !flow.closed);
      for (const flow of open) {
        problems.push(`completion: ${flow.plan.workflowId} (${flow.plan.decision}) is still open (started: ${flow.started}, signal acked: ${flow.signalAcked}, 5-day skip done: ${skipped5d})`);
      }
      if (open.length > 0) log(`still open: ${JSON.stringify(await page!.evaluate(() => f.state()).catch((e: Error) => e.message))}`);

      // -------------------------------------------------------- the final state of all 100
      stage = 'final';
      finalHistories = await page!.evaluate((ids) => f.histories(ids), plans.map((p) => p.workflowId)) as Record<string, HistoryEvent[]>;
      for (const plan of plans) problems.push(...checkWorkflow(plan, finalHistories[plan.workflowId] ?? [], acks, true).map((p) => `final: ${p}`));
    }

    if (problems.length === 0) {
      // -------------------------------------------------------- replay: a fresh Python worker answers every query from history alone
      stage = 'replay';
      await page!.evaluate(() => f.killPython());
      await page!.evaluate(() => f.startPython());
      const queue = [...flows];
      await Promise.all(Array.from({ length: 4 }, async () => {
        for (let flow = queue.shift(); flow; flow = queue.shift()) {
          // A query that timed out (a slow machine) is asked again; one that failed is a replay error.
          for (let attempt = 1; attempt <= 3; attempt++) {
            try {
              replayAnswers[flow.plan.workflowId] = await query(flow, 60_000);
              break;
            } catch (error) {
              const message = (error as Error).message;
              replayAnswers[flow.plan.workflowId] = `error: ${message}`;
              if (!/DEADLINE_EXCEEDED|no answer within|took longer than/.test(message)) break;
              replayRetries++;
            }
          }
        }
      }));
      for (const flow of flows) {
        const expected = FINAL_STATUS[flow.plan.decision];
        const answer = replayAnswers[flow.plan.workflowId];
        if (answer !== expected) problems.push(`replay: ${flow.plan.workflowId} (${flow.plan.decision}) answered ${answer}, expected ${expected}`);
      }
      const afterReplay = await page!.evaluate((ids) => f.histories(ids), plans.map((p) => p.workflowId)) as Record<string, HistoryEvent[]>;
      for (const plan of plans) {
        const events = afterReplay[plan.workflowId] ?? [];
        problems.push(...checkAcked(plan.workflowId, events, acks).filter((p) => p.includes('nondeterminism')).map((p) => `after replay: ${p}`));
        taskFailures += events.filter((e) => shortType(e.eventType) === 'WorkflowTaskFailed').length;
        const before = finalHistories[plan.workflowId]!.length;
        if (events.length !== before) problems.push(`replay: ${plan.workflowId}'s closed history changed (${before} → ${events.length} events)`);
      }
      stage = 'done';
    }
  } finally {
    loadRunning = false;
    await load.catch(() => {});
    up = false;
    await context.close().catch(() => {});
    problems.push(...pageProblems.splice(0).map((p) => `page: ${p}`));
    for (const line of pythonErrors) if (/nondetermin/i.test(line)) problems.push(`Python worker: ${line}`);
    problems.push(...pageErrors.map((e) => `page error: ${e}`));

    // ---------------------------------------------------------- the report
    const totalFaults = faults.tab + faults.server + faults.python;
    const finalAcks = { start: 0, signal: 0, query: 0 };
    for (const a of acks) finalAcks[a.kind]++;
    const events = Object.values(finalHistories).reduce((n, list) => n + list.length, 0);
    const summary = {
      seed: SEED, stage, workflows: COUNT, faults: { ...faults, total: totalFaults }, duringRestart: interrupted,
      recoveryMs: Object.fromEntries(Object.entries(recoveryMs).map(([k, list]) => [k, list.length ? Math.round(list.reduce((a, b) => a + b, 0) / list.length) : null])),
      acks: { ...finalAcks, total: acks.length }, checks, rpcs,
      lockWaitsAtRestart: lockWaits, rpcsInFlightAtFaults: inFlightAtFaults, replayRetries,
      renderersEnded,
      startsResent: flows.reduce((n, flow) => n + Math.max(0, flow.startsSent - 1), 0),
      signalsResent: flows.reduce((n, flow) => n + Math.max(0, flow.signalsSent - 1), 0),
      // Signals the server committed whose reply a fault cut short (never acknowledged, so never promised).
      unackedSignalsInHistory: Object.values(finalHistories).flat()
        .filter((e) => shortType(e.eventType) === 'WorkflowExecutionSignaled')
        .filter((e) => !acks.some((a) => a.kind === 'signal' && a.identity === (e as any).workflowExecutionSignaledEventAttributes?.identity)).length,
      historyEvents: events, workflowTaskFailures: taskFailures,
      outcomes: Object.fromEntries((['approve', 'reject', 'none'] as const).map((d) => [d, plans.filter((p) => p.decision === d).length])),
      pythonErrorLines: pythonErrors.length, pageErrors: pageErrors.length, problems: problems.length,
      durationSeconds: Math.round((Date.now() - began) / 1000),
    };
    mkdirSync(`${root}/test-results`, { recursive: true });
    writeFileSync(`${root}/test-results/fault-browser.json`, `${JSON.stringify({
      ...summary, problemList: problems.slice(0, 200), pythonErrors: pythonErrors.slice(0, 50), pageErrorList: pageErrors.slice(0, 50),
    }, null, 2)}\n`);
    const report = `seed ${SEED}: survived ${totalFaults} faults (${faults.tab} tab crashes, ${faults.server} server worker kills, ${faults.python} Python worker kills; ` +
      `${interrupted.tab + interrupted.server + interrupted.python} of them during a restart); ` +
      `${acks.length} acks (${finalAcks.start} starts, ${finalAcks.signal} signals, ${finalAcks.query} queries) checked in ${checks.rounds} rounds (${checks.acksChecked} ack checks); ` +
      `${events} history events; ${summary.durationSeconds} s${stage === 'done' ? '' : ` (stopped at: ${stage})`}`;
    console.log(report);
    log(report);
    for (const line of pythonErrors.slice(0, 20)) log(`python: ${line}`);
    for (const problem of problems.slice(0, 40)) log(`problem: ${problem}`);
  }

  assert.deepEqual(problems, [], `seed ${SEED}: ${problems.length} problems (repeat with DURABLE_FAULT_SEED=${SEED})`);
  assert.equal(stage, 'done');
  const totalFaults = faults.tab + faults.server + faults.python;
  assert.ok(totalFaults >= MIN_FAULTS, `at least ${MIN_FAULTS} faults were injected (${totalFaults})`);
  for (const kind of ['tab', 'server', 'python'] as const) assert.ok(faults[kind] >= 5, `at least 5 faults of kind ${kind} (${faults[kind]})`);
  assert.equal(renderersEnded, faults.tab, 'each tab crash ended a renderer process');
  assert.equal(acks.filter((a) => a.kind === 'start').length, COUNT, 'every start was acknowledged');
  assert.equal(Object.keys(replayAnswers).length, COUNT, 'every workflow was queried after the replay');
});
