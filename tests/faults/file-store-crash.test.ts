// Crash injection for the Node build's file store (issue 7): kill -9 of the
// whole server process at seeded-random moments during a load, restart it on
// the same log file, and check that nothing acknowledged was lost.
//
//   node --experimental-wasm-stack-switching --import tsx --test tests/faults/file-store-crash.test.ts
//   DURABLE_FAULT_SEED=12345 node --experimental-wasm-stack-switching --import tsx --test tests/faults/file-store-crash.test.ts
//
// The seed (printed, and written to test-results/fault-node.json) fixes the
// invoices (makePlan), the kill schedule and each child's driver choices, so
// a failing seed repeats the same kinds of kills at the same points of the
// protocol; the exact interleaving still depends on the machine's timing.
// DURABLE_FAULT_COUNT and DURABLE_FAULT_KILLS change the load and the number
// of kills for experiments (defaults: 100 invoices, 24 kills).
//
// What runs: tests/faults/node/load-child.ts is one Node process holding the
// whole server side: a NodeFileStore (append-only log, fsync before a commit
// resolves), a ServerHost on engine.wasm, the fault program's Python worker in
// Pyodide (the product's process host) and a load driver: invoice workflows
// started in concurrent bursts, approve/reject signals each sent with a unique
// identity, GetInvoiceStatus queries, and the virtual clock advanced so the
// 2 s sleeps, the flaky payments' retries, the timeouts of tasks a dead
// process held and the 5-day wait all happen. The child prints one line per
// acknowledged RPC (only after host.call resolved, i.e. after the commit);
// this test keeps those lines as its own ack log, decides what each new child
// still has to do (starts and signals not acknowledged are repeated: a start
// with the same requestId, a signal with a new identity), and kills the child
// with SIGKILL: during start-up (before or while the store opens, the driver
// sends its first bursts and Pyodide loads), right after the store was
// restored (overdue timers and timeouts firing and committing), on the k-th
// acknowledged start or signal of a run (the rest of a concurrent burst still
// in flight, fsyncs queued behind each other), or at a random moment of the
// running load (the worker completing tasks, timers and retries firing). To
// fit Pyodide's start-up into the budget, the next child is started while the
// current one runs and waits, without touching the store, until it is told to
// go (load-child.ts --warm); start-up kills use a cold process instead.
// The store lives in a temporary directory (os.tmpdir()), removed at the end;
// the figures go to test-results/fault-node.json.
//
// What it proves, after every kill (on a copy of the log, opened by the same
// NodeFileStore and read through a fresh engine): the store opens (a torn tail
// is cut, anything else is a failure); every history has event IDs 1..n with
// no gap or duplicate and starts with WorkflowExecutionStarted; every
// acknowledged start has a history, of the run the start acknowledged, and
// every acknowledged signal is in it exactly once; no workflow task failed on
// nondeterminism; the acknowledged query answers of each workflow never go
// back (INITIALIZING, PENDING-APPROVAL, APPROVED, PAID, or REJECTED). At the
// end a run without kills drives every workflow to the close its inputs
// dictate (PAID with one completed payment per line, each after its flaky
// attempts; REJECTED; failed after 5 days without an answer), and a fresh
// worker with an empty cache answers GetInvoiceStatus for every workflow by
// replaying its whole history: PAID, REJECTED, or still PENDING-APPROVAL for
// the timed-out ones.
//
// What it cannot prove: SIGKILL ends the process, not the machine, so writes
// that reached the page cache survive it; fsync's ordering against a power
// cut is not exercised here. A torn tail appears only when a kill lands in
// the middle of writing a record (the kernel stops a large write between
// pages), so its count is often 0 and is reported, not required. That the
// checks bite was tried by hand: a ServerHost that delivers replies before
// committing their batch loses an acknowledged signal within a few kills.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openRawEngine, type EngineModule } from '../../web/src/server/engine-module.ts';
import { loadEngineModuleNode } from '../../web/src/server/node.ts';
import { NodeFileStore } from '../../web/src/server/store/node-file-store.ts';
import { bufferedSignals, checkWorkflow, shortType, type Ack, type HistoryEvent } from './support/invariants.ts';
import { faultSeed, makePlan, random, signalFor, type InvoicePlan } from './support/load-plan.ts';
import type { ChildJob } from './node/load-child.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./node/load-child.ts', import.meta.url));
const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

