// The fault suites' own tools, tested without an engine: the no-loss checks
// (support/invariants.ts) must see every kind of damage they are meant to
// catch and stay quiet on a good history, and the load (support/load-plan.ts)
// must be the same for the same seed, or a failing seed could not be repeated.
//
//   node --import tsx --test tests/faults/invariants.test.ts
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  bufferedSignals, checkAcked, checkEventIds, checkOutcome, checkQueryAnswers, checkWorkflow, shortType, type Ack, type HistoryEvent,
} from './support/invariants.ts';
import { expectedOutcome, faultProgram, faultSeed, makePlan, PAYMENT_ATTEMPTS, random, signalFor, TASK_QUEUE, WORKFLOW_TYPE, type InvoicePlan } from './support/load-plan.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
const payloads = (value: unknown) => ({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: b64(value) }] });

/** "TIMER_FIRED" -> {eventType: "EVENT_TYPE_TIMER_FIRED", timerFiredEventAttributes: {...}}, numbered later. */
function event(type: string, attributes: Record<string, unknown> = {}): Omit<HistoryEvent, 'eventId'> {
  const camel = type.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return { eventType: `EVENT_TYPE_${type}`, [`${camel}EventAttributes`]: attributes };
}
const numbered = (events: Omit<HistoryEvent, 'eventId'>[]): HistoryEvent[] =>
  events.map((e, i) => ({ eventId: String(i + 1), ...e }) as HistoryEvent);
const task = () => [event('WORKFLOW_TASK_SCHEDULED'), event('WORKFLOW_TASK_STARTED'), event('WORKFLOW_TASK_COMPLETED')];

function plan(decision: InvoicePlan['decision'], flaky: number[] = [0]): InvoicePlan {
  const id = `inv-${decision}`;
  return {
    workflowId: id, decision,
    invoice: { invoice_id: id, customer: 'ACME', lines: flaky.map((f, n) => ({ description: `line ${n + 1}`, amount: 10 + n, flaky_failures: f })) },
  };
}

/** The history the fault program writes for each decision (as this engine writes it: one Started per activity, with its last attempt). */
function history(p: InvoicePlan, identity = 'driver-1', attempts = p.invoice.lines.map((l) => l.flaky_failures + 1)): HistoryEvent[] {
  const events = [event('WORKFLOW_EXECUTION_STARTED', { workflowType: { name: WORKFLOW_TYPE }, input: payloads(p.invoice) }), ...task(),
    event('TIMER_STARTED', { timerId: '1', startToFireTimeout: '432000s' })];
  if (p.decision === 'none') {
    return numbered([...events, event('TIMER_FIRED', { timerId: '1' }), ...task(),
      event('WORKFLOW_EXECUTION_FAILED', { failure: { message: 'timeout' } })]);
  }
  events.push(event('WORKFLOW_EXECUTION_SIGNALED', { signalName: signalFor(p.decision), identity }), ...task(), event('TIMER_CANCELED', { timerId: '1' }));
  if (p.decision === 'reject') return numbered([...events, event('WORKFLOW_EXECUTION_COMPLETED', { result: payloads('REJECTED') })]);
  p.invoice.lines.forEach((line, n) => {
    events.push(event('TIMER_STARTED', { timerId: `${n + 2}` }), event('TIMER_FIRED', { timerId: `${n + 2}` }), ...task(),
      event('ACTIVITY_TASK_SCHEDULED', { activityType: { name: 'payment_gateway' }, input: payloads(line) }),
      event('ACTIVITY_TASK_STARTED', { attempt: attempts[n] }), event('ACTIVITY_TASK_COMPLETED', { result: payloads(true) }), ...task());
  });
  return numbered([...events, event('WORKFLOW_EXECUTION_COMPLETED', { result: payloads('PAID') })]);
}

const acksFor = (p: InvoicePlan, answers: string[] = [], identity = 'driver-1'): Ack[] => [
  { kind: 'start', workflowId: p.workflowId, runId: 'run-1' },
  ...(signalFor(p.decision) ? [{ kind: 'signal' as const, workflowId: p.workflowId, signalName: signalFor(p.decision)!, identity }] : []),
  ...answers.map((answer) => ({ kind: 'query' as const, workflowId: p.workflowId, answer })),
];

test('shortType reads both spellings of an event type', () => {
  assert.equal(shortType('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED'), 'WorkflowExecutionSignaled');
  assert.equal(shortType('EVENT_TYPE_TIMER_FIRED'), 'TimerFired');
  assert.equal(shortType('TimerFired'), 'TimerFired');
});

