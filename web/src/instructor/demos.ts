// The chapter's two instructor demos as click-through steps: the durable
// timer demo (6 steps) and the approval demo (10 steps), adapted to the page.
// The Temporal server is the server worker, Claude Desktop is the scripted
// assistant on the MCP page, "Ctrl-C the worker" is Kill on the Python
// worker, "python worker.py" is Restart, and "quit Claude Desktop" is Kill on
// the MCP server process. The invoice is the chapter's INV-100; the timer the
// room watches is InvoiceWorkflow's 5-day wait for approval.
//
// Data and plain functions only, no DOM: a step acts on the page through
// InstructorActions and ticks itself through InstructorObservations, both
// implemented by the app (web/src/ui/instructor/demo-stage.ts), so the
// demos are tested against a fake stage.
import type { WorkflowRef } from '../mcp/tool-result.ts';
import type { ProcessState } from '../ui/process-state.ts';
import { DEFAULT_INVOICE } from '../workspace/samples.ts';

/** The three processes of the page a demo starts, kills and restarts. */
export type DemoProcess = 'server' | 'worker' | 'mcpServer';

/** One tool call of the scripted assistant, as a step sees it. */
export interface AssistantCall {
  /** Grows with time: later calls have larger ids. */
  id: number;
  tool: string;
  decision: 'pending' | 'allowed' | 'denied';
  /** The tool's answer as text once it came back (an error's text too). */
  answer?: string;
}

/** What a step reads of a workflow run. */
export interface WorkflowFacts {
  /** RUNNING, COMPLETED, ... (Temporal's status without its WORKFLOW_EXECUTION_STATUS_ prefix). */
  status: string;
  /** The history, oldest first, with event types as the page shows them (TimerStarted). */
  events: Array<{ eventId: string; eventType: string }>;
  pendingTimers: Array<{ startedEventId: string; fireTime: string }>;
}

/** What a step's "Do it" may do in the page. */
export interface InstructorActions {
  /**
   * Starts the process unless it runs and resolves once it does. For the MCP
   * server the page connects to it, which starts it, as Claude Desktop does
   * when it opens.
   */
  ensureRunning(process: DemoProcess): Promise<void>;
  /** Kill on the Processes page: the process ends at once, as with Ctrl-C. */
  kill(process: 'worker' | 'mcpServer'): void;
  /** Restart on the Processes page; resolves once the new process runs. */
  restart(process: 'worker'): Promise<void>;
  /** Shows the run's detail view (the chapter's Web UI). */
  openWorkflow(ref: WorkflowRef): void;
  /** Opens the MCP page with the text in the assistant's request box: the presenter presses Send. */
  promptAssistant(text: string): Promise<void>;
}

/** What a step's "done when" probe may read. */
export interface InstructorObservations {
  processState(process: DemoProcess): ProcessState;
  /** Every tool call of the assistant's conversation, oldest first. */
  assistantCalls(): Promise<readonly AssistantCall[]>;
  /** The invoice the assistant last started: the one its follow-ups mean. */
  assistantInvoice(): Promise<WorkflowRef | null>;
  workflow(ref: WorkflowRef): Promise<WorkflowFacts>;
  /** Runs a query on the run; resolves with the decoded answer. */
  query(ref: WorkflowRef, queryType: string): Promise<unknown>;
}

export type DemoStage = InstructorActions & InstructorObservations;

/** One presentation of a demo, from its start: what its steps act on and remember. */
export interface DemoRun {
  readonly stage: DemoStage;
  /** The assistant's tool calls since the demo started, oldest first. */
  calls(): Promise<AssistantCall[]>;
  /** The invoice the assistant started since the demo started; null until then. */
  invoice(): Promise<WorkflowRef | null>;
  /** The approval wait's TimerStarted event, as first seen: later steps show it is still the only one. */
  approvalTimerEventId?: string;
}

export interface DemoStep {
  title: string;
  /** What the presenter tells the room during the step. */
  say: string;
  /** The presenter's button in the panel, which performs the step in the page. */
  action?: { label: string; run(run: DemoRun): Promise<void> };
  /** What the presenter then clicks on the page itself, in view of the room (Send, Allow). */
  onThePage?: string;
  /** The step's effect as the page shows it; the panel ticks the step when the probe sees it. */
  doneWhen?: { description: string; probe(run: DemoRun): Promise<boolean> };
}

export interface Demo {
  id: string;
  title: string;
  /** One line: what the demo shows. */
  summary: string;
  steps: readonly DemoStep[];
}

/** The chapter's prompts, word for word. */
export const PROCESS_INVOICE_PROMPT = `Process this invoice for me: ${JSON.stringify(DEFAULT_INVOICE, null, 2)}`;
export const STATUS_PROMPT = 'What is the status of this invoice?';
export const APPROVE_PROMPT = 'Approve this invoice.';

// ---- what the probes read ----