const SEED = faultSeed();
// 100 invoices fit the budget. Pyodide's start-up (3-10 s on a busy 2-core
// machine) is what a restart costs; it overlaps the previous run (see Child),
// so 24 kills take about 2 minutes. The load is paced so that starts and
// signals are still going out during most kills: new starts are handed out
// over all but the last six runs, whose kills land while the workflows run
// (timers, payments, retries, the 5-day timeouts).
const COUNT = envInt('DURABLE_FAULT_COUNT', 100);
const KILLS = envInt('DURABLE_FAULT_KILLS', 24);
const MIN_KILLS = 20;
const STARTS_PER_RUN = Math.ceil(COUNT / Math.max(1, KILLS - 6));

type KillKind = 'startup' | 'restored' | 'ack' | 'running';
/** `ackFraction`: an 'ack' kill lands on that fraction of the run's starts and signals acknowledged (on the k-th ack of any kind, 1..30, when the run has none to send). */
interface KillPlan { kind: KillKind; delayMs: number; ackFraction: number; ackNumber: number }

/** The kinds in a fixed proportion, shuffled by the seed; delays and the k-th ack drawn from it too. */
function killSchedule(seed: number, kills: number): KillPlan[] {
  const next = random(seed ^ 0x6b696c6c);
  const kinds: KillKind[] = Array.from({ length: kills }, (_, i) =>
    (['startup', 'restored', 'ack', 'running', 'ack', 'running'] as const)[i % 6]!);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  return kinds.map((kind) => ({
    kind,
    delayMs: kind === 'startup' ? 80 + Math.floor(next() * 1_400) : kind === 'restored' ? Math.floor(next() * 200) : 200 + Math.floor(next() * 3_300),
    ackFraction: next(),
    ackNumber: 1 + Math.floor(next() * 30),
  }));
}

interface ChildRun {
  lines: { tag: string; body: any }[];
  exit: { code: number | null; signal: NodeJS.Signals | null };
  killed: boolean;
  killedAt?: string;
  /** Starts and signals sent but not acknowledged when the kill was sent. */
  inFlight?: number;
  stderr: string[];
}

/**
 * One child process. `warm` ones load Pyodide and wait for `GO <job>` on stdin
 * before they touch the store; `go` gives the job and says when to SIGKILL it
 * (relative to the moment it was spawned, its store opened, its worker became
 * ready, or its k-th ack). Every ACK goes to `acks` as it arrives.
 */
class Child {
  readonly #process: ChildProcess;
  readonly #spawned = Date.now();
  #goAt = 0;
  #readyAt = 0;
  readonly #run: ChildRun = { lines: [], exit: { code: null, signal: null }, killed: false, stderr: [] };
  readonly #closed: Promise<ChildRun>;
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  #acks: Ack[] | null = null;
  #kill: KillPlan | null = null;
  #runAcks = 0;
  #ackTarget: { writes: number } | { any: number } = { any: 0 };
  #sent = 0;
  #answered = 0;

