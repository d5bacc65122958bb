// The detail view of one run: summary, input and result, pending work (with
// live timer countdowns), actions (query, signal, terminate, cancel,
// download), and the event history kept live by long-polling
// GetWorkflowExecutionHistory with waitNewEvent.
import type { Disposable, UiDeps } from '../deps.ts';
import { decodePayloads, encodePayload } from '../payloads.ts';
import { errorMessage, h } from '../dom.ts';
import { formatTime, rememberedDatalist, statusBadge } from './view-helpers.ts';
import { decodePayloadsSafe, eventAttributes, historyFileName, failureMessage, formatDurationMs, prettyJson, shortEventType, type HistoryEvent } from './history.ts';
import { createHistoryViews } from './history-views.ts';
import { statusLabel } from './visibility-query.ts';
import { METADATA_QUERY, optionLabel, parseWorkflowMetadata } from './workflow-metadata.ts';

const NAMESPACE = 'default';
const DESCRIBE_MS = 1500;
const RETRY_MS = 2000;

interface Describe {
  workflowExecutionInfo: {
    execution: { workflowId: string; runId: string };
    type?: { name?: string };
    status?: string;
    startTime?: string;
    closeTime?: string;
    historyLength?: string;
    taskQueue?: string;
  };
  pendingActivities?: Array<{ activityId: string; activityType?: { name?: string }; state?: string; attempt?: number; maximumAttempts?: number; lastFailure?: unknown; nextAttemptScheduleTime?: string; lastStartedTime?: string }>;
  pendingChildren?: Array<{ workflowId: string; runId?: string; workflowTypeName?: string; initiatedId?: string }>;
  pendingTimers?: Array<{ timerId: string; startedEventId: string; fireTime: string }>;
  pendingWorkflowTask?: { state?: string; attempt?: number; scheduledTime?: string; startedTime?: string };
}

const decode = (p: unknown) => decodePayloadsSafe(p, (x) => decodePayloads(x as never));

/** One argument shows as itself, several as a list, none as "no input". */
function inputText(payloads: unknown): string {
  const values = decode(payloads);
  if (values.length === 0) return 'no input';
  return prettyJson(values.length === 1 ? values[0] : values);
}


