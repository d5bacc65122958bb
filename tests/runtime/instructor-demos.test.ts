// Instructor mode's demos (web/src/instructor/demos.ts) and the session that
// presents them (session.ts), against a fake page that behaves as the real
// one does: processes that run and die, the scripted assistant's tool calls,
// and the invoice workflow's history. Each step must tick when, and only
// when, the page shows its effect.
//
//   node --import tsx --test tests/runtime/instructor-*.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { understand } from '../../web/src/mcp/assistant.ts';
import type { WorkflowRef } from '../../web/src/mcp/tool-result.ts';
import {
  APPROVAL_DEMO, APPROVE_PROMPT, DEMOS, DURABLE_TIMER_DEMO, PROCESS_INVOICE_PROMPT, STATUS_PROMPT,
  type AssistantCall, type DemoProcess, type DemoStage, type WorkflowFacts,
} from '../../web/src/instructor/demos.ts';
import { DemoSession } from '../../web/src/instructor/session.ts';
import type { ProcessState } from '../../web/src/ui/process-state.ts';
import { DEFAULT_INVOICE } from '../../web/src/workspace/samples.ts';

const INVOICE: WorkflowRef = { workflowId: 'invoice-1', runId: 'run-1' };

/** The page as the demos see it, with the moves the presenter makes on it (send, allow) and what the worker does. */
class FakePage implements DemoStage {
  states: Record<DemoProcess, ProcessState> = { server: 'stopped', worker: 'stopped', mcpServer: 'stopped' };
  calls: AssistantCall[] = [];
  invoice: WorkflowRef | null = null;
  facts: WorkflowFacts = { status: 'RUNNING', events: [], pendingTimers: [] };
  invoiceStatus = 'PENDING-APPROVAL';
  prepared: string | null = null;
  opened: WorkflowRef[] = [];
  #nextCall = 1;

  // InstructorActions
  async ensureRunning(process: DemoProcess) { this.states[process] = 'running'; }
  kill(process: 'worker' | 'mcpServer') { this.states[process] = 'stopped'; }
  async restart(process: 'worker') { this.states[process] = 'running'; }
  openWorkflow(ref: WorkflowRef) { this.opened.push(ref); }
  async promptAssistant(text: string) { this.prepared = text; }

  // InstructorObservations
  processState(process: DemoProcess) { return this.states[process]; }
  async assistantCalls() { return this.calls; }
  async assistantInvoice() { return this.invoice; }
  async workflow(ref: WorkflowRef) {
    assert.deepEqual(ref, this.invoice);
    return this.facts;
  }
  async query(_ref: WorkflowRef, queryType: string) {
    assert.equal(queryType, 'GetInvoiceStatus');
    if (this.states.worker !== 'running') throw new Error('query timed out: no worker polling task queue "invoice-task-queue" answered it in time');
    return this.invoiceStatus;
  }

