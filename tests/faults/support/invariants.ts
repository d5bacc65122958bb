// What "nothing is lost" means, checked on Temporal's history JSON after the
// crashes: the harness's own log of acknowledged RPCs against each workflow's
// history. Every check returns readable problems instead of throwing, so one
// run reports all of them. Shared by the browser and the Node crash suites.
import { expectedOutcome, PAYMENT_ATTEMPTS, type InvoicePlan } from './load-plan.ts';

export interface HistoryEvent { eventId: string; eventType: string; [attributes: string]: unknown }

/** One RPC the server acknowledged: only these are promised to survive. */
export type Ack =
  | { kind: 'start'; workflowId: string; runId: string }
  | { kind: 'signal'; workflowId: string; signalName: string; identity: string }
  | { kind: 'query'; workflowId: string; answer: string };

const ACTIVITY_CLOSES = new Set(['ActivityTaskCompleted', 'ActivityTaskFailed', 'ActivityTaskTimedOut', 'ActivityTaskCanceled']);
const STATUS_ORDER = ['INITIALIZING', 'PENDING-APPROVAL', 'APPROVED', 'PAID'];

/** "EVENT_TYPE_TIMER_FIRED" and "TimerFired" both give "TimerFired". */
export function shortType(eventType: string): string {
  if (!eventType.startsWith('EVENT_TYPE_')) return eventType;
  return eventType.slice('EVENT_TYPE_'.length).toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function attributes(event: HistoryEvent): Record<string, any> {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  return (key ? event[key] : {}) as Record<string, any>;
}

function decodePayload(payload: { data?: string } | undefined): unknown {
  if (!payload?.data) return undefined;
  return JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
}

/** Event IDs 1..n in order: no gap, no duplicate. */
export function checkEventIds(workflowId: string, events: HistoryEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    if (event.eventId !== String(i + 1)) problems.push(`${workflowId}: event #${i + 1} has ID ${event.eventId} (gap or duplicate)`);
  });
  if (events.length > 0 && shortType(events[0]!.eventType) !== 'WorkflowExecutionStarted') {
    problems.push(`${workflowId}: history starts with ${events[0]!.eventType}`);
  }
  return problems;
}

/** EventType::kWorkflowExecutionSignaled in the engine's own form of buffered events (wasm/src/service/state.cc). */
const ENGINE_SIGNALED = 26;

interface EngineDump {
  current?: Record<string, string>;
  runs?: Record<string, { state?: { buffered?: Array<{ type: number; attributes?: { identity?: string } }> } }>;
}

/**
 * The identities of the signals each workflow's current run holds buffered,
 * from an engine state dump (EngineModule.dumpState). A signal received while
 * a workflow task is in flight is durable in the run's state but goes into
 * history only when that task ends, as in Temporal; a history read in between
 * does not show it yet.
 */
export function bufferedSignals(dump: unknown): Map<string, string[]> {
  const { current = {}, runs = {} } = dump as EngineDump;
  const out = new Map<string, string[]>();
  for (const [workflowId, runId] of Object.entries(current)) {
    out.set(workflowId, (runs[runId]?.state?.buffered ?? []).filter((e) => e.type === ENGINE_SIGNALED).map((e) => e.attributes?.identity ?? ''));
  }
  return out;
}

/**
 * Every acknowledged start and signal is in history (a signal once: in history,
 * or while its workflow task is in flight, in `buffered`, the run's buffered
 * signals read before the history); no workflow task failed on nondeterminism.
 */
export function checkAcked(workflowId: string, events: HistoryEvent[], acks: Ack[], buffered: string[] = []): string[] {
  const problems: string[] = [];
  const inHistory = events
    .filter((e) => shortType(e.eventType) === 'WorkflowExecutionSignaled')
    .map((e) => attributes(e).identity as string);
  // Read before the history, a buffered signal may have reached history since: count it once.
  const signalIdentities = [...inHistory, ...buffered.filter((identity) => !inHistory.includes(identity))];
  for (const ack of acks) {
    if (ack.workflowId !== workflowId) continue;
    if (ack.kind === 'start' && events.length === 0) problems.push(`${workflowId}: acknowledged start (run ${ack.runId}) has no history`);
    if (ack.kind === 'signal') {
      const copies = signalIdentities.filter((identity) => identity === ack.identity).length;
      if (copies !== 1) problems.push(`${workflowId}: acknowledged signal ${ack.signalName} (${ack.identity}) is in history ${copies} times`);
    }
  }
  for (const event of events) {
    if (shortType(event.eventType) !== 'WorkflowTaskFailed') continue;
    const cause = String(attributes(event).cause ?? '');
    if (cause.includes('NON_DETERMINISTIC')) problems.push(`${workflowId}: workflow task failed on nondeterminism (event ${event.eventId})`);
  }
  return problems;
}

