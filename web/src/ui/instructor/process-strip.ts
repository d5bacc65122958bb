// The three processes at a glance in the instructor panel, so the room sees
// "Python worker: stopped" next to a workflow that is still running, and the
// presenter sees which code the worker runs (the chapter's example, or the
// lab last run, whose code may not be the chapter's).
import { describeOrigin } from '../../labs/workspace.ts';
import type { Disposable } from '../deps.ts';
import { h } from '../dom.ts';
import type { ProcessState } from '../process-state.ts';
import type { InstructorDeps } from './deps.ts';

interface Row {
  title: string;
  process: { readonly state: ProcessState; onChange(listener: () => void): () => void };
}

export function mountProcessStrip(root: HTMLElement, deps: InstructorDeps): Disposable {
  const rows: Row[] = [
    { title: 'Server', process: deps.server },
    { title: 'Python worker', process: deps.worker },
    { title: 'MCP server', process: deps.mcpServer },
  ];
  const states = rows.map(() => h('span', { class: 'process-state' }));
  const code = h('p', { class: 'instructor-worker-code' });
  root.append(
    h('ul', { class: 'instructor-processes', 'aria-label': 'Processes' },
      ...rows.map((row, index) => h('li', {}, `${row.title} `, states[index]!))),
    code,
  );
  const render = () => {
    rows.forEach((row, index) => {
      const state = row.process.state;
      states[index]!.textContent = state;
      states[index]!.className = `process-state state-${state}`;
    });
    const program = deps.worker.program;
    code.textContent = program ? `The worker runs ${describeOrigin(program.origin)}.` : '';
  };
  const offs = rows.map((row) => row.process.onChange(render));
  render();
  return { dispose: () => { for (const off of offs) off(); } };
}
