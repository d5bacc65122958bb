// The processes panel: one row per process (the server worker and the Python
// worker) with its state, a progress bar while loading, and Kill / Restart;
// below, the Python worker's console (stdout, stderr and log records).
import type { Disposable } from './deps.ts';
import { h } from './dom.ts';
import { rememberRunning, type ProcessName, type ProcessState } from './process-state.ts';
import type { ConsoleLine, PythonSupervisor } from './python-supervisor.ts';
import type { ServerSupervisor } from './server-supervisor.ts';

interface RowModel {
  name: ProcessName;
  title: string;
  description: string;
  state: () => ProcessState;
  detail: () => string;
  progress: () => number | null;
  kill: () => void;
  restart: () => void;
  onChange: (listener: () => void) => () => void;
}

function mountRow(model: RowModel): { row: HTMLElement; dispose: () => void } {
  const state = h('span', { class: 'process-state', 'data-testid': `${model.name}-state` });
  const progress = h('progress', { max: 1, 'aria-label': `${model.title} loading` });
  const detail = h('span', { class: 'process-detail' });
  const kill = h('button', {
    type: 'button', class: 'danger small', 'aria-label': `Kill ${model.title}`,
    onclick: () => { rememberRunning(model.name, false); model.kill(); },
  }, 'Kill');
  const restart = h('button', {
    type: 'button', class: 'small', 'aria-label': `Restart ${model.title}`,
    onclick: () => { rememberRunning(model.name, true); model.restart(); },
  }, 'Restart');
  const row = h('li', { class: 'process-row', 'data-process': model.name },
    h('div', { class: 'process-name' }, h('strong', {}, model.title), h('small', {}, model.description)),
    h('div', { class: 'process-status' }, state, progress, detail),
    h('div', { class: 'process-actions' }, kill, restart),
  );
  const render = () => {
    const current = model.state();
    state.textContent = current;
    state.className = `process-state state-${current}`;
    row.dataset.state = current;
    const fraction = model.progress();
    progress.hidden = current !== 'loading';
    if (fraction === null) progress.removeAttribute('value');
    else progress.value = fraction;
    detail.textContent = model.detail();
    kill.disabled = current === 'stopped' || current === 'crashed';
    restart.textContent = current === 'stopped' || current === 'crashed' ? 'Start' : 'Restart';
  };
  const off = model.onChange(render);
  render();
  return { row, dispose: off };
}

export function mountProcessesPanel(root: HTMLElement, server: ServerSupervisor, python: PythonSupervisor): Disposable {
  const rows = [
    mountRow({
      name: 'server', title: 'Server worker', description: 'engine.wasm: the Temporal-style server, state in IndexedDB',
      state: () => server.state, detail: () => server.detail, progress: () => null,
      kill: () => server.kill(), restart: () => { void server.restart().catch(() => {}); },
      onChange: (listener) => server.onChange(listener),
    }),
    mountRow({
      name: 'python', title: 'Python worker', description: 'python worker.py (Pyodide): runs the workspace\u2019s workflows and activities',
      state: () => python.state, detail: () => python.detail, progress: () => python.progress,
      kill: () => python.kill(), restart: () => python.restart(),
      onChange: (listener) => python.onChange(listener),
    }),
  ];

  const output = h('pre', { class: 'console-output', 'data-testid': 'python-console', tabindex: 0 });
  const append = (line: ConsoleLine) => {
    const stick = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
    output.append(h('span', { class: `line line-${line.stream}` }, `${line.text}\n`));
    while (output.childElementCount > 2_000) output.firstElementChild!.remove();
    if (stick) output.scrollTop = output.scrollHeight;
  };
  for (const line of python.lines) append(line);
  const offLines = python.onLine(append);

  root.append(
    h('section', { class: 'panel processes-panel', 'aria-labelledby': 'processes-title' },
      h('h2', { id: 'processes-title' }, 'Processes'),
      h('ul', { class: 'process-list' }, ...rows.map((r) => r.row)),
    ),
    h('section', { class: 'panel console-panel', 'aria-labelledby': 'console-title' },
      h('h2', { id: 'console-title' }, 'Python worker console'),
      output,
    ),
  );
  output.scrollTop = output.scrollHeight;

  return {
    dispose() {
      for (const r of rows) r.dispose();
      offLines();
      root.replaceChildren();
    },
  };
}