/** Query answers, in the order they were acknowledged, never go back (state rebuilt by replay is the same state). */
export function checkQueryAnswers(workflowId: string, acks: Ack[]): string[] {
  const answers = acks.filter((a): a is Extract<Ack, { kind: 'query' }> => a.kind === 'query' && a.workflowId === workflowId).map((a) => a.answer);
  const problems: string[] = [];
  let rank = 0;
  let rejected = false;
  for (const answer of answers) {
    if (answer === 'REJECTED') {
      // Rejected only ever follows PENDING-APPROVAL: an approved invoice never turns rejected.
      if (rank > STATUS_ORDER.indexOf('PENDING-APPROVAL')) problems.push(`${workflowId}: query answers went back to ${answer} (${answers.join(' → ')})`);
      rejected = true;
      continue;
    }
    const r = STATUS_ORDER.indexOf(answer);
    if (r < 0) problems.push(`${workflowId}: query answered ${JSON.stringify(answer)}`);
    else if (r < rank || rejected) problems.push(`${workflowId}: query answers went back to ${answer} (${answers.join(' → ')})`);
    else rank = r;
  }
  return problems;
}

/** The closed history matches what the invoice's inputs dictate. */
export function checkOutcome(plan: InvoicePlan, events: HistoryEvent[]): string[] {
  const id = plan.workflowId;
  const expected = expectedOutcome(plan);
  const types = events.map((e) => shortType(e.eventType));
  const last = events[events.length - 1];
  if (!last || types[types.length - 1] !== expected.closeEvent) {
    return [`${id}: expected ${expected.closeEvent}, history ends with ${last ? types[types.length - 1] : 'nothing'}`];
  }
  const problems: string[] = [];
  if (expected.result !== undefined) {
    const result = decodePayload(attributes(last).result?.payloads?.[0]);
    if (result !== expected.result) problems.push(`${id}: result ${JSON.stringify(result)}, expected ${expected.result}`);
  }
  // The chapter pays the lines one after another: the i-th payment scheduled, started and closed is line i's.
  const paidLines = plan.decision === 'approve' ? plan.invoice.lines : [];
  const scheduled = types.filter((t) => t === 'ActivityTaskScheduled').length;
  if (scheduled !== paidLines.length) problems.push(`${id}: ${scheduled} payments scheduled, expected ${paidLines.length}`);
  const attempts = events.filter((e) => shortType(e.eventType) === 'ActivityTaskStarted').map((e) => Number(attributes(e).attempt ?? 1));
  const closes = types.filter((t) => ACTIVITY_CLOSES.has(t));
  paidLines.forEach((line, i) => {
    const [attempt, close] = [attempts[i], closes[i]];
    const failures = line.flaky_failures;
    if (close === 'ActivityTaskCompleted') {
      if (attempt === undefined || attempt < failures + 1) problems.push(`${id}: payment ${i + 1} succeeded on attempt ${attempt}, but its first ${failures} attempts must fail`);
    } else if (close === 'ActivityTaskTimedOut') {
      // Attempts lost with a killed worker time out and count: only the last may end the payment.
      if (attempt !== PAYMENT_ATTEMPTS) problems.push(`${id}: payment ${i + 1} timed out on attempt ${attempt}, before its ${PAYMENT_ATTEMPTS} attempts were used`);
    } else {
      problems.push(`${id}: payment ${i + 1} (failing ${failures} times, fewer than ${PAYMENT_ATTEMPTS}) ended ${close ?? 'never'}`);
    }
  });
  return problems;
}

/** All checks for one workflow; `closed` adds the outcome check (a closed run buffers nothing). */
export function checkWorkflow(plan: InvoicePlan, events: HistoryEvent[], acks: Ack[], closed: boolean, buffered: string[] = []): string[] {
  return [
    ...checkEventIds(plan.workflowId, events),
    ...checkAcked(plan.workflowId, events, acks, closed ? [] : buffered),
    ...checkQueryAnswers(plan.workflowId, acks),
    ...(closed ? checkOutcome(plan, events) : []),
  ];
}