export function mountWorkflowDetail(root: HTMLElement, deps: UiDeps, execution: { workflowId: string; runId?: string }): Disposable {
  const lifetime = new AbortController();
  let disposed = false;
  let runId = execution.runId ?? '';
  let events: HistoryEvent[] = [];
  let describeTimer: ReturnType<typeof setTimeout> | undefined;
  let lastDescribe: Describe | undefined;
  let closed = false;
  let historyStarted = false;

  const back = h('a', { href: '#/workflows', onclick: (e: Event) => { e.preventDefault(); deps.navigate('#/workflows'); } }, '← All workflows');
  const title = h('h2', { class: 'wf-title' }, h('span', {}, execution.workflowId));
  const runLine = h('p', { class: 'wf-mono wf-muted' }, runId ? `run ${runId}` : 'latest run');
  const message = h('p', { class: 'wf-message', role: 'status' });
  const summary = h('dl', { class: 'wf-summary' });
  const io = h('div', { class: 'wf-io' });
  const pending = h('div', { class: 'wf-pending' });
  const views = createHistoryViews({ diagramIdPrefix: 'wf-diagram' });
  const downloadButton = h('button', { class: 'wf-button', type: 'button' }, 'Download history JSON');
  downloadButton.addEventListener('click', () => {
    const blob = new Blob([JSON.stringify({ events }, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: historyFileName(execution.workflowId, runId) });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  const actions = buildActions();
  root.replaceChildren(
    h('section', { class: 'wf-root wf-detail' },
      h('div', { class: 'wf-toolbar' }, back, downloadButton), title, runLine, message,
      h('div', { class: 'wf-columns' },
        h('section', { class: 'wf-card' }, h('h3', {}, 'Summary'), summary),
        h('section', { class: 'wf-card' }, h('h3', {}, 'Input and result'), io)),
      h('section', { class: 'wf-card' }, h('h3', {}, 'Pending'), pending),
      actions.element,
      views.element),
  );

  // ---- summary and pending (DescribeWorkflowExecution) ----
  async function describe(): Promise<void> {
    clearTimeout(describeTimer);
    try {
      const d = await deps.service.call<Describe>('DescribeWorkflowExecution',
        { namespace: NAMESPACE, execution: { workflowId: execution.workflowId, runId } }, { signal: lifetime.signal });
      if (disposed) return;
      lastDescribe = d;
      if (!runId) {
        runId = d.workflowExecutionInfo.execution.runId;
        runLine.textContent = `run ${runId}`;
      }
      message.textContent = '';
      if (!historyStarted) {
        historyStarted = true;
        void followHistory();
        void askMetadata();
      }
      renderSummary(d);
      renderPending(d);
      closed = statusLabel(d.workflowExecutionInfo.status) !== 'Running';
      actions.setOpen(!closed);
    } catch (error) {
      if (disposed) return;
      message.textContent = `Could not describe the workflow: ${errorMessage(error)}`;
    }
    if (!disposed && !closed) describeTimer = setTimeout(() => void describe(), DESCRIBE_MS);
  }

  function row(label: string, value: Node | string) {
    return [h('dt', {}, label), h('dd', {}, value)];
  }

  function renderSummary(d: Describe) {
    const info = d.workflowExecutionInfo;
    summary.replaceChildren(
      ...row('Status', statusBadge(statusLabel(info.status))),
      ...row('Type', info.type?.name ?? ''),
      ...row('Task queue', info.taskQueue ?? ''),
      ...row('Start', formatTime(info.startTime)),
      ...row('Close', formatTime(info.closeTime) || '—'),
      ...row('History length', info.historyLength ?? String(events.length)),
    );
  }

  const countdowns: Array<{ el: HTMLElement; fireMs: number; prefix: string }> = [];
  function tickCountdowns() {
    const now = deps.now();
    for (const c of countdowns) {
      const left = c.fireMs - now;
      c.el.textContent = left > 0 ? `${c.prefix} ${formatDurationMs(left)}` : 'due now';
    }
  }
  const countdownInterval = setInterval(tickCountdowns, 250);

  function renderPending(d: Describe) {
    countdowns.length = 0;
    const parts: Node[] = [];
    for (const a of d.pendingActivities ?? []) {
      const failure = failureMessage(a.lastFailure);
      let retry: HTMLElement | null = null;
      if (a.nextAttemptScheduleTime) {
        const countdown = h('span', { class: 'wf-countdown' });
        countdowns.push({ el: countdown, fireMs: Date.parse(a.nextAttemptScheduleTime), prefix: 'next attempt in' });
        retry = h('span', {}, ' · ', countdown);
      }
      parts.push(h('div', { class: 'wf-pending-item wf-kind-activity', 'data-pending': 'activity' },
        h('strong', {}, `Activity ${a.activityType?.name ?? ''} (id ${a.activityId})`),
        h('span', {}, ` ${(a.state ?? '').replace('PENDING_ACTIVITY_STATE_', '').toLowerCase()} · attempt ${a.attempt ?? 1}${a.maximumAttempts ? ` of ${a.maximumAttempts}` : ''}`),
        retry,
        failure ? h('div', { class: 'wf-error' }, `Last failure: ${failure}`) : null));
    }
    for (const t of d.pendingTimers ?? []) {
      const countdown = h('span', { class: 'wf-countdown' });
      countdowns.push({ el: countdown, fireMs: Date.parse(t.fireTime), prefix: 'fires in' });
      parts.push(h('div', { class: 'wf-pending-item wf-kind-timer', 'data-pending': 'timer' },
        h('strong', {}, `Timer ${t.timerId}`), h('span', {}, ` (event ${t.startedEventId}) at ${formatTime(t.fireTime)} · `), countdown));
    }
    for (const c of d.pendingChildren ?? []) {
      parts.push(h('div', { class: 'wf-pending-item wf-kind-child', 'data-pending': 'child' },
        h('strong', {}, `Child ${c.workflowTypeName ?? ''}`), h('span', {}, ` ${c.workflowId}`)));
    }
    const wft = d.pendingWorkflowTask;
    if (wft) {
      parts.push(h('div', { class: 'wf-pending-item wf-kind-task', 'data-pending': 'workflow-task' },
        h('strong', {}, 'Workflow task'),
        h('span', {}, ` ${(wft.state ?? '').replace('PENDING_WORKFLOW_TASK_STATE_', '').toLowerCase()} · attempt ${wft.attempt ?? 1} · scheduled ${formatTime(wft.scheduledTime)}`)));
    }
    if (parts.length === 0) parts.push(h('p', { class: 'wf-muted' }, 'Nothing pending.'));
    pending.replaceChildren(...parts);
    tickCountdowns();
  }

  function renderIo() {
    const start = events.find((e) => shortEventType(e.eventType) === 'WorkflowExecutionStarted');
    const close = events.find((e) => /^WorkflowExecution(Completed|Failed|TimedOut|Terminated|Canceled|ContinuedAsNew)$/.test(shortEventType(e.eventType)));
    const parts: Node[] = [h('h4', {}, 'Input'), h('pre', { class: 'wf-json', 'data-io': 'input' }, start ? inputText(eventAttributes(start).input) : '—')];
    if (close) {
      const a = eventAttributes(close);
      const type = shortEventType(close.eventType);
      if (type === 'WorkflowExecutionCompleted') {
        const values = decode(a.result);
        parts.push(h('h4', {}, 'Result'), h('pre', { class: 'wf-json', 'data-io': 'result' }, prettyJson(values.length === 1 ? values[0] : values)));
      } else if (type === 'WorkflowExecutionFailed') {
        parts.push(h('h4', {}, 'Failure'), h('pre', { class: 'wf-json wf-error', 'data-io': 'result' }, failureMessage(a.failure) || prettyJson(a.failure)));
      } else {
        parts.push(h('h4', {}, 'Result'), h('p', { 'data-io': 'result' }, type.replace('WorkflowExecution', '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()));
      }
    } else {
      parts.push(h('h4', {}, 'Result'), h('p', { class: 'wf-muted' }, 'Still running.'));
    }
    io.replaceChildren(...parts);
  }

  // ---- history (long poll) ----
  async function followHistory(): Promise<void> {
    let token = '';
    while (!disposed) {
      try {
        const reply = await deps.service.call<{ history?: { events?: HistoryEvent[] }; nextPageToken?: string }>(
          'GetWorkflowExecutionHistory',
          { namespace: NAMESPACE, execution: { workflowId: execution.workflowId, runId }, nextPageToken: token, waitNewEvent: true },
          { signal: lifetime.signal });
        if (disposed) return;
        const fresh = reply.history?.events ?? [];
        if (fresh.length > 0) {
          const lastId = events.length ? Number(events[events.length - 1]!.eventId) : 0;
          events = events.concat(fresh.filter((e) => Number(e.eventId) > lastId));
          views.setEvents(events);
          renderIo();
          if (lastDescribe) renderSummary(lastDescribe);
          void describe();
        }
        if (!reply.nextPageToken) return; // closed and fully read
        token = reply.nextPageToken;
      } catch (error) {
        if (disposed) return;
        message.textContent = `History updates paused: ${errorMessage(error)} (retrying)`;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  // ---- handler names (the built-in __temporal_workflow_metadata query), asked once ----
  async function askMetadata(): Promise<void> {
    try {
      const reply = await deps.service.call<{ queryResult?: { payloads?: unknown[] }; queryRejected?: { status?: string } }>('QueryWorkflow',
        { namespace: NAMESPACE, execution: { workflowId: execution.workflowId, runId }, query: { queryType: METADATA_QUERY } }, { signal: lifetime.signal });
      if (disposed) return;
      const metadata = reply.queryRejected ? null : parseWorkflowMetadata(decode(reply.queryResult)[0]);
      if (!metadata) throw new Error('no workflow metadata in the answer');
      actions.offerNames(metadata.queries, metadata.signals);
    } catch {
      if (disposed) return;
      actions.metadataHint('The worker did not describe this workflow\'s handlers: the names offered are the ones used before.');
    }
  }

  // ---- actions ----
  function buildActions() {
    const queryNames = rememberedDatalist('wf-query-names', 'durable-lab.queryNames', ['GetInvoiceStatus']);
    const signalNames = rememberedDatalist('wf-signal-names', 'durable-lab.signalNames', ['ApproveInvoice', 'RejectInvoice']);
    const queryName = h('input', { list: 'wf-query-names', value: 'GetInvoiceStatus', 'aria-label': 'Query name', name: 'queryType', required: '' });
    const queryOut = h('pre', { class: 'wf-json wf-answer', 'data-answer': 'query', role: 'status' });
    const namesHint = h('p', { class: 'wf-muted wf-hint', 'data-hint': 'metadata' });
    const queryForm = h('form', { class: 'wf-form' }, h('h4', {}, 'Query'), h('label', {}, 'Name ', queryName), queryNames.list,
      h('button', { class: 'wf-button', type: 'submit' }, 'Run query'), namesHint, queryOut);
    queryForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = queryName.value.trim();
      if (!name) return;
      queryNames.remember(name);
      queryOut.classList.remove('wf-error');
      queryOut.textContent = 'Asking the worker…';
      try {
        const reply = await deps.service.call<{ queryResult?: { payloads?: unknown[] }; queryRejected?: { status?: string } }>('QueryWorkflow',
          { namespace: NAMESPACE, execution: { workflowId: execution.workflowId, runId }, query: { queryType: name } }, { signal: lifetime.signal });
        if (reply.queryRejected) throw new Error(`query rejected (workflow status ${reply.queryRejected.status ?? 'unknown'})`);
        const values = decode(reply.queryResult);
        queryOut.textContent = prettyJson(values.length === 1 ? values[0] : values);
      } catch (error) {
        if (disposed) return;
        queryOut.classList.add('wf-error');
        queryOut.textContent = `Query failed: ${errorMessage(error)}`;
      }
    });

    const signalName = h('input', { list: 'wf-signal-names', 'aria-label': 'Signal name', name: 'signalName', placeholder: 'ApproveInvoice', required: '' });
    const signalInput = h('textarea', { rows: '2', 'aria-label': 'Signal input (JSON, optional)', name: 'signalInput', placeholder: 'optional JSON input, e.g. {"approver": "ada"}' });
    const signalOut = h('p', { class: 'wf-answer', 'data-answer': 'signal', role: 'status' });
    const signalButton = h('button', { class: 'wf-button', type: 'submit' }, 'Send signal');
    const signalForm = h('form', { class: 'wf-form' }, h('h4', {}, 'Signal'), h('label', {}, 'Name ', signalName), signalNames.list,
      h('label', {}, 'Input ', signalInput), signalButton, signalOut);
    signalForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = signalName.value.trim();
      signalOut.classList.remove('wf-error');
      if (!name) return;
      let input: { payloads: unknown[] } | undefined;
      if (signalInput.value.trim()) {
        try {
          input = { payloads: [encodePayload(JSON.parse(signalInput.value))] };
        } catch (error) {
          signalOut.classList.add('wf-error');
          signalOut.textContent = `The input is not valid JSON: ${errorMessage(error)}. Strings need quotes, e.g. "yes".`;
          return;
        }
      }
      signalNames.remember(name);
      signalOut.textContent = 'Sending…';
      try {
        await deps.service.call('SignalWorkflowExecution', {
          namespace: NAMESPACE, workflowExecution: { workflowId: execution.workflowId, runId }, signalName: name,
          ...(input ? { input } : {}), identity: 'durable-lab-ui', requestId: crypto.randomUUID(),
        }, { signal: lifetime.signal });
        signalOut.textContent = `Signal ${name} sent.`;
      } catch (error) {
        if (disposed) return;
        signalOut.classList.add('wf-error');
        signalOut.textContent = `Signal failed: ${errorMessage(error)}`;
      }
    });

    const reason = h('input', { 'aria-label': 'Termination reason', name: 'reason', placeholder: 'reason' });
    const closeOut = h('p', { class: 'wf-answer', 'data-answer': 'close', role: 'status' });
    const terminateButton = h('button', { class: 'wf-button wf-danger', type: 'button' }, 'Terminate');
    const cancelButton = h('button', { class: 'wf-button', type: 'button' }, 'Request cancel');
    const runAction = async (label: string, method: string, request: object) => {
      closeOut.classList.remove('wf-error');
      try {
        await deps.service.call(method, request, { signal: lifetime.signal });
        closeOut.textContent = `${label} requested.`;
        void describe();
      } catch (error) {
        if (disposed) return;
        closeOut.classList.add('wf-error');
        closeOut.textContent = `${label} failed: ${errorMessage(error)}`;
      }
    };
    terminateButton.addEventListener('click', () => {
      const why = reason.value.trim() || 'terminated from the Durable Lab UI';
      if (!confirm(`Terminate ${execution.workflowId}? The workflow stops at once and its code gets no chance to clean up.`)) return;
      void runAction('Terminate', 'TerminateWorkflowExecution',
        { namespace: NAMESPACE, workflowExecution: { workflowId: execution.workflowId, runId }, reason: why, identity: 'durable-lab-ui' });
    });
    cancelButton.addEventListener('click', () => {
      if (!confirm(`Request cancellation of ${execution.workflowId}? The workflow code decides how to handle it.`)) return;
      void runAction('Cancel', 'RequestCancelWorkflowExecution',
        { namespace: NAMESPACE, workflowExecution: { workflowId: execution.workflowId, runId }, identity: 'durable-lab-ui', requestId: crypto.randomUUID() });
    });
    const closeForm = h('div', { class: 'wf-form' }, h('h4', {}, 'Terminate or cancel'), h('label', {}, 'Reason ', reason), terminateButton, cancelButton, closeOut);
    const element = h('section', { class: 'wf-card wf-actions' }, h('h3', {}, 'Actions'), h('div', { class: 'wf-forms' }, queryForm, signalForm, closeForm));
    return {
      element,
      setOpen(open: boolean) {
        for (const el of [signalButton, terminateButton, cancelButton]) el.disabled = !open;
      },
      offerNames(queries: Array<{ name: string; description?: string }>, signals: Array<{ name: string; description?: string }>) {
        queryNames.offer(queries.map((q) => ({ value: q.name, label: optionLabel(q) })));
        signalNames.offer(signals.map((q) => ({ value: q.name, label: optionLabel(q) })));
        namesHint.textContent = 'Names offered by the worker (__temporal_workflow_metadata).';
      },
      metadataHint(text: string) {
        namesHint.textContent = text;
      },
    };
  }

  void describe();

  return {
    dispose() {
      disposed = true;
      lifetime.abort();
      clearTimeout(describeTimer);
      clearInterval(countdownInterval);
      views.dispose();
      root.replaceChildren();
    },
  };
}
