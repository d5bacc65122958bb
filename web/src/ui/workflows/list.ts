// The workflows list: ID, run ID, type, status, start and close time; filters
// by status and type; refreshed every 1.5 s; a row opens the detail view.
import type { Disposable, UiDeps } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import { formatTime, statusBadge } from './view-helpers.ts';
import { EXECUTION_STATUSES, buildVisibilityQuery, statusLabel } from './visibility-query.ts';
import { mountOfflineViewer } from './offline-viewer.ts';

interface ExecutionInfo {
  execution: { workflowId: string; runId: string };
  type?: { name?: string };
  status?: string;
  startTime?: string;
  closeTime?: string;
  historyLength?: string;
}

const REFRESH_MS = 1500;
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

export function workflowHash(workflowId: string, runId: string): string {
  return `#/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}`;
}

export function mountWorkflowList(root: HTMLElement, deps: UiDeps): Disposable {
  let disposed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let offline: Disposable | undefined;
  let lastKey = '';
  const knownTypes = new Set<string>();

  const statusSelect = h('select', { 'aria-label': 'Status', name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    ...EXECUTION_STATUSES.map((s) => h('option', { value: s }, s)));
  const typeList = h('datalist', { id: 'wf-known-types' });
  const typeInput = h('input', { type: 'search', placeholder: 'Workflow type', 'aria-label': 'Workflow type', list: 'wf-known-types', name: 'type' });
  const message = h('p', { class: 'wf-message', role: 'status' });
  const tbody = h('tbody');
  const fileInput = h('input', { type: 'file', accept: '.json,application/json', 'aria-label': 'Import a history JSON file' });
  const importButton = h('button', { class: 'wf-button', type: 'button', onclick: () => fileInput.click() }, 'Import history JSON…');
  fileInput.hidden = true;
  const table = h('table', { class: 'wf-table' },
    h('thead', {}, h('tr', {}, ...['Workflow ID', 'Run ID', 'Type', 'Status', 'Start', 'Close'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const listSection = h('div', { class: 'wf-list-section' },
    h('div', { class: 'wf-filters' }, h('label', {}, 'Status ', statusSelect), h('label', {}, 'Type ', typeInput), typeList, importButton, fileInput),
    message, h('div', { class: 'wf-table-wrap' }, table));
  const container = h('section', { class: 'wf-root wf-list' }, h('h2', {}, 'Workflows'), listSection);
  root.replaceChildren(container);

  const onFilter = () => {
    lastKey = '';
    void refresh();
  };
  statusSelect.addEventListener('change', onFilter);
  typeInput.addEventListener('input', onFilter);

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    const text = await file.text();
    listSection.hidden = true;
    const host = h('div');
    container.append(host);
    offline = mountOfflineViewer(host, file.name, text, () => {
      offline?.dispose();
      offline = undefined;
      host.remove();
      listSection.hidden = false;
    });
  });

  function render(executions: ExecutionInfo[]) {
    const key = JSON.stringify(executions);
    if (key === lastKey) return;
    lastKey = key;
    for (const e of executions) if (e.type?.name) knownTypes.add(e.type.name);
    typeList.replaceChildren(...[...knownTypes].sort().map((t) => h('option', { value: t })));
    if (executions.length === 0) {
      tbody.replaceChildren(h('tr', {}, h('td', { class: 'wf-muted', colspan: '6' }, 'No workflows match.')));
      return;
    }
    tbody.replaceChildren(
      ...executions.map((e) => {
        const hash = workflowHash(e.execution.workflowId, e.execution.runId);
        const link = h('a', { href: hash }, e.execution.workflowId);
        link.addEventListener('click', (ev) => {
          ev.preventDefault();
          deps.navigate(hash);
        });
        const row = h('tr', { class: 'wf-row', 'data-workflow-id': e.execution.workflowId, 'data-run-id': e.execution.runId },
          h('td', {}, link),
          h('td', { class: 'wf-mono' }, e.execution.runId),
          h('td', {}, e.type?.name ?? ''),
          h('td', {}, statusBadge(statusLabel(e.status))),
          h('td', {}, formatTime(e.startTime)),
          h('td', {}, formatTime(e.closeTime)));
        row.addEventListener('click', (ev) => {
          if ((ev.target as HTMLElement).closest('a')) return;
          deps.navigate(hash);
        });
        return row;
      }),
    );
  }

  async function refresh() {
    if (disposed) return;
    clearTimeout(timer);
    controller?.abort();
    const mine = (controller = new AbortController());
    try {
      const query = buildVisibilityQuery({ status: statusSelect.value, workflowType: typeInput.value });
      const executions: ExecutionInfo[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const reply = await deps.service.call<{ executions?: ExecutionInfo[]; nextPageToken?: string }>(
          'ListWorkflowExecutions', { namespace: 'default', query, pageSize: PAGE_SIZE, nextPageToken: token ?? '' }, { signal: mine.signal });
        executions.push(...(reply.executions ?? []));
        token = reply.nextPageToken;
        if (!token) break;
      }
      if (disposed || mine.signal.aborted) return;
      message.textContent = token ? `Showing the newest ${executions.length} workflows.` : '';
      render(executions);
    } catch (error) {
      if (disposed || mine.signal.aborted) return;
      message.textContent = `Could not list workflows: ${errorMessage(error)}`;
    }
    if (!disposed && controller === mine) timer = setTimeout(() => void refresh(), REFRESH_MS);
  }

  void refresh();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
      controller?.abort();
      offline?.dispose();
      statusSelect.removeEventListener('change', onFilter);
      typeInput.removeEventListener('input', onFilter);
      root.replaceChildren();
    },
  };
}
