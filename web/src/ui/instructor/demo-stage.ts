// The page as the chapter's demos act on it and read it (DemoStage in
// web/src/instructor/demos.ts): the process supervisors, the MCP page's
// scripted assistant and the server's WorkflowService. Each action does what
// the page's own control does, so the room sees the page behave as it will
// for them: Kill and Restart as on the Processes page (which also remember
// whether a process runs after a reload), connecting as the MCP page's
// Connect does.
import type { DemoProcess, DemoStage, WorkflowFacts } from '../../instructor/demos.ts';
import type { ScriptedAssistant } from '../../mcp/assistant.ts';
import { resultText, type WorkflowRef } from '../../mcp/tool-result.ts';
import { decodePayloads, type Payload } from '../payloads.ts';
import { rememberRunning, type ProcessName, type ProcessState } from '../process-state.ts';
import { workflowHash } from '../router.ts';
import { shortEventType } from '../workflows/history.ts';
import type { InstructorDeps } from './deps.ts';

const NAMESPACE = 'default';
/** A Python process's first start loads Pyodide; a slow machine takes a while. */
const START_LIMIT_MS = 180_000;
/** A query waits for a worker to answer; the demo's worker answers in well under this. */
const QUERY_LIMIT_MS = 8_000;

/** The name process-state.ts remembers each Python process under. */
const REMEMBERED_AS: Record<'worker' | 'mcpServer', ProcessName> = { worker: 'python', mcpServer: 'mcp' };
const TITLES: Record<DemoProcess, string> = { server: 'server worker', worker: 'Python worker', mcpServer: 'MCP server' };

interface Watched {
  readonly state: ProcessState;
  readonly detail: string;
  onChange(listener: () => void): () => void;
}

/** Resolves once the process runs; fails if it ends first or takes too long. */
function untilRunning(process: Watched, title: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`The ${title} did not start within ${START_LIMIT_MS / 1000} s.`)), START_LIMIT_MS);
    const check = () => {
      if (process.state === 'running') finish();
      else if (process.state === 'crashed' || process.state === 'stopped') finish(new Error(`The ${title} ${process.state}: ${process.detail}`));
    };
    const off = process.onChange(check);
    check();
  });
}

interface Describe {
  workflowExecutionInfo: { status?: string };
  pendingTimers?: Array<{ startedEventId: string; fireTime: string }>;
}

interface HistoryPage {
  history?: { events?: Array<{ eventId: string; eventType: string }> };
  nextPageToken?: string;
}

export function createDemoStage(deps: InstructorDeps): DemoStage {
  const { service } = deps.ui;
  const supervisors = { server: deps.server, worker: deps.worker, mcpServer: deps.mcpServer };
  const execution = (ref: WorkflowRef) => ({ workflowId: ref.workflowId, runId: ref.runId });
  // The MCP page's chunk: the assistant is the one its page shows, so the room sees the same conversation.
  const assistant = async (): Promise<ScriptedAssistant> => {
    const [connection, { assistantFor }] = await Promise.all([deps.mcpConnection(), import('../mcp/index.ts')]);
    return assistantFor(connection);
  };

  const history = async (ref: WorkflowRef) => {
    const events: WorkflowFacts['events'] = [];
    let token = '';
    do {
      const page = await service.call<HistoryPage>('GetWorkflowExecutionHistory', { namespace: NAMESPACE, execution: execution(ref), nextPageToken: token });
      for (const event of page.history?.events ?? []) events.push({ eventId: event.eventId, eventType: shortEventType(event.eventType) });
      token = page.nextPageToken ?? '';
    } while (token);
    return events;
  };

  return {
    async ensureRunning(process) {
      if (process === 'server') {
        rememberRunning('server', true);
        await deps.server.start();
      } else if (process === 'worker') {
        if (deps.worker.state !== 'running' && deps.worker.state !== 'loading') {
          rememberRunning('python', true);
          deps.worker.start();
        }
        await untilRunning(deps.worker, TITLES.worker);
      } else {
        const [connection, { connectRemembering }] = await Promise.all([deps.mcpConnection(), import('../mcp/connection-bar.ts')]);
        await connectRemembering(connection);
      }
    },

    kill(process) {
      rememberRunning(REMEMBERED_AS[process], false);
      supervisors[process].kill();
    },

    async restart(process) {
      rememberRunning(REMEMBERED_AS[process], true);
      supervisors[process].restart();
      await untilRunning(supervisors[process], TITLES[process]);
    },

    openWorkflow(ref) {
      deps.ui.navigate(workflowHash(ref.workflowId, ref.runId));
    },

    async promptAssistant(text) {
      (await assistant()).prepareRequest(text);
      deps.ui.navigate('#/mcp');
    },

    processState: (process) => supervisors[process].state,

    async assistantCalls() {
      return (await assistant()).messages.flatMap((message) => {
        if (message.from !== 'tool-call') return [];
        const { outcome } = message;
        const answer = !outcome ? undefined : 'result' in outcome ? resultText(outcome.result) : outcome.failure.message;
        return [{ id: message.id, tool: message.tool, decision: message.decision, ...(answer === undefined ? {} : { answer }) }];
      });
    },

    assistantInvoice: async () => (await assistant()).remembered('invoice') ?? null,

    async workflow(ref) {
      const [described, events] = await Promise.all([
        service.call<Describe>('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: execution(ref) }),
        history(ref),
      ]);
      return {
        status: (described.workflowExecutionInfo.status ?? '').replace(/^WORKFLOW_EXECUTION_STATUS_/, ''),
        events,
        pendingTimers: described.pendingTimers ?? [],
      };
    },

    async query(ref, queryType) {
      const reply = await service.call<{ queryResult?: { payloads?: Payload[] }; queryRejected?: { status?: string } }>('QueryWorkflow',
        { namespace: NAMESPACE, execution: execution(ref), query: { queryType } }, { signal: AbortSignal.timeout(QUERY_LIMIT_MS) });
      if (reply.queryRejected) throw new Error(`the query was rejected (workflow status ${reply.queryRejected.status ?? 'unknown'})`);
      return decodePayloads(reply.queryResult)[0];
    },
  };
}
