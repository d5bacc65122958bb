// The worker, seen from a lab's page: its state (with loading progress), which
// code it runs (this lab's latest edit, an older one: "modified since run", or
// other code), and Kill. Run lives in the page's toolbar.
import { describeOrigin, runFreshness, type Workspace } from '../../labs/workspace.ts';
import { h } from '../dom.ts';
import { rememberRunning } from '../process-state.ts';
import type { PythonSupervisor } from '../python-supervisor.ts';

export function mountRunStrip(options: { labId: string; worker: PythonSupervisor; workspace: Workspace }): { element: HTMLElement; dispose(): void } {
  const { labId, worker, workspace } = options;
  const state = h('span', { class: 'process-state', 'data-testid': 'lab-worker-state' });
  const progress = h('progress', { max: 1, 'aria-label': 'Python worker loading' });
  const code = h('span', { class: 'lab-run-code', 'data-testid': 'lab-run-status' });
  const kill = h('button', {
    type: 'button', class: 'danger small', 'aria-label': 'Kill the Python worker',
    onclick: () => { rememberRunning('python', false); worker.kill(); },
  }, 'Kill');
  const element = h('div', { class: 'lab-run-strip', role: 'group', 'aria-label': 'Python worker' },
    h('strong', {}, 'Worker'), state, progress, code, kill);

  const render = () => {
    state.textContent = worker.state;
    state.className = `process-state state-${worker.state}`;
    progress.hidden = worker.state !== 'loading';
    progress.value = worker.progress;
    kill.disabled = worker.state === 'stopped' || worker.state === 'crashed';
    const program = worker.program;
    const freshness = runFreshness(program, labId, workspace.files(labId));
    code.dataset.freshness = freshness;
    if (freshness === 'not-run' || !program) {
      code.textContent = 'Not started yet: Run starts it on your code.';
      return;
    }
    const verb = { loading: 'Starting', running: 'Running', crashed: 'Crashed running', stopped: 'Stopped; it ran' }[worker.state];
    const crash = worker.state === 'crashed' ? ` (${worker.detail})` : '';
    code.textContent = freshness === 'other-code'
      ? `${verb} ${describeOrigin(program.origin)}, not this lab\u2019s${crash}. Run starts this lab\u2019s code.`
      : `${verb} ${describeOrigin(program.origin)}${crash}.` +
        (freshness === 'modified' ? ' Modified since run: Run again to use your latest code.' : '');
  };
  const offs = [worker.onChange(render), workspace.onChange(render)];
  render();
  return { element, dispose: () => { for (const off of offs) off(); } };
}