  // The presenter on the page, and what the workflow does.
  send(): AssistantCall {
    assert.ok(this.prepared, 'nothing was prepared to send');
    const understood = understand(this.prepared, this.invoice ? { invoice: this.invoice } : {});
    assert.notEqual(understood.kind, 'reply', `the assistant did not understand ${this.prepared}`);
    this.prepared = null;
    const call: AssistantCall = { id: this.#nextCall++, tool: understood.kind === 'reply' ? '' : understood.intent.tool, decision: 'pending' };
    this.calls.push(call);
    return call;
  }

  allow(answer: string): void {
    const call = this.calls.at(-1)!;
    call.decision = 'allowed';
    call.answer = answer;
    if (call.tool === 'process_invoice') this.invoice = { ...INVOICE };
  }

  /** The worker's first workflow task: the 5-day approval wait. */
  startApprovalTimer(): void {
    this.facts = {
      status: 'RUNNING',
      events: [{ eventId: '1', eventType: 'WorkflowExecutionStarted' }, { eventId: '5', eventType: 'TimerStarted' }],
      pendingTimers: [{ startedEventId: '5', fireTime: '2026-01-06T00:00:00Z' }],
    };
  }
}

async function started(demo = DURABLE_TIMER_DEMO, page = new FakePage(), now?: () => number) {
  const session = await DemoSession.start(demo, page, now);
  return { page, session, done: () => session.progress.map((step) => step.done) };
}

/** Performs the current step's action, lets the page react, checks, and moves on. */
async function step(session: DemoSession, onPage?: () => void): Promise<void> {
  await session.perform();
  onPage?.();
  await session.check();
  assert.ok(session.progress[session.current]!.done, `step ${session.current + 1} (${session.demo.steps[session.current]!.title}) did not tick`);
  assert.equal(session.progress[session.current]!.error, null);
  session.next();
}

test('the two demos: the chapter\u2019s 6 and 10 steps, each with words for the room and a tick', () => {
  assert.deepEqual(DEMOS.map((demo) => [demo.id, demo.steps.length]), [['durable-timer', 6], ['approval', 10]]);
  for (const demo of DEMOS) {
    for (const [index, demoStep] of demo.steps.entries()) {
      const where = `${demo.id} step ${index + 1}`;
      assert.ok(demoStep.title.length > 0 && demoStep.title.length <= 50, `${where}: a short title`);
      assert.ok(demoStep.say.length >= 20 && demoStep.say.length <= 300, `${where}: a few sentences to say (${demoStep.say.length} characters)`);
      assert.ok(demoStep.doneWhen, `${where}: ticks when its effect shows`);
      assert.ok(demoStep.action || demoStep.onThePage, `${where}: either the panel or the page performs it`);
    }
  }
  // The approval demo opens as the timer demo does, then goes on without killing the worker.
  assert.deepEqual(APPROVAL_DEMO.steps.slice(0, 4), DURABLE_TIMER_DEMO.steps.slice(0, 4));
  assert.deepEqual(APPROVAL_DEMO.steps.map((s) => s.onThePage ?? '-'),
    ['-', 'Press Send.', 'Click Allow.', '-', '-', 'Press Send.', 'Click Allow.', 'Press Send.', 'Click Allow.', '-']);
});

test('the demos\u2019 prompts are the chapter\u2019s, and the scripted assistant maps each to its tool', () => {
  assert.equal(PROCESS_INVOICE_PROMPT, `Process this invoice for me: ${JSON.stringify(DEFAULT_INVOICE, null, 2)}`);
  const started = understand(PROCESS_INVOICE_PROMPT, {});
  assert.equal(started.kind === 'start' && started.intent.tool, 'process_invoice');
  assert.deepEqual(started.kind === 'start' && started.value, DEFAULT_INVOICE);
  for (const [prompt, tool] of [[STATUS_PROMPT, 'invoice_status'], [APPROVE_PROMPT, 'approve_invoice']] as const) {
    const understood = understand(prompt, { invoice: INVOICE });
    assert.equal(understood.kind === 'follow-up' && understood.intent.tool, tool, prompt);
  }
});

test('the durable timer demo, step by step: killed worker, same timer after the restart', async () => {
  const { page, session, done } = await started();
  assert.deepEqual(done(), [false, false, false, false, false, false]);

  await step(session); // start everything
  assert.deepEqual(page.states, { server: 'running', worker: 'running', mcpServer: 'running' });
  await step(session, () => page.send()); // the prompt, sent
  await step(session, () => page.allow('{"workflow_id": "invoice-1", "run_id": "run-1"}'));

  // Show the timer: not before the worker has started it.
  await session.perform();
  assert.deepEqual(page.opened, [INVOICE]);
  await session.check();
  assert.equal(session.progress[3]!.done, false, 'no TimerStarted yet');
  page.startApprovalTimer();
  await session.check();
  assert.equal(session.progress[3]!.done, true);
  session.next();

  await step(session); // kill the worker
  assert.equal(page.states.worker, 'stopped');

  // The restart ticks only once the new worker answers, with the one timer still pending.
  await session.perform();
  assert.equal(page.states.worker, 'running');
  assert.equal(session.progress[5]!.done, true);
  assert.ok(session.finished);
  assert.deepEqual(done(), [true, true, true, true, true, true]);
});

test('the restart step does not tick when the timer started over', async () => {
  const { page, session } = await started();
  await step(session);
  await step(session, () => page.send());
  await step(session, () => page.allow('{}'));
  await step(session, () => page.startApprovalTimer());
  await step(session);
  // A worker that forgot the wait: the timer it starts again is a second TimerStarted.
  page.facts = {
    status: 'RUNNING',
    events: [...page.facts.events, { eventId: '9', eventType: 'TimerStarted' }],
    pendingTimers: [{ startedEventId: '9', fireTime: '2026-01-07T00:00:00Z' }],
  };
  await session.perform();
  assert.equal(session.progress[5]!.done, false);
  assert.equal(session.finished, false);
});

test('a step ticks only after the steps before it: a restart without the kill seen is no proof', async () => {
  const { page, session } = await started();
  await step(session);
  await step(session, () => page.send());
  await step(session, () => page.allow('{}'));
  await step(session, () => page.startApprovalTimer());
  session.select(5); // skip the kill: the worker has been running all along
  await session.check();
  assert.deepEqual(session.progress.map((p) => p.done), [true, true, true, true, false, false]);
});

test('what the assistant did before the demo started does not count', async () => {
  const page = new FakePage();
  page.states = { server: 'running', worker: 'running', mcpServer: 'running' };
  page.prepared = PROCESS_INVOICE_PROMPT;
  page.send();
  page.allow('{}'); // a rehearsal: an earlier invoice and its call
  const { session } = await started(DURABLE_TIMER_DEMO, page);
  session.select(2);
  await session.check();
  assert.deepEqual(session.progress.map((p) => p.done), [true, false, false, false, false, false]);
  await session.perform(3);
  assert.match(session.progress[3]!.error ?? '', /^No invoice has been started in this demo yet/);
  assert.deepEqual(page.opened, []);
});

test('the approval demo, step by step: MCP server killed, status, approval, completed, query answers', async () => {
  const { page, session, done } = await started(APPROVAL_DEMO);
  await step(session);
  await step(session, () => page.send());
  await step(session, () => page.allow('{}'));
  await step(session, () => page.startApprovalTimer());
  await step(session); // quit Claude Desktop
  assert.equal(page.states.mcpServer, 'stopped');
  assert.equal(page.states.worker, 'running');

  // Ask for the status: the assistant reconnects, which starts the MCP server again.
  await session.perform();
  assert.equal(page.prepared, STATUS_PROMPT);
  page.states.mcpServer = 'running';
  await step(session, () => page.send());
  const status = `Invoice with ID ${INVOICE.workflowId} is currently PENDING-APPROVAL. Workflow status: RUNNING`;
  await step(session, () => page.allow(status));

  await step(session, () => page.send()); // approve
  assert.equal(page.calls.at(-1)!.tool, 'approve_invoice');
  await session.perform();
  page.allow('APPROVED');
  await session.check();
  assert.equal(session.progress[8]!.done, true);
  session.next();

  // Completed: ticks once the run has closed and the query answers PAID.
  await session.perform();
  assert.equal(session.progress[9]!.done, false);
  page.facts = { ...page.facts, status: 'COMPLETED', pendingTimers: [] };
  page.invoiceStatus = 'PAID';
  await session.check();
  assert.ok(session.finished);
  assert.deepEqual(done(), Array(10).fill(true));
});

test('a denied call does not count as an answer', async () => {
  const { page, session } = await started(APPROVAL_DEMO);
  for (const onPage of [undefined, () => page.send(), () => page.allow('{}'), () => page.startApprovalTimer(), undefined]) await step(session, onPage);
  await session.perform();
  page.send();
  await session.check();
  session.next();
  page.calls.at(-1)!.decision = 'denied';
  await session.check();
  assert.equal(session.progress[6]!.done, false);
});

test('the elapsed time runs from the start and stops when the demo is finished', async () => {
  let now = 1_000;
  const { page, session } = await started(DURABLE_TIMER_DEMO, new FakePage(), () => now);
  now += 5_000;
  assert.equal(session.elapsedMs(), 5_000);
  await step(session);
  await step(session, () => page.send());
  await step(session, () => page.allow('{}'));
  await step(session, () => page.startApprovalTimer());
  await step(session);
  now += 60_000;
  await session.perform();
  assert.ok(session.finished);
  now += 30_000;
  assert.equal(session.elapsedMs(), 65_000);
});

test('changes are announced, and concurrent checks share one pass', async () => {
  const { page, session } = await started();
  let changes = 0;
  session.onChange(() => changes++);
  let probes = 0;
  const original = page.processState.bind(page);
  page.processState = (process) => { probes++; return original(process); };
  page.states = { server: 'running', worker: 'running', mcpServer: 'running' };
  await Promise.all([session.check(), session.check(), session.check()]);
  assert.equal(probes, 3, 'one pass: one read per process');
  assert.equal(changes, 1);
  session.select(99);
  assert.equal(session.current, 5);
  session.previous();
  assert.equal(session.current, 4);
});