  constructor(readonly warm: boolean, jobPath?: string) {
    this.#process = spawn(process.execPath, ['--experimental-wasm-stack-switching', '--import', 'tsx', CHILD, warm ? '--warm' : jobPath!], {
      cwd: repo, stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.#process.stderr! }).on('line', (text) => {
      this.#run.stderr.push(text);
      if (this.#run.stderr.length > 60) this.#run.stderr.shift();
    });
    createInterface({ input: this.#process.stdout! }).on('line', (text) => this.#line(text));
    this.#closed = new Promise((resolve, reject) => {
      this.#process.on('error', reject);
      this.#process.on('close', (code, signal) => {
        for (const timer of this.#timers) clearTimeout(timer);
        this.#run.exit = { code, signal };
        resolve(this.#run);
      });
    });
    this.#process.stdin!.on('error', () => {}); // a child killed before it read GO
  }

  /** Starts the job (a cold child got it on its command line) and resolves when the process has ended. */
  go(job: ChildJob, jobPath: string, acks: Ack[], kill: KillPlan | null, limitMs: number): Promise<ChildRun> {
    this.#acks = acks;
    this.#kill = kill;
    this.#goAt = Date.now();
    // The job's starts and signals (a signal only for a workflow that has one).
    const writes = job.starts.length + job.signals.length;
    if (kill) this.#ackTarget = writes > 0 ? { writes: Math.max(1, Math.ceil(kill.ackFraction * writes)) } : { any: kill.ackNumber };
    if (this.warm) this.#process.stdin!.write(`GO ${jobPath}\n`);
    if (kill?.kind === 'startup') this.#after(kill.delayMs - (Date.now() - this.#spawned), 'startup');
    // A run must end: a kill that did not find its moment lands anyway; a finish/verify run that hangs is killed and fails.
    this.#after(limitMs, kill ? 'fallback' : 'limit');
    return this.#closed;
  }

  /** Ends a warm child that was not needed. */
  discard(): Promise<ChildRun> {
    this.#process.kill('SIGKILL');
    return this.#closed;
  }

  #doKill(why: string): void {
    if (this.#run.killed || this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    this.#run.killed = true;
    const now = Date.now();
    const ready = this.#readyAt ? `, worker ready at ${this.#readyAt - this.#goAt} ms` : ', worker not ready';
    this.#run.inFlight = this.#sent - this.#answered;
    this.#run.killedAt = `${why} ${now - this.#goAt} ms after its job (${this.warm ? 'warm' : 'cold'} process, spawned ${now - this.#spawned} ms before${ready}; ` +
      `${this.#runAcks} acks in this run, ${this.#run.inFlight} starts/signals in flight)`;
    this.#process.kill('SIGKILL');
  }

  #after(ms: number, why: string): void {
    this.#timers.push(setTimeout(() => this.#doKill(why), Math.max(0, ms)));
  }

  #line(text: string): void {
    const space = text.indexOf(' ');
    const tag = space < 0 ? text : text.slice(0, space);
    let body: any = {};
    try {
      body = space < 0 ? {} : JSON.parse(text.slice(space + 1));
    } catch {
      // Only a line cut short by the kill can fail to parse; what it would have said was not acknowledged.
      this.#run.lines.push({ tag: 'PARTIAL', body: { text } });
      return;
    }
    this.#run.lines.push({ tag, body });
    const kill = this.#kill;
    if (tag === 'SEND') this.#sent += 1;
    if (tag === 'ACK') {
      this.#acks?.push(body as Ack);
      this.#runAcks += 1;
      if (body.kind !== 'query') this.#answered += 1;
      const target = this.#ackTarget;
      if (kill?.kind === 'ack' && ('writes' in target ? this.#answered === target.writes : this.#runAcks === target.any)) {
        this.#doKill('writes' in target ? `start/signal ack #${this.#answered}` : `ack #${this.#runAcks}`);
      }
    } else if (tag === 'OPENED' && kill?.kind === 'restored') {
      this.#after(kill.delayMs, 'restored');
    } else if (tag === 'READY') {
      this.#readyAt = Date.now();
      // 'ack' kills fall back to a moment of the running load when the run has fewer acks.
      if (kill?.kind === 'running') this.#after(kill.delayMs, 'running');
      if (kill?.kind === 'ack') this.#after(kill.delayMs + 1_500, 'ack (fallback: running)');
    }
  }
}

