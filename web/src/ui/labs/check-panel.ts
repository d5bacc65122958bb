// The check's results as they come: a summary line, Stop while it runs, and
// each step as pending, running, passed, failed (what was expected, what
// happened, the hint, details) or skipped (why); below, what the check
// process printed, folded away.
import type { CheckReport, CheckStepReport } from '../../labs/check-run.ts';
import { h } from '../dom.ts';
import type { CheckRun } from './check-runner.ts';

export interface CheckPanel {
  element: HTMLElement;
  /** Shows a run (and follows it while it goes on). */
  show(run: CheckRun | null): void;
  dispose(): void;
}

const STATUS_LABEL: Record<CheckStepReport['status'], string> = {
  pending: 'waiting', running: 'running', passed: 'passed', failed: 'failed', skipped: 'skipped',
};

export function mountCheckPanel(): CheckPanel {
  const summary = h('p', { class: 'check-summary', role: 'status', 'aria-live': 'polite' });
  const stop = h('button', { type: 'button', class: 'danger small', hidden: true }, 'Stop');
  const steps = h('ol', { class: 'check-steps' });
  const output = h('pre', { class: 'console-output check-output' });
  const outputTitle = h('summary', {}, 'Check output');
  const outputDetails = h('details', { class: 'check-output-details', hidden: true }, outputTitle, output);
  const element = h('section', { class: 'check-panel', 'aria-label': 'Check' },
    h('div', { class: 'check-bar' }, summary, stop), steps, outputDetails);
  let run: CheckRun | null = null;
  let off = () => {};

  const render = () => {
    const report = run?.report;
    stop.hidden = !run || run.finished;
    summary.textContent = describeRun(run);
    summary.dataset.outcome = !run || !run.finished ? 'pending' : report!.ok ? 'passed' : 'failed';
    steps.replaceChildren(...(report?.steps ?? []).map(stepItem));
    outputDetails.hidden = !run || run.output.length === 0;
    if (run) {
      outputTitle.textContent = `Check output (${run.output.length} line${run.output.length === 1 ? '' : 's'})`;
      output.replaceChildren(...run.output.map((line) => h('span', { class: `line line-${line.stream}` }, `${line.text}\n`)));
    }
  };
  stop.addEventListener('click', () => run?.stop());

  return {
    element,
    show(next) {
      off();
      run = next;
      off = run?.onChange(render) ?? (() => {});
      render();
    },
    dispose() {
      off();
    },
  };
}

function describeRun(run: CheckRun | null): string {
  if (!run) return 'Check runs the lab\u2019s check on your code, on an engine of its own: your workflows are not touched.';
  const report = run.report;
  if (run.loading && !run.finished) return `Starting the check: ${run.loading.stage} (${Math.round(run.loading.fraction * 100)}%)\u2026`;
  if (!run.finished) {
    const current = report.steps.findIndex((step) => step.status === 'running');
    return current < 0 ? 'Running the check\u2026' : `Step ${current + 1} of ${report.steps.length}: ${report.steps[current]!.title}\u2026`;
  }
  return finishedSummary(report, run.stoppedByAttendee);
}

function finishedSummary(report: CheckReport, stopped: boolean): string {
  const total = report.steps.length;
  if (stopped) return `Stopped: ${report.passed} of ${total} steps passed before it stopped.`;
  if (report.ok) return `All ${total} steps passed.`;
  const counts = `${report.passed} of ${total} steps passed, ${report.failed} failed${report.skipped ? `, ${report.skipped} skipped` : ''}.`;
  return report.error ? `${counts} The check ended early: ${report.error}` : counts;
}

function stepItem(step: CheckStepReport): HTMLElement {
  const item = h('li', { class: 'check-step', 'data-status': step.status, 'data-step': step.id },
    h('div', { class: 'check-step-head' },
      h('span', { class: `check-status check-status-${step.status}` }, STATUS_LABEL[step.status]),
      h('span', { class: 'check-step-title' }, step.title),
      step.seconds === undefined ? null : h('span', { class: 'check-step-time' }, `${step.seconds.toFixed(1)} s`)));
  if (step.status === 'failed') {
    const facts = h('dl', { class: 'check-facts' });
    const fact = (term: string, text: string | undefined) => {
      if (text) facts.append(h('dt', {}, term), h('dd', {}, text));
    };
    fact('Expected', step.expected);
    fact('Happened', step.happened);
    fact('Hint', step.hint);
    item.append(facts);
    if (step.details) item.append(h('details', {}, h('summary', {}, 'Details'), h('pre', { class: 'check-details' }, step.details)));
  } else if (step.status === 'skipped' && step.reason) {
    item.append(h('p', { class: 'check-reason' }, step.reason));
  }
  return item;
}