test('good histories of each decision, with their acks, yield no problem open or closed', () => {
  const cases: [InvoicePlan, string[]][] = [
    [plan('approve', [0, 2, 1]), ['PENDING-APPROVAL', 'PENDING-APPROVAL', 'APPROVED', 'PAID', 'PAID']],
    [plan('reject'), ['INITIALIZING', 'PENDING-APPROVAL', 'REJECTED', 'REJECTED']],
    [plan('none'), ['PENDING-APPROVAL', 'PENDING-APPROVAL']],
  ];
  for (const [p, answers] of cases) {
    const events = history(p);
    assert.deepEqual(checkWorkflow(p, events, acksFor(p, answers), true), [], p.decision);
    // Open (the close not written yet): everything acknowledged is already there.
    assert.deepEqual(checkWorkflow(p, events.slice(0, 8), acksFor(p, answers.slice(0, 1)), false), [], `${p.decision}, open`);
  }
  // Nothing started and nothing acknowledged: nothing to complain about while open.
  assert.deepEqual(checkWorkflow(plan('approve'), [], [], false), []);
  // A payment that took more attempts than its flaky failures (attempts lost to a crash count too) is fine.
  const p = plan('approve', [1]);
  assert.deepEqual(checkOutcome(p, history(p, 'driver-1', [5])), []);
});

test('PascalCase event types (the older spelling) are read as well', () => {
  const p = plan('approve');
  const pascal = history(p).map((e) => ({ ...e, eventType: shortType(e.eventType) }));
  assert.deepEqual(checkWorkflow(p, pascal, acksFor(p), true), []);
});