const isDown = (state: ProcessState) => state === 'stopped' || state === 'crashed';

async function demoInvoice(run: DemoRun): Promise<WorkflowRef> {
  const ref = await run.invoice();
  if (!ref) throw new Error('No invoice has been started in this demo yet: do the steps that ask for it and Allow process_invoice first.');
  return ref;
}

/** The run's TimerStarted events. */
function timersStarted(facts: WorkflowFacts): WorkflowFacts['events'] {
  return facts.events.filter((event) => event.eventType === 'TimerStarted');
}

/** The assistant asked to call the tool (whatever was answered) since the demo started. */
const asksFor = (tool: string) => async (run: DemoRun) => (await run.calls()).some((call) => call.tool === tool);

/** The tool was called and answered with text matching the pattern. */
const answers = (tool: string, pattern: RegExp) => async (run: DemoRun) =>
  (await run.calls()).some((call) => call.tool === tool && call.answer !== undefined && pattern.test(call.answer));

/** The process is down and the demo's invoice still runs. */
const downWhileInvoiceRuns = (process: 'worker' | 'mcpServer') => async (run: DemoRun) => {
  const ref = await run.invoice();
  return ref !== null && isDown(run.stage.processState(process)) && (await run.stage.workflow(ref)).status === 'RUNNING';
};

// ---- the steps both demos open with ----

const startEverything: DemoStep = {
  title: 'Start the Temporal server',
  say: 'Everything runs in this browser tab. The Temporal server is a Web Worker; the Python worker and the MCP server ' +
    'are two more. Each is a separate process we can kill, like the terminals in the chapter.',
  action: {
    label: 'Start the server, the worker and the MCP server',
    async run({ stage }) {
      // The worker and the MCP server call the server as they start.
      await stage.ensureRunning('server');
      await Promise.all([stage.ensureRunning('worker'), stage.ensureRunning('mcpServer')]);
    },
  },
  doneWhen: {
    description: 'The server, the worker and the MCP server all run.',
    probe: async ({ stage }) => (['server', 'worker', 'mcpServer'] as const).every((process) => stage.processState(process) === 'running'),
  },
};

const askToProcess: DemoStep = {
  title: 'Ask the assistant to process INV-100',
  say: 'This assistant stands in for Claude Desktop. I ask in plain words to process the invoice, with the invoice as JSON. ' +
    'It will choose a tool that our MCP server offers.',
  action: { label: 'Put the chapter\u2019s prompt in the assistant', run: ({ stage }) => stage.promptAssistant(PROCESS_INVOICE_PROMPT) },
  onThePage: 'Press Send.',
  doneWhen: { description: 'The assistant asks to call process_invoice.', probe: asksFor('process_invoice') },
};

const allowProcess: DemoStep = {
  title: 'Allow process_invoice',
  say: 'Like Claude Desktop, it asks before it calls a tool. The tool starts InvoiceWorkflow on the Temporal server and ' +
    'answers at once with the workflow ID. The workflow itself goes on without the assistant.',
  onThePage: 'Click Allow.',
  doneWhen: { description: 'InvoiceWorkflow has started.', probe: async (run) => (await run.invoice()) !== null },
};

const showTimer: DemoStep = {
  title: 'Show the timer',
  say: 'This is the workflow in the Web UI. The history has TimerStarted: the workflow waits up to five days for an approval. ' +
    'The server stores that timer, and the countdown under Pending is the server\u2019s: the worker holds nothing while it waits.',
  action: { label: 'Open the workflow', run: async (run) => run.stage.openWorkflow(await demoInvoice(run)) },
  doneWhen: {
    description: 'The history has TimerStarted and the timer is pending.',
    async probe(run) {
      const ref = await run.invoice();
      if (!ref) return false;
      const facts = await run.stage.workflow(ref);
      const timer = timersStarted(facts)[0];
      if (!timer || !facts.pendingTimers.some((pending) => pending.startedEventId === timer.eventId)) return false;
      run.approvalTimerEventId ??= timer.eventId;
      return true;
    },
  },
};

/** An action that does something, then shows the demo's invoice, where the room sees its effect. */
const thenShowInvoice = (label: string, act: (run: DemoRun) => Promise<void> | void) => ({
  label,
  async run(run: DemoRun) {
    const ref = await demoInvoice(run);
    await act(run);
    run.stage.openWorkflow(ref);
  },
});

// ---- the durable timer demo ----

const killWorker: DemoStep = {
  title: 'Kill the worker (Ctrl-C)',
  say: 'Now I kill the worker process, as Ctrl-C would. Look at the workflow: still Running, and the timer still counts down. ' +
    'The worker held nothing the server does not have.',
  action: thenShowInvoice('Kill the worker and show the workflow', ({ stage }) => stage.kill('worker')),
  doneWhen: { description: 'The worker is stopped and the workflow still runs.', probe: downWhileInvoiceRuns('worker') },
};