/** The committed state as a restarted server would see it: a copy of the log opened by NodeFileStore, read by a fresh engine. */
async function readStore(engine: EngineModule, storePath: string, copyPath: string, plans: InvoicePlan[]) {
  const torn: string[] = [];
  await copyFile(storePath, copyPath);
  const store = new NodeFileStore(copyPath, { onWarning: (message) => torn.push(message) });
  const snapshot = await store.load(); // throws on a store that will not open: the test fails
  const records = store.records;
  await store.close();
  const raw = openRawEngine(engine, {}, snapshot);
  const histories = new Map<string, HistoryEvent[]>();
  let buffered: Map<string, string[]>;
  try {
    buffered = bufferedSignals(JSON.parse(raw.dumpState()));
    plans.forEach((plan, i) => {
      const outcome = JSON.parse(raw.call(i + 1, 'GetWorkflowExecutionHistory', JSON.stringify({ namespace: 'default', execution: { workflowId: plan.workflowId } })));
      const reply = outcome.replies.find((r: { callId: number }) => r.callId === i + 1);
      if (reply?.error && reply.error.code !== 'NOT_FOUND') throw new Error(`${plan.workflowId}: ${reply.error.code} ${reply.error.message}`);
      histories.set(plan.workflowId, reply?.response?.history?.events ?? []);
    });
  } finally {
    raw.delete();
  }
  return { histories, buffered, torn, records };
}

const EXPECTED_STATUS = { approve: 'PAID', reject: 'REJECTED', none: 'PENDING-APPROVAL' } as const;