test('a gap in event IDs is a problem', () => {
  const events = history(plan('approve')).filter((e) => e.eventId !== '6');
  const problems = checkEventIds('w', events);
  assert.ok(problems.length > 0);
  assert.match(problems[0]!, /event #6 has ID 7 \(gap or duplicate\)/);
});

test('a duplicate event ID is a problem', () => {
  const events = history(plan('approve'));
  events.splice(3, 0, { ...events[2]! });
  const problems = checkEventIds('w', events);
  assert.match(problems.join('\n'), /event #4 has ID 3/);
});

test('a history that does not start with WorkflowExecutionStarted is a problem', () => {
  const events = numbered(history(plan('reject')).slice(1));
  assert.match(checkEventIds('w', events).join('\n'), /history starts with EVENT_TYPE_WORKFLOW_TASK_SCHEDULED/);
});

test('an acknowledged start without history is a problem', () => {
  const p = plan('approve');
  assert.match(checkAcked(p.workflowId, [], acksFor(p)).join('\n'), /acknowledged start \(run run-1\) has no history/);
});

test('an acknowledged signal missing from history, or in it twice, is a problem; an unacknowledged extra copy is not', () => {
  const p = plan('approve');
  const acks = acksFor(p, [], 'driver-7');
  assert.match(checkAcked(p.workflowId, history(p, 'driver-1'), acks).join('\n'), /ApproveInvoice \(driver-7\) is in history 0 times/);
  const twice = history(p, 'driver-7');
  const signalled = twice.find((e) => shortType(e.eventType) === 'WorkflowExecutionSignaled')!;
  const duplicated = numbered([...twice.slice(0, -1), { ...signalled }, twice.at(-1)!]);
  assert.match(checkAcked(p.workflowId, duplicated, acks).join('\n'), /\(driver-7\) is in history 2 times/);
  // A send that was never acknowledged (the process died first) may have landed too: not a problem.
  const extra = numbered([...twice.slice(0, -1), { ...signalled, workflowExecutionSignaledEventAttributes: { signalName: 'ApproveInvoice', identity: 'driver-6' } }, twice.at(-1)!]);
  assert.deepEqual(checkAcked(p.workflowId, extra, acks), []);
  // Acks of other workflows are not this one's business.
  assert.deepEqual(checkAcked('other', [], acks), []);
});

test('an acknowledged signal still buffered in its run (its workflow task in flight) counts once; a closed run buffers nothing', () => {
  const p = plan('approve');
  const acks = acksFor(p, [], 'driver-7');
  const open = history(p, 'driver-1').slice(0, 5); // started, first task, the 5-day timer: the signal not yet in history
  assert.deepEqual(checkAcked(p.workflowId, open, acks, ['driver-7']), []);
  assert.deepEqual(checkWorkflow(p, open, acks, false, ['driver-7']), []);
  // Read before the history, the buffer may still name a signal that reached history since.
  assert.deepEqual(checkAcked(p.workflowId, history(p, 'driver-7'), acks, ['driver-7']), []);
  assert.match(checkWorkflow(p, history(p, 'driver-1'), acks, true, ['driver-7']).join('\n'), /\(driver-7\) is in history 0 times/);
  // The engine dump's buffered events of each workflow's current run; only signals count.
  const dump = {
    current: { 'inv-approve': 'run-2', 'inv-reject': 'run-3' },
    runs: {
      'run-1': { state: { buffered: [{ type: 26, attributes: { identity: 'stale-run' } }] } },
      'run-2': { state: { buffered: [{ type: 26, attributes: { identity: 'driver-7' } }, { type: 1, attributes: {} }] } },
      'run-3': { state: {} },
    },
  };
  assert.deepEqual([...bufferedSignals(dump)], [['inv-approve', ['driver-7']], ['inv-reject', []]]);
});

test('a workflow task failed on nondeterminism is a problem; other causes are not', () => {
  const p = plan('reject');
  const events = history(p);
  const failed = (cause: string) => numbered([...events.slice(0, 4), event('WORKFLOW_TASK_FAILED', { cause, failure: { message: 'x' } }), ...events.slice(4)]);
  assert.match(checkAcked(p.workflowId, failed('WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR'), acksFor(p)).join('\n'), /nondeterminism \(event 5\)/);
  assert.deepEqual(checkAcked(p.workflowId, failed('WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND'), acksFor(p)), []);
});

test('a wrong outcome is a problem: close event, result, payments, attempts', () => {
  const approve = plan('approve', [0, 2]);
  // Failed instead of completed.
  assert.match(checkOutcome(approve, history(plan('none'))).join('\n'), /expected WorkflowExecutionCompleted, history ends with WorkflowExecutionFailed/);
  // Still open.
  assert.match(checkOutcome(approve, history(approve).slice(0, -1)).join('\n'), /history ends with WorkflowTaskCompleted/);
  assert.match(checkOutcome(approve, []).join('\n'), /history ends with nothing/);
  // REJECTED where the inputs say PAID.
  const wrongResult = history(approve);
  wrongResult[wrongResult.length - 1] = { ...wrongResult.at(-1)!, workflowExecutionCompletedEventAttributes: { result: payloads('REJECTED') } };
  assert.match(checkOutcome(approve, wrongResult).join('\n'), /result "REJECTED", expected PAID/);
  // A payment lost.
  const short = history(plan('approve', [0]));
  assert.match(checkOutcome(approve, short).join('\n'), /1 payments scheduled, expected 2/);
  assert.match(checkOutcome(approve, short).join('\n'), /payment 2 \(failing 2 times, fewer than 3\) ended never/);
  // A payment that succeeded before its flaky attempts had failed.
  assert.match(checkOutcome(approve, history(approve, 'driver-1', [1, 2])).join('\n'), /payment 2 succeeded on attempt 2, but its first 2 attempts must fail/);
  // A payment whose attempts were lost with a killed worker may time out, but only on its last attempt;
  // it never fails, since it flakes fewer times than the chapter's 3 attempts.
  const closedBy = (type: string, attempt: number) => {
    const events = history(approve, 'driver-1', [1, attempt]);
    const second = events.filter((e) => shortType(e.eventType) === 'ActivityTaskCompleted')[1]!;
    return events.map((e) => (e === second ? { eventId: e.eventId, eventType: `EVENT_TYPE_${type}` } : e));
  };
  assert.deepEqual(checkOutcome(approve, closedBy('ACTIVITY_TASK_TIMED_OUT', 3)), []);
  assert.match(checkOutcome(approve, closedBy('ACTIVITY_TASK_TIMED_OUT', 2)).join('\n'), /payment 2 timed out on attempt 2, before its 3 attempts were used/);
  assert.match(checkOutcome(approve, closedBy('ACTIVITY_TASK_FAILED', 3)).join('\n'), /payment 2 \(failing 2 times, fewer than 3\) ended ActivityTaskFailed/);
  // A rejected invoice that paid anyway.
  const reject = plan('reject');
  const paid = history({ ...reject, decision: 'approve' });
  const paidButRejected = [...paid.slice(0, -1), { ...paid.at(-1)!, workflowExecutionCompletedEventAttributes: { result: payloads('REJECTED') } }];
  assert.match(checkOutcome(reject, paidButRejected).join('\n'), /1 payments scheduled, expected 0/);
  // The 5-day timeout must fail the workflow, not complete it.
  assert.match(checkOutcome(plan('none'), history(reject)).join('\n'), /expected WorkflowExecutionFailed/);
});

test('query answers that go back, or make no sense, are a problem', () => {
  const q = (...answers: string[]) => checkQueryAnswers('w', answers.map((answer) => ({ kind: 'query' as const, workflowId: 'w', answer })));
  assert.deepEqual(q('INITIALIZING', 'PENDING-APPROVAL', 'PENDING-APPROVAL', 'APPROVED', 'APPROVED', 'PAID'), []);
  assert.deepEqual(q('PENDING-APPROVAL', 'REJECTED', 'REJECTED'), []);
  assert.match(q('PENDING-APPROVAL', 'PAID', 'APPROVED').join('\n'), /went back to APPROVED \(PENDING-APPROVAL → PAID → APPROVED\)/);
  assert.match(q('APPROVED', 'PENDING-APPROVAL').join('\n'), /went back to PENDING-APPROVAL/);
  assert.match(q('REJECTED', 'PENDING-APPROVAL').join('\n'), /went back to PENDING-APPROVAL/);
  // Approved, then rejected: a workflow's status never moves from one decision to the other.
  assert.match(q('APPROVED', 'REJECTED').join('\n'), /went back to REJECTED/);
  assert.match(q('PAID', 'REJECTED').join('\n'), /went back to REJECTED/);
  assert.match(q('None').join('\n'), /query answered "None"/);
  // Another workflow's answers are not compared with this one's.
  assert.deepEqual(checkQueryAnswers('w', [{ kind: 'query', workflowId: 'w', answer: 'PAID' }, { kind: 'query', workflowId: 'v', answer: 'PENDING-APPROVAL' }]), []);
});

test('makePlan is the same for the same seed and differs for another', () => {
  assert.deepEqual(makePlan(1234, 50), makePlan(1234, 50));
  assert.notDeepEqual(makePlan(1234, 50), makePlan(1235, 50));
  // A shorter plan is a prefix of a longer one with the same seed.
  assert.deepEqual(makePlan(99, 10), makePlan(99, 40).slice(0, 10));
  const plans = makePlan(7, 200, 'x');
  assert.equal(new Set(plans.map((p) => p.workflowId)).size, 200);
  assert.equal(plans[0]!.workflowId, 'x-000');
  for (const p of plans) {
    assert.equal(p.invoice.invoice_id, p.workflowId);
    assert.ok(p.invoice.lines.length >= 1 && p.invoice.lines.length <= 3);
    for (const line of p.invoice.lines) {
      assert.ok([0, 1, 2].includes(line.flaky_failures));
      assert.ok(line.amount >= 0 && line.amount <= 1000);
    }
  }
  // Every decision shows up in a plan of this size.
  assert.deepEqual(new Set(plans.map((p) => p.decision)), new Set(['approve', 'reject', 'none']));
});

test('random is seedable and in [0, 1); faultSeed reads DURABLE_FAULT_SEED', (t) => {
  const a = random(5);
  const b = random(5);
  const values = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(values, Array.from({ length: 1000 }, () => b()));
  assert.ok(values.every((v) => v >= 0 && v < 1));
  const saved = process.env.DURABLE_FAULT_SEED;
  t.after(() => { if (saved === undefined) delete process.env.DURABLE_FAULT_SEED; else process.env.DURABLE_FAULT_SEED = saved; });
  process.env.DURABLE_FAULT_SEED = '4242';
  assert.equal(faultSeed(), 4242);
  for (const bad of ['', 'abc', '-3', '0', '1.5']) {
    process.env.DURABLE_FAULT_SEED = bad;
    const seed = faultSeed();
    assert.ok(Number.isInteger(seed) && seed > 0, `${JSON.stringify(bad)} -> ${seed}`);
  }
});

test('expected outcomes, signals and the program', () => {
  assert.deepEqual(expectedOutcome(plan('approve')), { closeEvent: 'WorkflowExecutionCompleted', result: 'PAID' });
  assert.deepEqual(expectedOutcome(plan('reject')), { closeEvent: 'WorkflowExecutionCompleted', result: 'REJECTED' });
  assert.deepEqual(expectedOutcome(plan('none')), { closeEvent: 'WorkflowExecutionFailed' });
  assert.deepEqual([signalFor('approve'), signalFor('reject'), signalFor('none')], ['ApproveInvoice', 'RejectInvoice', null]);
  const program = faultProgram();
  assert.equal(program.entry, 'worker.py');
  assert.deepEqual(Object.keys(program.files).sort(), ['activities.py', 'worker.py', 'workflows.py']);
  // The chapter's own workflow and worker, unchanged.
  assert.equal(program.files['workflows.py'], readFileSync(new URL('../../web/src/workspace/chapter/workflows.py', import.meta.url), 'utf8'));
  assert.equal(program.files['worker.py'], readFileSync(new URL('../../web/src/workspace/chapter/worker.py', import.meta.url), 'utf8'));
  assert.ok(program.files['worker.py']!.includes(`"${TASK_QUEUE}"`));
  assert.match(program.files['workflows.py']!, new RegExp(`class ${WORKFLOW_TYPE}\\b`));
  assert.match(program.files['workflows.py']!, new RegExp(`maximum_attempts=${PAYMENT_ATTEMPTS}\\b`));
  assert.match(program.files['activities.py']!, /flaky_failures/);
});
