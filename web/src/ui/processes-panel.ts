// The processes panel: one row per process (the server worker, the Python
// worker and the MCP server) with its state, a progress bar while loading, and
// Kill / Restart; below, each Python process's console (stdout, stderr and
// log records).
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

/** A Python process's console (stdout, stderr, log records), following new lines; the lab page shows the worker's too. */
export function mountProcessConsole(name: ProcessName, title: string, python: PythonSupervisor): { section: HTMLElement; output: HTMLElement; dispose: () => void } {
  const output = h('pre', { class: 'console-output', 'data-testid': `${name}-console`, tabindex: 0 });
  const append = (line: ConsoleLine) => {
    const stick = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
    output.append(h('span', { class: `line line-${line.stream}` }, `${line.text}\n`));
    while (output.childElementCount > 2_000) output.firstElementChild!.remove();
    if (stick) output.scrollTop = output.scrollHeight;
  };
  for (const line of python.lines) append(line);
  const off = python.onLine(append);
  const section = h('section', { class: 'panel console-panel', 'aria-labelledby': `${name}-console-title` },
    h('h2', { id: `${name}-console-title` }, title),
    output,
  );
  return { section, output, dispose: off };
}

/** The Python processes the panel shows. */
export interface PythonProcesses {
  worker: PythonSupervisor;
  mcp: PythonSupervisor;
}

function pythonRow(name: ProcessName, title: string, description: string, python: PythonSupervisor): RowModel {
  return {
    name, title, description,
    state: () => python.state, detail: () => python.detail, progress: () => python.progress,
    kill: () => python.kill(), restart: () => python.restart(),
    onChange: (listener) => python.onChange(listener),
  };
}

export function mountProcessesPanel(root: HTMLElement, server: ServerSupervisor, python: PythonProcesses): Disposable {
  const rows = [
    mountRow({
      name: 'server', title: 'Server worker', description: 'engine.wasm: the Temporal-style server, state in IndexedDB',
      state: () => server.state, detail: () => server.detail, progress: () => null,
      kill: () => server.kill(), restart: () => { void server.restart().catch(() => {}); },
      onChange: (listener) => server.onChange(listener),
    }),
    mountRow(pythonRow('python', 'Python worker',
      `python ${python.worker.entry} (Pyodide): runs the workspace\u2019s workflows and activities`, python.worker)),
    mountRow(pythonRow('mcp', 'MCP server',
      `python ${python.mcp.entry} (Pyodide): the tools the MCP client calls; started when the page connects to it`, python.mcp)),
  ];
  const consoles = [
    mountProcessConsole('python', 'Python worker console', python.worker),
    mountProcessConsole('mcp', 'MCP server console', python.mcp),
  ];

  root.append(
    h('section', { class: 'panel processes-panel', 'aria-labelledby': 'processes-title' },
      h('h2', { id: 'processes-title' }, 'Processes'),
      h('ul', { class: 'process-list' }, ...rows.map((r) => r.row)),
    ),
    ...consoles.map((c) => c.section),
  );
  for (const c of consoles) c.output.scrollTop = c.output.scrollHeight;

  return {
    dispose() {
      for (const r of rows) r.dispose();
      for (const c of consoles) c.dispose();
      root.replaceChildren();
    },
  };
}