const restartWorker: DemoStep = {
  title: 'Restart the worker',
  say: 'This is python worker.py again. The new worker rebuilds the workflow by replaying its history. ' +
    'Same TimerStarted event, same fire time, no new timer: the five days did not start over.',
  action: thenShowInvoice('Restart the worker and show the workflow', ({ stage }) => stage.restart('worker')),
  doneWhen: {
    description: 'The new worker answers GetInvoiceStatus (it replayed the history), and the one TimerStarted is still pending.',
    async probe(run) {
      const ref = await run.invoice();
      if (!ref || run.stage.processState('worker') !== 'running') return false;
      const facts = await run.stage.workflow(ref);
      const timers = timersStarted(facts);
      const sameTimer = timers.length === 1 && timers[0]!.eventId === run.approvalTimerEventId &&
        facts.pendingTimers.some((pending) => pending.startedEventId === run.approvalTimerEventId);
      return sameTimer && (await run.stage.query(ref, 'GetInvoiceStatus')) === 'PENDING-APPROVAL';
    },
  },
};

export const DURABLE_TIMER_DEMO: Demo = {
  id: 'durable-timer',
  title: 'Durable timer',
  summary: 'The 5-day approval timer survives killing the worker, and a new worker carries on with the same timer.',
  steps: [startEverything, askToProcess, allowProcess, showTimer, killWorker, restartWorker],
};

// ---- the approval demo ----

const quitClaudeDesktop: DemoStep = {
  title: 'Quit Claude Desktop',
  say: 'Quitting Claude Desktop ends its MCP server, so I kill the MCP server process. The workflow does not notice: ' +
    'it lives in Temporal, not in the MCP server.',
  action: thenShowInvoice('Kill the MCP server and show the workflow', ({ stage }) => stage.kill('mcpServer')),
  doneWhen: { description: 'The MCP server is stopped and the workflow still runs.', probe: downWhileInvoiceRuns('mcpServer') },
};

const askStatus: DemoStep = {
  title: 'Ask for the status',
  say: 'Back in the assistant, I ask about this invoice. It reconnects, which starts a fresh MCP server, ' +
    'and it still knows the workflow ID from our conversation.',
  action: { label: 'Put the status question in the assistant', run: ({ stage }) => stage.promptAssistant(STATUS_PROMPT) },
  onThePage: 'Press Send.',
  doneWhen: { description: 'The assistant asks to call invoice_status.', probe: asksFor('invoice_status') },
};

const allowStatus: DemoStep = {
  title: 'Allow invoice_status',
  say: 'The tool asks the workflow with a query: PENDING-APPROVAL, and the workflow is RUNNING. ' +
    'A query reads the state and adds nothing to the history.',
  onThePage: 'Click Allow.',
  doneWhen: { description: 'invoice_status answers PENDING-APPROVAL.', probe: answers('invoice_status', /\bcurrently PENDING-APPROVAL\b/) },
};

const askApproval: DemoStep = {
  title: 'Ask to approve the invoice',
  say: 'Now the decision the workflow has been waiting for.',
  action: { label: 'Put the approval in the assistant', run: ({ stage }) => stage.promptAssistant(APPROVE_PROMPT) },
  onThePage: 'Press Send.',
  doneWhen: { description: 'The assistant asks to call approve_invoice.', probe: asksFor('approve_invoice') },
};

const allowApproval: DemoStep = {
  title: 'Allow approve_invoice',
  say: 'The tool sends the ApproveInvoice signal. The server stores the signal in the history before it answers, ' +
    'so once we see APPROVED the approval cannot be lost.',
  onThePage: 'Click Allow.',
  doneWhen: { description: 'approve_invoice answers APPROVED.', probe: answers('approve_invoice', /^APPROVED$/) },
};

const showCompleted: DemoStep = {
  title: 'Show it completed',
  say: 'The wait ended, the workflow paid both lines two seconds apart, and it completed with PAID. ' +
    'Its query still answers after it closed: a worker replays the history to answer it.',
  action: { label: 'Open the workflow', run: async (run) => run.stage.openWorkflow(await demoInvoice(run)) },
  doneWhen: {
    description: 'The workflow completed, and GetInvoiceStatus still answers PAID.',
    async probe(run) {
      const ref = await run.invoice();
      if (!ref || (await run.stage.workflow(ref)).status !== 'COMPLETED') return false;
      return (await run.stage.query(ref, 'GetInvoiceStatus')) === 'PAID';
    },
  },
};

export const APPROVAL_DEMO: Demo = {
  id: 'approval',
  title: 'Approval',
  summary: 'The workflow outlives its MCP server: a fresh server reads its status, approves it, and it completes.',
  steps: [startEverything, askToProcess, allowProcess, showTimer, quitClaudeDesktop, askStatus, allowStatus, askApproval, allowApproval, showCompleted],
};

export const DEMOS: readonly Demo[] = [DURABLE_TIMER_DEMO, APPROVAL_DEMO];