test(`kill -9 of the Node server process during a load: nothing acknowledged is lost (seed ${SEED})`, { timeout: 420_000 }, async () => {
  const began = Date.now();
  const engine = await loadEngineModuleNode();
  const plans = makePlan(SEED, COUNT);
  const schedule = killSchedule(SEED, KILLS);
  const dir = await mkdtemp(join(tmpdir(), 'durable-lab-fault-node-'));
  const storePath = join(dir, 'server', 'durable-lab.log');
  const jobPath = join(dir, 'job.json');
  const copyPath = join(dir, 'check.log');
  const acks: Ack[] = [];
  const problems: string[] = [];
  const killLog: string[] = [];
  let ackChecks = 0;
  let tornSeenByChildren = 0;
  let tornSeenByChecks = 0;
  let runs = 0;
  let checks = 0;
  const inFlightAtKills: number[] = [];
  const tornTails: string[] = [];
  let history: Record<string, number> = {};
  let storeRecords = 0;
  console.log(`# fault-node: seed ${SEED} (repeat with DURABLE_FAULT_SEED=${SEED}), ${COUNT} invoices, ${KILLS} kills planned`);

  const ackedStarts = () => new Set(acks.filter((a) => a.kind === 'start').map((a) => a.workflowId));
  const ackedSignals = () => new Set(acks.filter((a) => a.kind === 'signal').map((a) => a.workflowId));
  const jobFor = (mode: ChildJob['mode'], handedOut: number): ChildJob => {
    const started = ackedStarts();
    const signalled = ackedSignals();
    const offered = plans.slice(0, handedOut);
    return {
      mode, storePath, seed: SEED, count: COUNT, run: runs,
      started: [...started],
      starts: offered.filter((p) => !started.has(p.workflowId)).map((p) => p.workflowId),
      signals: offered.filter((p) => signalFor(p.decision) && !signalled.has(p.workflowId)).map((p) => p.workflowId),
    };
  };
  const report = (run: ChildRun, label: string) => {
    for (const { tag, body } of run.lines) {
      if (tag === 'ERR') problems.push(`${label}: ${body.message}`);
      if (tag === 'TORN') {
        tornSeenByChildren += 1;
        tornTails.push(`${label} (on open): ${body.message}`);
      }
    }
  };
  /** The checks that hold at any moment: no gap or duplicate, every ack in history, query answers never go back. */
  const check = async (label: string, closed: boolean) => {
    try {
      await stat(storePath);
    } catch {
      return null; // killed before the store file was created
    }
    let read;
    try {
      read = await readStore(engine, storePath, copyPath, plans);
    } catch (error) {
      problems.push(`${label}: the store did not open: ${(error as Error).message}`);
      return null;
    }
    checks += 1;
    tornSeenByChecks += read.torn.length;
    tornTails.push(...read.torn.map((message) => `check after ${label}: ${message}`));
    ackChecks += acks.length;
    for (const plan of plans) {
      const events = read.histories.get(plan.workflowId)!;
      problems.push(...checkWorkflow(plan, events, acks, closed, read.buffered.get(plan.workflowId)).map((p) => `${label}: ${p}`));
      // The acknowledged run is the one in the store (a start repeated after a crash, with the same requestId, got the same run).
      const runId = (events[0] as any)?.workflowExecutionStartedEventAttributes?.originalExecutionRunId;
      for (const ack of acks) {
        if (ack.kind === 'start' && ack.workflowId === plan.workflowId && events.length > 0 && ack.runId !== runId) {
          problems.push(`${label}: ${plan.workflowId}: acknowledged run ${ack.runId}, but the store's current run is ${runId}`);
        }
      }
    }
    return read;
  };
  // Startup kills take a cold process (killed while it loads, opens the store
  // and starts the driver); every other run takes the warm one started while
  // the previous child ran, so Pyodide's start-up overlaps the previous run.
  let warm: Child | null = null;
  const startChild = async (job: ChildJob, kill: KillPlan | null, limitMs: number, warmNext: boolean): Promise<ChildRun> => {
    await writeFile(jobPath, JSON.stringify(job));
    let child: Child;
    if (kill?.kind === 'startup' || !warm) {
      await warm?.discard();
      warm = null;
      child = new Child(false, jobPath);
    } else {
      child = warm;
      warm = null;
    }
    const running = child.go(job, jobPath, acks, kill, limitMs);
    if (warmNext) warm = new Child(true);
    return running;
  };
  const diagnostics = (run: ChildRun) => run.stderr.slice(-15).join('\n');

  try {
    // --- the kills -------------------------------------------------------
    let kills = 0;
    for (const [i, kill] of schedule.entries()) {
      const label = `run ${runs} (${kill.kind})`;
      const job = jobFor('load', Math.min(COUNT, (i + 1) * STARTS_PER_RUN));
      const run = await startChild(job, kill, 25_000, i + 1 < schedule.length && schedule[i + 1]!.kind !== 'startup');
      runs += 1;
      report(run, label);
      if (run.killed && run.exit.signal === 'SIGKILL') {
        kills += 1;
        killLog.push(`${label}: killed ${run.killedAt}`);
        inFlightAtKills.push(run.inFlight ?? 0);
      } else {
        problems.push(`${label}: the child ended on its own (${JSON.stringify(run.exit)})\n${diagnostics(run)}`);
      }
      await check(label, false);
      if (problems.length > 0) break;
    }

    // --- a run without kills drives everything to its end ---------------
    let finishMs = 0;
    if (problems.length === 0) {
      const startedAt = Date.now();
      const run = await startChild(jobFor('finish', COUNT), null, 150_000, true);
      runs += 1;
      finishMs = Date.now() - startedAt;
      report(run, 'finish');
      if (run.killed || run.exit.code !== 0 || !run.lines.some((l) => l.tag === 'DONE')) {
        problems.push(`finish: the load did not complete (${JSON.stringify(run.exit)}${run.killed ? ', killed at its time limit' : ''})\n${diagnostics(run)}`);
      }
      await check('finish', true);
    }

    // --- a fresh worker replays every history to answer a query ----------
    let verifyMs = 0;
    let answers: Record<string, string> = {};
    if (problems.length === 0) {
      const startedAt = Date.now();
      const run = await startChild(jobFor('verify', COUNT), null, 150_000, false);
      runs += 1;
      verifyMs = Date.now() - startedAt;
      report(run, 'verify');
      answers = run.lines.find((l) => l.tag === 'VERIFIED')?.body.answers ?? {};
      if (run.exit.code !== 0 || !run.lines.some((l) => l.tag === 'VERIFIED')) {
        problems.push(`verify: no answers from a fresh worker (${JSON.stringify(run.exit)})\n${diagnostics(run)}`);
      }
      for (const plan of plans) {
        const expected = EXPECTED_STATUS[plan.decision];
        if (answers[plan.workflowId] !== expected) problems.push(`verify: ${plan.workflowId} (${plan.decision}) answered ${JSON.stringify(answers[plan.workflowId])} after replay, expected ${expected}`);
      }
      // Every history, closed, once more (the verify run's query answers are acks too).
      const final = await check('final', true);
      storeRecords = final?.records ?? 0;
      // What the crashes left in history: tasks a dead process held timed out, and
      // signals whose commit landed but whose reply died with the process.
      const ackedIdentities = new Set(acks.flatMap((a) => (a.kind === 'signal' ? [a.identity] : [])));
      const all = [...(final?.histories.values() ?? [])].flat();
      const count = (type: string) => all.filter((e) => shortType(e.eventType) === type).length;
      history = {
        events: all.length,
        workflowTaskTimedOut: count('WorkflowTaskTimedOut'),
        workflowTaskFailed: count('WorkflowTaskFailed'),
        signalsCommittedButNotAcknowledged: all.filter((e) => shortType(e.eventType) === 'WorkflowExecutionSignaled' &&
          !ackedIdentities.has((e as any).workflowExecutionSignaledEventAttributes?.identity)).length,
        paymentAttempts: all.filter((e) => shortType(e.eventType) === 'ActivityTaskStarted')
          .reduce((sum, e) => sum + Number((e as any).activityTaskStartedEventAttributes?.attempt ?? 1), 0),
        paymentsFlakyAttemptsPlanned: plans.filter((p) => p.decision === 'approve').flatMap((p) => p.invoice.lines).reduce((sum, l) => sum + l.flaky_failures + 1, 0),
      };
    }

    const finalStore = await stat(storePath).catch(() => null);
    const durationMs = Date.now() - began;
    const figures = {
      seed: SEED, repeat: `DURABLE_FAULT_SEED=${SEED}`, invoices: COUNT,
      decisions: Object.fromEntries((['approve', 'reject', 'none'] as const).map((d) => [d, plans.filter((p) => p.decision === d).length])),
      kills, killsPlanned: KILLS, killsByKind: Object.fromEntries((['startup', 'restored', 'ack', 'running'] as const).map((k) =>
        [k, killLog.filter((l) => l.includes(`(${k})`)).length])),
      childRuns: runs, storeChecks: checks,
      acks: { start: acks.filter((a) => a.kind === 'start').length, signal: acks.filter((a) => a.kind === 'signal').length, query: acks.filter((a) => a.kind === 'query').length },
      killsWithStartsOrSignalsInFlight: inFlightAtKills.filter((n) => n > 0).length, maxInFlightAtAKill: Math.max(0, ...inFlightAtKills),
      history,
      ackChecks, tornTailsCutByChildren: tornSeenByChildren, tornTailsCutByChecks: tornSeenByChecks,
      storeBytes: finalStore?.size ?? 0, storeRecords, finishMs, verifyMs, durationMs,
      tornTails, problems, killLog,
    };
    const out = join(repo, 'test-results', 'fault-node.json');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
    if (problems.length > 0) {
      // The evidence, for a diagnosis: the log as the failing check read it and every ack up to then.
      await copyFile(storePath, join(repo, 'test-results', `fault-node-${SEED}.log`)).catch(() => {});
      await writeFile(join(repo, 'test-results', `fault-node-${SEED}-acks.json`), `${JSON.stringify(acks, null, 1)}\n`);
    }
    console.log(`# fault-node: seed ${SEED}: survived ${kills} kills (${JSON.stringify(figures.killsByKind)}) in ${runs} runs; ` +
      `${acks.length} acks (${JSON.stringify(figures.acks)}) checked ${ackChecks} times over ${checks} store checks; ` +
      `torn tails cut: ${tornSeenByChildren} by restarts, ${tornSeenByChecks} by checks; ${(durationMs / 1000).toFixed(1)} s; ${out}`);

    assert.deepEqual(problems, [], `seed ${SEED}: ${problems.length} problem(s); repeat with DURABLE_FAULT_SEED=${SEED}`);
    assert.ok(kills >= Math.min(MIN_KILLS, KILLS), `only ${kills} kills landed (at least ${MIN_KILLS} expected)`);
    assert.equal(figures.acks.start, COUNT, 'every workflow was started and acknowledged');
    assert.equal(Object.keys(answers).length, COUNT, 'a fresh worker answered for every workflow');
  } finally {
    await (warm as Child | null)?.discard(); // (assigned in startChild: TypeScript does not see it)
    await rm(dir, { recursive: true, force: true });
  }
});
